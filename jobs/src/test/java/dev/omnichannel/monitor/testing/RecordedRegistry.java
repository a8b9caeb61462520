package dev.omnichannel.monitor.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A schema registry's Confluent-compatible REST API ({@code GET /schemas/ids/{id}}) served on
 * 127.0.0.1 from prepared answers in {@code src/test/resources/registry/schemas-ids-N.json} (the
 * API's JSON form, {@code {"schema": "<Avro schema JSON>"}}); an id without a file gets the API's
 * 404 answer ({@code error_code 40403}). {@link #stop} makes it unreachable (connection refused);
 * {@link #start} serves again on the same port. {@link #unavailable} makes it answer every request
 * with 503, as a registry whose storage is down does. Counts the requests per id.
 */
public final class RecordedRegistry implements AutoCloseable {
  private final Map<Integer, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile boolean unavailable;
  private int port;
  private HttpServer server;

  /** Starts on a free port. */
  public RecordedRegistry() {
    start();
  }

  /** Serves (again, on the same port once it had one). */
  public synchronized void start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
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
    server.start();
    port = server.getAddress().getPort();
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
    return URI.create("http://127.0.0.1:" + port);
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
