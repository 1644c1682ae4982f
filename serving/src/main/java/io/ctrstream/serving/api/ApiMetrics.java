package io.ctrstream.serving.api;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What {@code ctr serve} exposes at {@code /metrics}, in Prometheus' text format (Micrometer's
 * Prometheus registry):
 *
 * <ul>
 *   <li>{@code http_server_requests_seconds} (histogram: {@code _bucket}, {@code _count}, {@code
 *       _sum}) by {@code method}, {@code route} (the route as declared, e.g. {@code
 *       /ctr/{campaign}}, never a campaign id; {@code static} for the dashboard's files, {@code
 *       unmatched} for a path no route has) and {@code status} (the HTTP status code);
 *   <li>{@code ctr_redis_errors_total}: requests answered 503 because Redis could not be read;
 *   <li>the JVM's memory, garbage collection, threads, CPU and uptime ({@code jvm_*}, {@code
 *       process_*}, {@code system_*}).
 * </ul>
 */
final class ApiMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter redisErrors =
      Counter.builder("ctr.redis.errors")
          .description("API requests answered 503 because Redis could not be read")
          .register(registry);

  ApiMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Records one answered request; {@code millis} as Javalin's request logger measures it. */
  void request(Context ctx, float millis) {
    Timer.builder("http.server.requests")
        .description("HTTP requests answered, by method, declared route and status")
        .tag("method", ctx.method().name())
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)
        .record((long) (millis * 1_000_000d), TimeUnit.NANOSECONDS);
  }

  /** Counts a request that failed because Redis could not be read. */
  void redisError() {
    redisErrors.increment();
  }

  /** The current values in Prometheus' text exposition format (version 0.0.4). */
  String scrape() {
    return registry.scrape();
  }

  /** The route as declared, so that the label's values are bounded. */
  private static String route(Context ctx) {
    Endpoint endpoint;
    try {
      endpoint = ctx.endpoints().lastHttpEndpoint();
    } catch (RuntimeException e) {
      endpoint = null;
    }
    if (endpoint != null) {
      return endpoint.path;
    }
    return ctx.statusCode() == 404 ? "unmatched" : "static";
  }
}
