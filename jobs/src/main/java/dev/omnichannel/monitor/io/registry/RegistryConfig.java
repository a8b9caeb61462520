package dev.omnichannel.monitor.io.registry;

import dev.omnichannel.monitor.config.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How to reach a schema registry: the base URL of its Confluent-compatible API, and optionally
 * basic-auth credentials and a trust store for {@code https}. Serializable, so that it travels to
 * the TaskManagers inside the job graph (the credentials with it, as the Kafka client properties
 * do).
 *
 * <p>The settings use the names of Confluent's serializer configuration with the {@code
 * schema.registry.} prefix, so they sit in the same client properties file as the Kafka settings:
 * {@value #USER_INFO} ({@code USER:PASSWORD}), {@value #TRUSTSTORE_LOCATION}, {@value
 * #TRUSTSTORE_PASSWORD} and {@value #TRUSTSTORE_TYPE} ({@code PKCS12} unless the file ends in
 * {@code .jks}). The credentials may also come from the environment variable {@value
 * #USER_INFO_ENV} (the file's value wins). Without a trust store, {@code https} uses the JVM's
 * default trust store. {@link #toString} masks the password and the trust store password.
 *
 * @param url the base URL (checked by {@code KafkaOptions}), no trailing slash
 * @param userInfo {@code USER:PASSWORD} for HTTP basic auth, or null
 * @param trustStore a trust store file for {@code https}, or null for the JVM's default
 * @param trustStorePassword its password, or null
 * @param trustStoreType its type (PKCS12, JKS), or null to tell it from the file name
 */
public record RegistryConfig(
    String url,
    String userInfo,
    String trustStore,
    String trustStorePassword,
    String trustStoreType)
    implements Serializable {

  /** The prefix of the registry's settings among the client properties. */
  public static final String PREFIX = "schema.registry.";

  /** Basic-auth credentials, {@code USER:PASSWORD}, as Confluent's serializers name them. */
  public static final String USER_INFO = PREFIX + "basic.auth.user.info";

  /** The environment variable that may hold {@link #USER_INFO} instead. */
  public static final String USER_INFO_ENV = "OMNI_SCHEMA_REGISTRY_USER_INFO";

  public static final String TRUSTSTORE_LOCATION = PREFIX + "ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = PREFIX + "ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = PREFIX + "ssl.truststore.type";

  /** How long one request to the registry may take. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  public RegistryConfig {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("schema registry URL is missing");
    }
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      if (colon <= 0) {
        // never the value itself: it is a secret
        throw new IllegalArgumentException(
            "schema registry credentials are not USER:PASSWORD (from "
                + USER_INFO
                + " or "
                + USER_INFO_ENV
                + ")");
      }
      Secrets.remember(userInfo);
      Secrets.remember(userInfo.substring(colon + 1));
    }
    if (trustStorePassword != null) {
      Secrets.remember(trustStorePassword);
    }
  }

  /** A registry at {@code url} without credentials, trusted by the JVM's default trust store. */
  public static RegistryConfig of(String url) {
    return new RegistryConfig(url, null, null, null, null);
  }

  /**
   * A registry at {@code url} with the {@code schema.registry.*} settings of {@code properties},
   * and the credentials from {@code env} ({@value #USER_INFO_ENV}) when the properties give none.
   */
  public static RegistryConfig of(
      String url, Map<String, String> properties, Map<String, String> env) {
    String userInfo = blankToNull(properties.get(USER_INFO));
    if (userInfo == null) {
      userInfo = blankToNull(env.get(USER_INFO_ENV));
    }
    return new RegistryConfig(
        url,
        userInfo,
        blankToNull(properties.get(TRUSTSTORE_LOCATION)),
        properties.get(TRUSTSTORE_PASSWORD),
        blankToNull(properties.get(TRUSTSTORE_TYPE)));
  }

  /** A client of this registry; throws IllegalArgumentException for an unusable trust store. */
  public SchemaRegistryClient client() {
    return new SchemaRegistryClient(URI.create(url), TIMEOUT, userInfo, sslContext());
  }

  /** The TLS context of the trust store, or null for the JVM's default. */
  public SSLContext sslContext() {
    if (trustStore == null) {
      return null;
    }
    Path file = Path.of(trustStore);
    String type =
        trustStoreType != null
            ? trustStoreType
            : trustStore.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance(type);
      ks.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          TRUSTSTORE_LOCATION
              + " "
              + trustStore
              + " cannot be read as a "
              + type
              + " trust store: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + Secrets.redactText(e.getMessage())));
    }
  }

  @Override
  public String toString() {
    return "RegistryConfig[url="
        + url
        + ", userInfo="
        + (userInfo == null
            ? null
            : userInfo.substring(0, userInfo.indexOf(':')) + ":" + Secrets.MASK)
        + ", trustStore="
        + trustStore
        + ", trustStorePassword="
        + (trustStorePassword == null ? null : Secrets.MASK)
        + ", trustStoreType="
        + trustStoreType
        + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
