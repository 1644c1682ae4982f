package io.ctrstream.serving.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.StoreUnavailableException;
import io.ctrstream.serving.view.ResultJson;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.RouteRole;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of the API and the dashboard, on Javalin (Jetty 12): routes with path parameters,
 * static files from the classpath with caching headers, CORS by Javalin's plugin.
 *
 * <p>Routes ({@link CtrApi} answers each; {@code /openapi.json} describes them, and a test keeps
 * the two equal): {@code /ctr/latest}, {@code /ctr/previous}, {@code /ctr/{campaign}}, {@code
 * /ctr/{campaign}/windows}, {@code /keys/{key}}, {@code /keys/{key}/windows} (any key, also one
 * named {@code latest} or {@code previous}), {@code /campaigns}, {@code /dimensions}, {@code
 * /alerts}, {@code /health}, and {@code /metrics} for Prometheus ({@link ApiMetrics}). Static: the
 * dashboard ({@code /}, {@code /dashboard.js}, {@code /dashboard.css}; {@code Cache-Control:
 * no-cache}, so a browser revalidates with {@code ETag}), Chart.js from its WebJar ({@code
 * /vendor/chart.umd.js}; cached for a day) and {@code /openapi.json}.
 *
 * <p>GET only: any other method is 405 with {@code Allow: GET} (OPTIONS is the CORS preflight when
 * CORS is on). JSON answers carry {@code Cache-Control: no-store}; errors are {@code {"status",
 * "error", "message"}} with 400 (bad parameter), 401 (no valid token, when the server has tokens),
 * 403 (outside the token's campaigns), 404 (unknown key or path), 503 (Redis unreachable) or 500.
 *
 * <p>Who may read ({@link Settings#tokens}): every result route needs a bearer token of the token
 * file, and answers within the token's {@link Access}; {@code /health}, {@code /metrics} (route
 * templates and counts, no campaign), the dashboard's files and the OpenAPI document stay open.
 * With {@link Settings#tls} it serves HTTPS only. CORS is off unless an allowed origin is given;
 * then a request from that origin (any, for {@code *}) gets {@code Access-Control-Allow-Origin}.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String BASE = "/io/ctrstream/serving/";
  private static final String OPENAPI = "/openapi.json";
  private static final String CHART_JS = "/vendor/chart.umd.js";
  private static final String METRICS = "/metrics";

  private static final String ACCESS = "ctrstream.access";

  /** The role of every route that reads results: it needs a valid token when tokens are on. */
  enum ApiRole implements RouteRole {
    READ
  }

  /**
   * How the server listens and who may read.
   *
   * @param bind address to listen on, e.g. {@code 127.0.0.1}
   * @param port port, or 0 for a free one (see {@link #port})
   * @param corsOrigin the origin allowed to call from a browser, {@code *} for any, or null for
   *     none
   * @param tokens the clients and their campaigns; null for none (every route open)
   * @param tls the PKCS12 keystore to serve HTTPS from (plain HTTP then off); null for HTTP
   */
  public record Settings(
      String bind, int port, String corsOrigin, ApiTokens tokens, TlsKeystore tls) {}

  /**
   * A PKCS12 keystore with the server's key and certificate chain.
   *
   * @param path the keystore file
   * @param password its password (and the key's)
   */
  public record TlsKeystore(Path path, char[] password) {}

  private final Javalin app;
  private final String bind;
  private final int port;

  /** A plain-HTTP server without tokens (every route open), as on a laptop. */
  public ApiServer(ResultStore store, String bind, int port, String corsOrigin) {
    this(store, new Settings(bind, port, corsOrigin, null, null));
  }

  /** Configures the server (it does not listen until {@link #start}). */
  public ApiServer(ResultStore store, Settings settings) {
    CtrApi api = new CtrApi(store, System::currentTimeMillis);
    ApiMetrics metrics = new ApiMetrics();
    this.bind = settings.bind();
    this.port = settings.port();
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              if (settings.tls() != null) {
                https(config, settings);
              }
              staticFiles(config);
              readOnly(config, settings.corsOrigin());
              accessControl(config, settings.tokens());
              routes(config, api);
              config.routes.get(
                  METRICS,
                  ctx ->
                      ctx.header("Cache-Control", "no-store")
                          .contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(metrics.scrape()));
              config.requestLogger.http(metrics::request);
              errors(config, metrics);
            });
  }

  /**
   * Javalin's access management: every {@link ApiRole#READ} route needs a bearer token of the token
   * file (401 otherwise), and the client's {@link Access} goes with the request to {@link CtrApi},
   * which answers 403 outside it and filters lists to it. Without tokens every client reads
   * everything.
   */
  private static void accessControl(JavalinConfig config, ApiTokens tokens) {
    config.routes.beforeMatched(
        ctx -> {
          if (!ctx.routeRoles().contains(ApiRole.READ)) {
            return;
          }
          Access access =
              tokens == null
                  ? Access.everything("anonymous")
                  : tokens
                      .authenticate(ctx.header("Authorization"))
                      .orElseThrow(
                          () ->
                              ApiException.unauthorized(
                                  "a valid bearer token is needed: Authorization: Bearer <token>"));
          ctx.attribute(ACCESS, access);
        });
  }

  /** HTTPS only: Jetty's TLS connector from the keystore, instead of Javalin's HTTP one. */
  private static void https(JavalinConfig config, Settings settings) {
    config.jetty.addConnector(
        (server, httpConfig) -> {
          SslContextFactory.Server ssl = new SslContextFactory.Server();
          ssl.setKeyStorePath(settings.tls().path().toString());
          ssl.setKeyStoreType("PKCS12");
          ssl.setKeyStorePassword(new String(settings.tls().password()));
          HttpConfiguration https = new HttpConfiguration(httpConfig);
          https.addCustomizer(new SecureRequestCustomizer());
          ServerConnector connector =
              new ServerConnector(
                  server,
                  new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                  new HttpConnectionFactory(https));
          connector.setHost(settings.bind());
          connector.setPort(settings.port());
          return connector;
        });
  }

  /** GET only (405 otherwise), and the CORS plugin with its preflight when an origin is given. */
  private static void readOnly(JavalinConfig config, String corsOrigin) {
    if (corsOrigin != null) {
      config.bundledPlugins.enableCors(
          cors ->
              cors.addRule(
                  rule -> {
                    if (corsOrigin.equals("*")) {
                      rule.anyHost();
                    } else {
                      rule.allowHost(corsOrigin);
                    }
                    rule.maxAge = 600;
                  }));
    }
    config.routes.before(
        ctx -> {
          boolean preflight = ctx.method() == HandlerType.OPTIONS && corsOrigin != null;
          if (ctx.method() != HandlerType.GET && !preflight) {
            ctx.header("Allow", "GET");
            throw new ApiException(
                405,
                "method_not_allowed",
                ctx.method().name() + " is not supported; the API is read-only (GET)");
          }
        });
  }

  /** The JSON routes ({@link CtrApi}), the OpenAPI document and Chart.js. */
  private static void routes(JavalinConfig config, CtrApi api) {
    json(config, "/ctr/latest", api::latest);
    json(config, "/ctr/previous", api::previous);
    keyed(config, "/ctr/{campaign}", api::key);
    keyed(config, "/ctr/{campaign}/windows", api::windows);
    keyed(config, "/keys/{key}", api::key);
    keyed(config, "/keys/{key}/windows", api::windows);
    json(config, "/campaigns", api::campaigns);
    json(config, "/dimensions", api::dimensions);
    json(config, "/alerts", api::alerts);
    config.routes.get(
        "/health",
        ctx -> {
          Query.parse(ctx.queryString(), java.util.Set.of());
          ObjectNode health = api.health();
          sendJson(ctx, health.get("status").asText().equals("ok") ? 200 : 503, health);
        });
    byte[] openApi = resource(BASE + "openapi.json");
    config.routes.get(
        OPENAPI, ctx -> ctx.header("Cache-Control", "no-cache").contentType(JSON).result(openApi));
    // one file of a WebJar (the jar has no directory entries, which Javalin's static files need)
    byte[] chartJs =
        resource(
            "/META-INF/resources/webjars/chart.js/"
                + buildProperty("chartjs.version")
                + "/dist/chart.umd.js");
    config.routes.get(
        CHART_JS,
        ctx ->
            ctx.header("Cache-Control", "public, max-age=86400")
                .contentType("text/javascript; charset=utf-8")
                .result(chartJs));
  }

  /** Every error as {@code {"status", "error", "message"}}: ours, Redis down, Javalin's own. */
  private static void errors(JavalinConfig config, ApiMetrics metrics) {
    config.routes.exception(
        ApiException.class,
        (e, ctx) -> {
          if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"ctrstream\"");
          }
          sendJson(ctx, e.status(), error(e.status(), e.error(), e.getMessage()));
        });
    config.routes.exception(
        StoreUnavailableException.class,
        (e, ctx) -> {
          metrics.redisError();
          sendJson(ctx, 503, error(503, "redis_unavailable", e.getMessage()));
        });
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          sendJson(ctx, 500, error(500, "internal_error", String.valueOf(e.getMessage())));
        });
    // a path that no route or file matches, and any other answer Javalin gives of its own
    config.routes.exception(
        NotFoundResponse.class,
        (e, ctx) ->
            sendJson(
                ctx,
                404,
                error(404, "not_found", "no such path: " + ctx.path() + " (see /openapi.json)")));
    config.routes.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          String code = HttpStatus.forStatus(e.getStatus()).name().toLowerCase(Locale.ROOT);
          sendJson(ctx, e.getStatus(), error(e.getStatus(), code, e.getMessage()));
        });
  }

  /**
   * Starts listening.
   *
   * @throws IOException if the address cannot be bound (e.g. the port is taken)
   */
  public void start() throws IOException {
    try {
      app.start(bind, port);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException(cause.getMessage() == null ? e.toString() : cause.getMessage(), e);
    }
  }

  /** The port the server listens on (after {@link #start}). */
  public int port() {
    return app.port();
  }

  /**
   * The GET routes that answer JSON, as declared (e.g. {@code /ctr/{campaign}/windows}), for the
   * OpenAPI check.
   */
  public List<String> jsonRoutes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map((ParsedEndpoint p) -> p.endpoint)
        .filter(
            e ->
                e.method == HandlerType.GET
                    && !e.path.equals(OPENAPI)
                    && !e.path.equals(CHART_JS)
                    && !e.path.equals(METRICS))
        .map(e -> e.path)
        .toList();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** The dashboard: static files from the classpath, revalidated by ETag on every use. */
  private static void staticFiles(JavalinConfig config) {
    config.staticFiles.add(
        files -> {
          files.hostedPath = "/";
          files.directory = BASE + "dashboard";
          files.location = Location.CLASSPATH;
          files.headers = Map.of("Cache-Control", "no-cache");
          files.mimeTypes.add("text/html; charset=utf-8", "html");
          files.mimeTypes.add("text/javascript; charset=utf-8", "js");
          files.mimeTypes.add("text/css; charset=utf-8", "css");
        });
  }

  /** A route that reads results: {@link ApiRole#READ}, answered for the client's access. */
  private static void json(
      JavalinConfig config, String path, BiFunction<Access, String, ObjectNode> answer) {
    config.routes.get(
        path,
        ctx -> sendJson(ctx, 200, answer.apply(ctx.attribute(ACCESS), ctx.queryString())),
        ApiRole.READ);
  }

  /**
   * A route whose second path segment is a key ({@code /ctr/{campaign}…}, {@code /keys/{key}…}).
   */
  private static void keyed(JavalinConfig config, String path, KeyedAnswer answer) {
    config.routes.get(
        path,
        ctx -> sendJson(ctx, 200, answer.apply(ctx.attribute(ACCESS), key(ctx), ctx.queryString())),
        ApiRole.READ);
  }

  /** A keyed route's answer: (access, key, raw query) → JSON. */
  @FunctionalInterface
  private interface KeyedAnswer {
    ObjectNode apply(Access access, String key, String rawQuery);
  }

  /**
   * The key in the request path, percent-decoded with {@code +} kept as it is (a campaign id may
   * hold one; RFC 3986 gives {@code +} no special meaning in a path). Javalin's {@code pathParam}
   * decodes as a form would, {@code +} as a space, so the key is read from the raw path instead.
   *
   * @throws ApiException 400 for a broken escape
   */
  private static String key(Context ctx) {
    String[] segments = ctx.path().split("/");
    return Query.decode(segments[2]);
  }

  private static ObjectNode error(int status, String error, String message) {
    ObjectNode o = ResultJson.object();
    o.put("status", status);
    o.put("error", error);
    o.put("message", message);
    return o;
  }

  private static void sendJson(Context ctx, int status, ObjectNode body) {
    ctx.status(status)
        .header("Cache-Control", "no-store")
        .contentType(JSON)
        .result(ResultJson.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] resource(String path) {
    try (InputStream in = ApiServer.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("resource " + path + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String buildProperty(String name) {
    Properties props = new Properties();
    try (InputStream in = ApiServer.class.getResourceAsStream(BASE + "serving.properties")) {
      props.load(in);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("serving.properties is missing from the classpath", e);
    }
    return props.getProperty(name);
  }
}
