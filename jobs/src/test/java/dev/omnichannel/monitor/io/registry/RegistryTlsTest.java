package dev.omnichannel.monitor.io.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry served over HTTPS with a certificate of its own (made with the JDK's keytool, for
 * 127.0.0.1): trusted through {@code schema.registry.ssl.truststore.*}, the client reads schemas;
 * with the JVM's default trust store, the same registry is a retrying error naming its URL, never a
 * silent drop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryTlsTest {
  private static final String SERVER_PASSWORD = "server-store-pass";
  private static final String TRUST_PASSWORD = "trust-store-pass";

  private Path serverStore;
  private Path trustStore;

  private void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @BeforeAll
  void certificates(@TempDir Path dir) throws Exception {
    serverStore = dir.resolve("registry.p12");
    trustStore = dir.resolve("trust.p12");
    Path cert = dir.resolve("registry.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "registry",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-keystore",
        serverStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        SERVER_PASSWORD,
        "-keypass",
        SERVER_PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "registry",
        "-keystore",
        serverStore.toString(),
        "-storepass",
        SERVER_PASSWORD,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "registry",
        "-file",
        cert.toString(),
        "-keystore",
        trustStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        TRUST_PASSWORD);
  }

  private SSLContext serverContext() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverStore)) {
      ks.load(in, SERVER_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, SERVER_PASSWORD.toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    return ssl;
  }

  @Test
  void aRegistryOverHttpsIsReadThroughTheConfiguredTrustStore() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry(serverContext())) {
      assertThat(registry.url().getScheme()).isEqualTo("https");
      RegistryConfig config =
          RegistryConfig.of(
              registry.url().toString(),
              Map.of(
                  RegistryConfig.TRUSTSTORE_LOCATION,
                  trustStore.toString(),
                  RegistryConfig.TRUSTSTORE_PASSWORD,
                  TRUST_PASSWORD),
              Map.of());
      SchemaRegistryClient client = config.client();
      assertThat(SchemaNormalization.parsingFingerprint64(client.schema(1)))
          .isEqualTo(SchemaNormalization.parsingFingerprint64(ChannelEvent.getClassSchema()));
      assertThat(registry.requests(1)).isEqualTo(1);
    }
  }

  @Test
  void aCertificateTheClientDoesNotTrustIsARetryingErrorNamingTheRegistry() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry(serverContext())) {
      SchemaRegistryClient client = RegistryConfig.of(registry.url().toString()).client();
      assertThatThrownBy(() -> client.schema(1))
          .isInstanceOf(SchemaRegistryClient.RegistryUnavailableException.class)
          .hasMessageContaining(registry.url().toString())
          .hasMessageNotContaining("\tat ");
      assertThat(registry.requests(1)).isZero();
    }
  }

  @Test
  void aTrustStoreThatCannotBeReadIsNamedWithoutItsPassword() throws Exception {
    RegistryConfig config =
        RegistryConfig.of(
            "https://127.0.0.1:1",
            Map.of(
                RegistryConfig.TRUSTSTORE_LOCATION,
                trustStore.toString(),
                RegistryConfig.TRUSTSTORE_PASSWORD,
                "not-the-trust-password"),
            Map.of());
    assertThatThrownBy(config::sslContext)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(trustStore.toString())
        .hasMessageNotContaining("not-the-trust-password");
  }
}
