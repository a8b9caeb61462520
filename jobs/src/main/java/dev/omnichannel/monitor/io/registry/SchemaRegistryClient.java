package dev.omnichannel.monitor.io.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Fetches writer schemas by id from a registry's Confluent-compatible REST API ({@code GET
 * {url}/schemas/ids/{id}}, answer {@code {"schema": "<Avro schema JSON>"}}, as Confluent Schema
 * Registry and Apicurio Registry's {@code /apis/ccompat/v7} serve it) and caches them: a registry
 * id names one schema forever, so each id is fetched once per client.
 *
 * <p>Outcomes of {@link #schema}: the parsed schema; {@link UnknownSchemaException} when the
 * registry answers 404 with its JSON error body ({@code error_code} 40403) or holds a schema that
 * is not Avro (the record can never be read: a dead letter); or {@link
 * RegistryUnavailableException} for anything that may pass or is a misconfiguration rather than the
 * record's fault (connection refused, a timeout, 5xx, any other status, a 404 without the
 * registry's error body as a wrong base URL gives, a 200 that is not a JSON object), so that the
 * caller retries rather than loses the record. Unknown ids are not cached: an id registered later
 * is found then.
 */
public final class SchemaRegistryClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;
  private final Map<Integer, Schema> cache = new ConcurrentHashMap<>();

  /**
   * A client of the registry at {@code base} (e.g. {@code http://127.0.0.1:8081} or Apicurio's
   * {@code http://127.0.0.1:8080/apis/ccompat/v7}); each request times out after {@code timeout}.
   */
  public SchemaRegistryClient(URI base, Duration timeout) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * The registry id names no usable Avro schema, so a record framed with it can never be read:
   * either the registry does not know the id ({@link #notFound()}), or what it holds is not an Avro
   * schema.
   */
  public static final class UnknownSchemaException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean notFound;

    UnknownSchemaException(String message, boolean notFound) {
      super(message);
      this.notFound = notFound;
    }

    /** True when the registry answered 404: it has no schema of that id. */
    public boolean notFound() {
      return notFound;
    }
  }

  /** The registry could not answer now (unreachable, timed out, or an error status). */
  public static final class RegistryUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    RegistryUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The writer schema registered under {@code id}, from the cache or the registry. */
  public Schema schema(int id) throws UnknownSchemaException, RegistryUnavailableException {
    Schema cached = cache.get(id);
    if (cached != null) {
      return cached;
    }
    Schema fetched = fetch(id);
    cache.put(id, fetched);
    return fetched;
  }

  /** How many schemas are cached. */
  public int cached() {
    return cache.size();
  }

  private Schema fetch(int id) throws UnknownSchemaException, RegistryUnavailableException {
    URI uri = base.resolve("schemas/ids/" + id);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RegistryUnavailableException(
          "schema registry "
              + base
              + " unreachable: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while asking " + uri, e);
    }
    int status = response.statusCode();
    String body = response.body();
    if (status == 404 && isRegistryError(body)) {
      throw new UnknownSchemaException("schema id " + id + " not found (" + clip(body) + ")", true);
    }
    if (status != 200) {
      throw new RegistryUnavailableException(
          "schema registry answered "
              + status
              + " for "
              + uri
              + (status == 404
                  ? " without a registry error (is the URL the base of its Confluent-compatible"
                      + " API?)"
                  : "")
              + ": "
              + clip(body),
          null);
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new RegistryUnavailableException(
          "schema registry answered 200 for " + uri + " with no JSON object: " + clip(body), null);
    }
    return parse(id, node);
  }

  /** True for the API's JSON error body, {@code {"error_code": 40403, "message": ...}}. */
  private static boolean isRegistryError(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.path("error_code").isInt();
    } catch (IOException e) {
      return false;
    }
  }

  /** The Avro schema of a {@code /schemas/ids/{id}} answer's text. */
  static Schema parse(int id, String body) throws UnknownSchemaException {
    try {
      return parse(id, JSON.readTree(body));
    } catch (IOException e) {
      throw new UnknownSchemaException("schema id " + id + ": answer is not JSON", false);
    }
  }

  /** The Avro schema of a {@code /schemas/ids/{id}} answer. */
  static Schema parse(int id, JsonNode node) throws UnknownSchemaException {
    JsonNode type = node.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
      throw new UnknownSchemaException(
          "schema id " + id + " is a " + type.asText() + " schema, not Avro", false);
    }
    JsonNode schema = node.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw new UnknownSchemaException(
          "schema id " + id + ": answer has no \"schema\" text", false);
    }
    try {
      return new Schema.Parser().parse(schema.asText());
    } catch (SchemaParseException e) {
      throw new UnknownSchemaException(
          "schema id " + id + " is not a valid Avro schema: " + clip(e.getMessage()), false);
    }
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
