package dev.omnichannel.monitor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * A schema registry's Confluent-compatible REST API ({@code GET /schemas/ids/{id}}) served on
 * 127.0.0.1 from prepared answers in {@code src/test/resources/registry/schemas-ids-N.json} (the
 * API's JSON form, {@code {"schema": "<Avro schema JSON>"}}); an id without a file gets the API's
 * 404 answer ({@code error_code 40403}). {@link #stop} makes it unreachable (connection refused);
 * {@link #start} serves again on the same port. {@link #unavailable} makes it answer every request
 * with 503, as a registry whose storage is down does. Counts the requests per id.
 *
 * <p>It also registers schemas as a registry does: {@code POST /subjects/{subject}/versions} with
 * {@code {"schema": "..."}} (content type {@code application/vnd.schemaregistry.v1+json} or {@code
 * application/json}) answers {@code {"id": N}}. Ids are global: a schema equal to a prepared one
 * (the same parsed Avro schema, docs included) gets the prepared id (the current ChannelEvent
 * schema is id 1), any other the next free id after the prepared ones, in the order they come; the
 * same schema always gets the same id, under any subject, and keeps it across {@link #stop} and
 * {@link #start}. A registered id is served by {@code GET /schemas/ids/{id}} too. {@code GET
 * /subjects} lists the subjects. With {@link #requireCredentials}, every request needs HTTP basic
 * auth with those credentials, else 401 with the API's error body.
 */
public final class RecordedRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions/?");

  private final Map<Integer, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, String> registered = new ConcurrentHashMap<>();
  private final Map<String, List<Integer>> subjects = new ConcurrentHashMap<>();
  private final AtomicInteger registrations = new AtomicInteger();
  private int nextId;
  private volatile String authorization;
  private volatile boolean unavailable;
  private int port;

  /** The server's TLS context, or null to serve plain HTTP. */
  private final javax.net.ssl.SSLContext tls;

  private HttpServer server;

  /** Starts on a free port, serving plain HTTP. */
  public RecordedRegistry() {
    this(null);
  }

  /** Starts on a free port, serving HTTPS with {@code tls} when it is not null. */
  public RecordedRegistry(javax.net.ssl.SSLContext tls) {
    this.tls = tls;
    int id = 1;
    for (byte[] b; (b = resource("schemas-ids-" + id + ".json")) != null; id++) {
      String canonical = canonical(schemaText(new String(b, StandardCharsets.UTF_8)));
      if (canonical != null) {
        ids.putIfAbsent(canonical, id);
      }
    }
    nextId = id;
    start();
  }

  /** Serves (again, on the same port once it had one). */
  public synchronized void start() {
    try {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      if (tls == null) {
        server = HttpServer.create(at, 0);
      } else {
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(at, 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        server = https;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/schemas/ids/",
        exchange -> {
          String last = exchange.getRequestURI().getPath().replaceAll(".*/", "");
          int id;
          try {
            id = Integer.parseInt(last);
          } catch (NumberFormatException e) {
            id = -1;
          }
          if (!authorized(exchange)) {
            return;
          }
          byte[] body;
          int status = 200;
          if (unavailable) {
            refused.incrementAndGet();
            status = 503;
            body =
                "{\"error_code\":50301,\"message\":\"storage unavailable\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          } else {
            requests.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            body = resource("schemas-ids-" + id + ".json");
            String schema = registered.get(id);
            if (body == null && schema != null) {
              body = json(Map.of("schema", schema));
            }
          }
          if (body == null) {
            status = 404;
            body = resource("not-found.json");
          }
          exchange
              .getResponseHeaders()
              .add("Content-Type", "application/vnd.schemaregistry.v1+json");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext("/subjects", this::subjects);
    server.start();
    port = server.getAddress().getPort();
  }

  /** {@code GET /subjects} and {@code POST /subjects/{subject}/versions}. */
  private void subjects(HttpExchange exchange) throws IOException {
    if (!authorized(exchange)) {
      return;
    }
    if (unavailable) {
      refused.incrementAndGet();
      answer(exchange, 503, Map.of("error_code", 50301, "message", "storage unavailable"));
      return;
    }
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals("/subjects") && method.equals("GET")) {
      answer(exchange, 200, new TreeMap<>(subjects).keySet());
      return;
    }
    Matcher m = VERSIONS.matcher(exchange.getRequestURI().getRawPath());
    if (!m.matches() || !method.equals("POST")) {
      answer(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null
        || !(type.startsWith("application/vnd.schemaregistry.v1+json")
            || type.startsWith("application/json"))) {
      answer(
          exchange, 415, Map.of("error_code", 415, "message", "HTTP 415 Unsupported Media Type"));
      return;
    }
    String subject = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    String text;
    try (InputStream in = exchange.getRequestBody()) {
      text = schemaText(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    String canonical = text == null ? null : canonical(text);
    if (canonical == null) {
      answer(
          exchange,
          422,
          Map.of(
              "error_code",
              42201,
              "message",
              "Either the input schema or one its references is invalid"));
      return;
    }
    int id;
    synchronized (this) {
      Integer known = ids.get(canonical);
      if (known == null) {
        known = nextId++;
        ids.put(canonical, known);
      }
      id = known;
      registered.putIfAbsent(id, text);
      List<Integer> versions = subjects.computeIfAbsent(subject, k -> new ArrayList<>());
      if (!versions.contains(id)) {
        versions.add(id);
      }
    }
    registrations.incrementAndGet();
    answer(exchange, 200, Map.of("id", id));
  }

  /** Answers 401 and returns false when credentials are required and the request lacks them. */
  private boolean authorized(HttpExchange exchange) throws IOException {
    String expected = authorization;
    if (expected == null
        || expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return true;
    }
    unauthorized.incrementAndGet();
    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
    answer(exchange, 401, Map.of("error_code", 401, "message", "Unauthorized"));
    return false;
  }

  private static void answer(HttpExchange exchange, int status, Object json) throws IOException {
    byte[] body = json(json);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The "schema" text of a request or answer body, or null. */
  private static String schemaText(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode schema = node == null ? null : node.get("schema");
      return schema != null && schema.isTextual() ? schema.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The parsed Avro schema's JSON (docs included), or null when it is not an Avro schema. */
  private static String canonical(String schema) {
    try {
      return new Schema.Parser().parse(schema).toString();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** From now on, every request needs basic auth with {@code user} and {@code password}. */
  public void requireCredentials(String user, String password) {
    authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Requests answered 401 so far. */
  public int unauthorized() {
    return unauthorized.get();
  }

  /** The ids registered under {@code subject}, in the order they were first registered. */
  public synchronized List<Integer> versions(String subject) {
    List<Integer> v = subjects.get(subject);
    return v == null ? List.of() : List.copyOf(v);
  }

  /** Registration requests answered so far. */
  public int registrations() {
    return registrations.get();
  }

  /** Stops serving: connections are refused until {@link #start}. */
  public synchronized void stop() {
    server.stop(0);
  }

  /** Answers 503 to every request while {@code value} is true. */
  public void unavailable(boolean value) {
    unavailable = value;
  }

  /** Requests answered 503 so far. */
  public int refused() {
    return refused.get();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
  public URI url() {
    return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port);
  }

  /** Requests seen for {@code id}. */
  public int requests(int id) {
    AtomicInteger n = requests.get(id);
    return n == null ? 0 : n.get();
  }

  /** The prepared answer {@code name}, or null. */
  public static byte[] resource(String name) {
    try (InputStream in = RecordedRegistry.class.getResourceAsStream("/registry/" + name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
