package dev.omnichannel.monitor.io.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.omnichannel.monitor.avro.Alert;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient.RegistryUnavailableException;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient.UnknownSchemaException;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaRegistryClient} over HTTP against the prepared answers of {@link RecordedRegistry},
 * and against answers that do not come from a registry's API.
 */
class SchemaRegistryClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void fetchesTheSchemaOfAnIdOnceAndCachesIt() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      SchemaRegistryClient client = new SchemaRegistryClient(registry.url(), TIMEOUT);
      long current = SchemaNormalization.parsingFingerprint64(ChannelEvent.getClassSchema());
      assertThat(SchemaNormalization.parsingFingerprint64(client.schema(1))).isEqualTo(current);
      assertThat(client.schema(1)).isSameAs(client.schema(1));
      assertThat(registry.requests(1)).isEqualTo(1);
    }
  }

  @Test
  void aRegistry404IsAnUnknownIdAndIsAskedAgainNextTime() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      SchemaRegistryClient client = new SchemaRegistryClient(registry.url(), TIMEOUT);
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> client.schema(42))
            .isInstanceOfSatisfying(
                UnknownSchemaException.class, e -> assertThat(e.notFound()).isTrue())
            .hasMessage(
                "schema id 42 not found ({\"error_code\": 40403, \"message\": \"Schema not"
                    + " found\"}\n)");
      }
      assertThat(registry.requests(42)).isEqualTo(2);
      assertThat(client.cached()).isZero();
    }
  }

  @Test
  void aWrongBaseUrlIsARetryingErrorNotAnUnknownId() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      URI wrong = URI.create(registry.url() + "/apis/ccompat/v7");
      SchemaRegistryClient client = new SchemaRegistryClient(wrong, TIMEOUT);
      assertThatThrownBy(() -> client.schema(1))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageStartingWith(
              "schema registry answered 404 for "
                  + wrong
                  + "/schemas/ids/1 without a registry error (is the URL the base of its"
                  + " Confluent-compatible API?)");
    }
  }

  @Test
  void anAnswerThatIsNotJsonIsARetryingError() throws Exception {
    HttpServer html =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    html.createContext(
        "/",
        x -> {
          byte[] b = "<html>login</html>".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, b.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(b);
          }
        });
    html.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + html.getAddress().getPort());
      assertThatThrownBy(() -> new SchemaRegistryClient(url, TIMEOUT).schema(3))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessage(
              "schema registry answered 200 for "
                  + url
                  + "/schemas/ids/3 with no JSON object: <html>login</html>");
    } finally {
      html.stop(0);
    }
  }

  @Test
  void aNonAvroOrInvalidSchemaCannotBeRead() {
    assertThatThrownBy(
            () -> SchemaRegistryClient.parse(7, "{\"schema\": \"{\\\"type\\\": \\\"recrod\\\"}\"}"))
        .isInstanceOfSatisfying(
            UnknownSchemaException.class, e -> assertThat(e.notFound()).isFalse())
        .hasMessageStartingWith("schema id 7 is not a valid Avro schema: ");
    assertThatThrownBy(() -> SchemaRegistryClient.parse(8, "{\"id\": 8}"))
        .hasMessage("schema id 8: answer has no \"schema\" text");
  }

  @Test
  void registersASchemaUnderASubjectAndGetsTheSameIdForTheSameSchema() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      SchemaRegistryClient client = new SchemaRegistryClient(registry.url(), TIMEOUT);
      // the current ChannelEvent schema is the prepared id 1: a registry's ids are global
      assertThat(client.register("events-value", ChannelEvent.getClassSchema())).isEqualTo(1);
      assertThat(client.register("events-value", ChannelEvent.getClassSchema())).isEqualTo(1);
      assertThat(registry.registrations()).as("the id is cached").isEqualTo(1);
      // another client, another subject: the same schema, the same id
      assertThat(
              new SchemaRegistryClient(registry.url(), TIMEOUT)
                  .register("other-value", ChannelEvent.getClassSchema()))
          .isEqualTo(1);
      // a new schema gets the next id after the prepared ones, and is served by id
      assertThat(client.register("dlq-value", DeadLetterRow.getClassSchema())).isEqualTo(7);
      assertThat(client.register("alerts-value", Alert.getClassSchema())).isEqualTo(8);
      // registered as schemas/ publishes it, without the Java generator's avro.java.string hints
      assertThat(new SchemaRegistryClient(registry.url(), TIMEOUT).schema(7).toString())
          .isEqualTo(SchemaRegistryClient.published(DeadLetterRow.getClassSchema()))
          .doesNotContain("avro.java.string");
      registry.stop();
      registry.start();
      assertThat(
              new SchemaRegistryClient(registry.url(), TIMEOUT)
                  .register("dlq2-value", DeadLetterRow.getClassSchema()))
          .as("kept across a restart")
          .isEqualTo(7);
      assertThat(registry.versions("events-value")).containsExactly(1);
      assertThat(registry.versions("dlq-value")).containsExactly(7);
    }
  }

  @Test
  void registeringWithTheRegistryDownIsARetryingErrorNamingTheRegistry() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      registry.stop();
      assertThatThrownBy(
              () ->
                  new SchemaRegistryClient(registry.url(), TIMEOUT)
                      .register("events-value", ChannelEvent.getClassSchema()))
          .isInstanceOfSatisfying(
              RegistryUnavailableException.class, e -> assertThat(e.status()).isZero())
          .hasMessageStartingWith("schema registry " + registry.url() + "/ unreachable: ");
    }
  }

  @Test
  void basicAuthWithTheRightCredentialsWorksAndWrongOnesAreRefusedByName() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      registry.requireCredentials("omni", "s3cret-pass");
      SchemaRegistryClient right =
          new SchemaRegistryClient(registry.url(), TIMEOUT, "omni:s3cret-pass", null);
      right.checkAccess();
      assertThat(right.register("events-value", ChannelEvent.getClassSchema())).isEqualTo(1);
      assertThat(right.schema(2)).isNotNull();
      SchemaRegistryClient wrong =
          new SchemaRegistryClient(registry.url(), TIMEOUT, "omni:wrong", null);
      assertThatThrownBy(wrong::checkAccess)
          .isInstanceOfSatisfying(
              RegistryUnavailableException.class, e -> assertThat(e.refusedCredentials()).isTrue())
          .hasMessage(
              "schema registry "
                  + registry.url()
                  + "/ refused the credentials (401 Unauthorized): check"
                  + " OMNI_SCHEMA_REGISTRY_USER_INFO or schema.registry.basic.auth.user.info");
      assertThatThrownBy(() -> wrong.schema(3))
          .isInstanceOfSatisfying(
              RegistryUnavailableException.class, e -> assertThat(e.refusedCredentials()).isTrue());
      assertThatThrownBy(() -> new SchemaRegistryClient(registry.url(), TIMEOUT).schema(3))
          .hasMessage(
              "schema registry "
                  + registry.url()
                  + "/ needs credentials (401 Unauthorized): set"
                  + " OMNI_SCHEMA_REGISTRY_USER_INFO or schema.registry.basic.auth.user.info");
      assertThat(registry.unauthorized()).isEqualTo(3);
    }
  }
}
