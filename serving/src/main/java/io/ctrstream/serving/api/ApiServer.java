package io.ctrstream.serving.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.StoreUnavailableException;
import io.ctrstream.serving.view.ResultJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of the API and the dashboard, on the JDK's built-in {@code
 * com.sun.net.httpserver} (no web framework: a handful of read-only GET routes need none).
 *
 * <p>GET only (405 otherwise). JSON answers carry {@code Cache-Control: no-store}; errors are
 * {@code {"status", "error", "message"}} with 400 (bad parameter), 404 (unknown campaign or path),
 * 503 (Redis unreachable) or 500. CORS is off unless an allowed origin is given, then that origin
 * (or {@code *}) gets {@code Access-Control-Allow-Origin}.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final CtrApi api;
  private final StaticAssets assets = new StaticAssets();
  private final String corsOrigin;

  /**
   * Binds the server (it does not serve until {@link #start}).
   *
   * @param bind address to listen on, e.g. {@code 127.0.0.1}
   * @param port port, or 0 for a free one (see {@link #port})
   * @param corsOrigin the origin allowed to call from a browser, {@code *} for any, or null for none
   * @throws IOException if the address cannot be bound (e.g. the port is taken)
   */
  public ApiServer(ResultStore store, String bind, int port, String corsOrigin) throws IOException {
    this.api = new CtrApi(store, System::currentTimeMillis);
    this.corsOrigin = corsOrigin;
    this.server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "ctr-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      if (corsOrigin != null) {
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", corsOrigin);
        exchange.getResponseHeaders().set("Vary", "Origin");
      }
      if (method.equals("OPTIONS") && corsOrigin != null) {
        exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "GET");
        exchange.getResponseHeaders().set("Access-Control-Max-Age", "600");
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (!method.equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        sendJson(exchange, 405, error(405, "method_not_allowed", method + " is not supported; the API is read-only (GET)"));
        return;
      }
      StaticAssets.Asset asset = assets.get(path);
      if (asset != null) {
        send(exchange, 200, asset.contentType(), asset.body());
      } else if (path.equals("/health")) {
        Query.parse(exchange.getRequestURI().getRawQuery(), java.util.Set.of());
        ObjectNode health = api.health();
        sendJson(exchange, health.get("status").asText().equals("ok") ? 200 : 503, health);
      } else {
        sendJson(exchange, 200, api.get(path, exchange.getRequestURI().getRawQuery()));
      }
    } catch (ApiException e) {
      sendJson(exchange, e.status(), error(e.status(), e.error(), e.getMessage()));
    } catch (StoreUnavailableException e) {
      sendJson(exchange, 503, error(503, "redis_unavailable", e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      sendJson(exchange, 500, error(500, "internal_error", String.valueOf(e.getMessage())));
    } finally {
      exchange.close();
    }
  }

  private static ObjectNode error(int status, String error, String message) {
    ObjectNode o = ResultJson.object();
    o.put("status", status);
    o.put("error", error);
    o.put("message", message);
    return o;
  }

  private static void sendJson(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    send(exchange, status, "application/json; charset=utf-8", ResultJson.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
