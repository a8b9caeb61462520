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
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
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
 *
 * <p>{@link #register} registers a schema under a subject ({@code POST
 * {url}/subjects/{subject}/versions}, body {@code {"schema": "<Avro schema JSON>"}}, answer {@code
 * {"id": N}}) as a registry-aware producer does before it writes, and caches the id per subject and
 * schema. Requests carry HTTP basic auth when credentials are given; {@code https} uses the given
 * TLS context or the JVM's default.
 */
public final class SchemaRegistryClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;
  private final String authorization;
  private final Map<Integer, Schema> cache = new ConcurrentHashMap<>();
  private final Map<String, Integer> registered = new ConcurrentHashMap<>();

  /**
   * A client of the registry at {@code base} (e.g. {@code http://127.0.0.1:8081} or Apicurio's
   * {@code http://127.0.0.1:8080/apis/ccompat/v7}); each request times out after {@code timeout}.
   */
  public SchemaRegistryClient(URI base, Duration timeout) {
    this(base, timeout, null, null);
  }

  /**
   * A client that authenticates with {@code userInfo} ({@code USER:PASSWORD}, HTTP basic auth; null
   * for none) and trusts the certificates of {@code ssl} for {@code https} (null: the JVM's default
   * trust store).
   */
  public SchemaRegistryClient(URI base, Duration timeout, String userInfo, SSLContext ssl) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = b.build();
    this.authorization =
        userInfo == null
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
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

  /**
   * The registry could not answer now (unreachable, timed out, or an error status); {@link #status}
   * tells an error status (401 and 403: the credentials) from no answer at all.
   */
  public static final class RegistryUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    RegistryUnavailableException(String message, Throwable cause) {
      this(message, cause, 0);
    }

    RegistryUnavailableException(String message, Throwable cause, int status) {
      super(message, cause);
      this.status = status;
    }

    /** The HTTP status the registry answered, or 0 when it gave no answer. */
    public int status() {
      return status;
    }

    /** True when the registry refused the request's credentials (401) or their rights (403). */
    public boolean refusedCredentials() {
      return status == 401 || status == 403;
    }
  }

  /**
   * The id of {@code schema} under {@code subject} (e.g. {@code events-value}), registering it if
   * the subject does not hold it yet; cached per subject and schema.
   *
   * @throws RegistryUnavailableException when the registry cannot be reached, refuses the
   *     credentials, or refuses the schema (409: incompatible with the subject's earlier versions;
   *     422: invalid), with the registry's message
   */
  public int register(String subject, Schema schema) throws RegistryUnavailableException {
    String text = published(schema);
    String key = subject + "\n" + text;
    Integer known = registered.get(key);
    if (known != null) {
      return known;
    }
    URI uri =
        base.resolve(
            "subjects/"
                + java.net.URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20")
                + "/versions");
    String body = JSON.createObjectNode().put("schema", text).toString();
    HttpResponse<String> response =
        send(
            request(uri)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(),
            uri);
    int status = response.statusCode();
    if (status != 200) {
      throw new RegistryUnavailableException(
          "schema registry "
              + base
              + (status == 409
                  ? " refused the schema of subject " + subject + " as incompatible (409)"
                  : " answered " + status + " when registering subject " + subject)
              + ": "
              + clip(response.body()),
          null,
          status);
    }
    JsonNode node;
    try {
      node = JSON.readTree(response.body());
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.path("id").isInt()) {
      throw new RegistryUnavailableException(
          "schema registry answered 200 for " + uri + " without an id: " + clip(response.body()),
          null,
          status);
    }
    int id = node.get("id").asInt();
    registered.put(key, id);
    return id;
  }

  /**
   * The JSON of {@code schema} as {@code schemas/*.avsc} publishes it: without the {@code
   * avro.java.string} hints that Java code generation adds to the schema of a generated class, so
   * that every language's producer of the same schema registers the same text.
   */
  static String published(Schema schema) {
    try {
      JsonNode node = JSON.readTree(schema.toString());
      strip(node);
      return new Schema.Parser().parse(node.toString()).toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot render schema " + schema.getFullName(), e);
    }
  }

  private static void strip(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      o.remove("avro.java.string");
    }
    node.forEach(SchemaRegistryClient::strip);
  }

  /**
   * Asks the registry for its subjects ({@code GET {url}/subjects}), which needs the same
   * credentials as everything else: a quick check at start that the credentials are accepted.
   *
   * @throws RegistryUnavailableException when the registry cannot be reached or answers other than
   *     200 ({@link RegistryUnavailableException#refusedCredentials} for 401 and 403)
   */
  public void checkAccess() throws RegistryUnavailableException {
    URI uri = base.resolve("subjects");
    HttpResponse<String> response = send(request(uri).GET().build(), uri);
    if (response.statusCode() != 200) {
      throw status(response, uri);
    }
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest request, URI uri)
      throws RegistryUnavailableException {
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
    if (status == 401 || status == 403) {
      throw new RegistryUnavailableException(
          "schema registry "
              + base
              + (status == 401
                  ? authorization == null
                      ? " needs credentials (401 Unauthorized): set "
                          + RegistryConfig.USER_INFO_ENV
                          + " or "
                          + RegistryConfig.USER_INFO
                      : " refused the credentials (401 Unauthorized): check "
                          + RegistryConfig.USER_INFO_ENV
                          + " or "
                          + RegistryConfig.USER_INFO
                  : " denied access (403 Forbidden) to " + uri),
          null,
          status);
    }
    return response;
  }

  private RegistryUnavailableException status(HttpResponse<String> response, URI uri) {
    int status = response.statusCode();
    return new RegistryUnavailableException(
        "schema registry answered "
            + status
            + " for "
            + uri
            + (status == 404
                ? " without a registry error (is the URL the base of its Confluent-compatible"
                    + " API?)"
                : "")
            + ": "
            + clip(response.body()),
        null,
        status);
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
    HttpResponse<String> response = send(request(uri).GET().build(), uri);
    int status = response.statusCode();
    String body = response.body();
    if (status == 404 && isRegistryError(body)) {
      throw new UnknownSchemaException("schema id " + id + " not found (" + clip(body) + ")", true);
    }
    if (status != 200) {
      throw status(response, uri);
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
