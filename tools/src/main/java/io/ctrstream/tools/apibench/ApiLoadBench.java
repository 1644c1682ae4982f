package io.ctrstream.tools.apibench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A load benchmark of the HTTP API ({@code deploy/bench-api.sh} runs it against {@code ctr serve}):
 * {@code --clients} threads, each sending one request every {@code clients / rate} seconds on a
 * fixed schedule (an open model: a slow answer does not slow the schedule down), alternating {@code
 * /ctr/latest} and {@code /ctr/{campaign}/windows} of a campaign picked in turn from {@code
 * /campaigns}.
 *
 * <p>Latency is measured from each request's scheduled send time to the end of its answer's body,
 * so time a request waited behind a slow one counts (no coordinated omission, after Gil Tene's
 * HdrHistogram and wrk2), and recorded in HdrHistogram per route. A request is an error if it fails
 * or its status is not 200. After {@code --warmup} seconds that are not measured, it runs for
 * {@code --seconds} and prints per route and overall: requests, errors, the achieved rate, and p50
 * / p90 / p99 / p99.9 / max in ms, then whether the target (p99 ≤ {@code --target-p99-ms}, no
 * error) is met. Exit status 0 either way (a benchmark, not a test), 2 for bad flags or an
 * unreachable server.
 */
@Command(
    name = "api-bench",
    mixinStandardHelpOptions = true,
    description =
        "Load the CTR API at a fixed request rate from concurrent clients and print latency percentiles.")
public final class ApiLoadBench implements Callable<Integer> {
  @Option(
      names = "--base",
      defaultValue = "http://127.0.0.1:8090",
      description = "The API's base URL (default: ${DEFAULT-VALUE}).")
  String base;

  @Option(
      names = "--rate",
      defaultValue = "500",
      description = "Requests per second, all clients together (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--clients",
      defaultValue = "50",
      description = "Concurrent clients, each with its own connection (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Seconds of load before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--target-p99-ms",
      defaultValue = "50",
      description = "The p99 the run is held to, in ms (default: ${DEFAULT-VALUE}).")
  double targetP99Ms;

  private static final String LATEST = "/ctr/latest";
  private static final String WINDOWS = "/ctr/{campaign}/windows";
  private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  private final Map<String, String> firstError = new ConcurrentHashMap<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ApiLoadBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || clients < 1 || seconds < 1 || warmup < 0) {
      System.err.println(
          "api-bench: --rate, --clients and --seconds must be at least 1, --warmup at least 0");
      return 2;
    }
    List<String> campaigns = campaigns();
    if (campaigns.isEmpty()) {
      System.err.println(
          "api-bench: " + base + "/campaigns lists no campaign: load some results first");
      return 2;
    }
    for (String route : List.of(LATEST, WINDOWS)) {
      recorders.put(route, new Recorder(MAX_NANOS, 3));
      errors.put(route, new AtomicLong());
    }
    long periodNanos = TimeUnit.SECONDS.toNanos(1) * clients / rate;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    System.out.printf(
        Locale.ROOT,
        "api-bench: %s, %d requests/s from %d clients (one every %.1f ms each), %d s warm-up, %d s measured; %d campaigns%n",
        base,
        rate,
        clients,
        periodNanos / 1e6,
        warmup,
        seconds,
        campaigns.size());
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t =
          new Thread(
              () ->
                  client(
                      client,
                      campaigns,
                      start + periodNanos * client / clients,
                      periodNanos,
                      measureFrom,
                      end),
              "api-bench-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    // requests scheduled before measureFrom are warm-up: the clients do not record them
    LockSupport.parkNanos(measureFrom - System.nanoTime());
    long lastReport = System.nanoTime();
    Histogram total = new Histogram(MAX_NANOS, 3);
    Map<String, Histogram> byRoute = new TreeMap<>();
    recorders.keySet().forEach(k -> byRoute.put(k, new Histogram(MAX_NANOS, 3)));
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(Math.min(TimeUnit.SECONDS.toNanos(10), end - System.nanoTime()));
      long interval = 0;
      Histogram window = new Histogram(MAX_NANOS, 3);
      for (Map.Entry<String, Recorder> e : recorders.entrySet()) {
        Histogram h = e.getValue().getIntervalHistogram();
        byRoute.get(e.getKey()).add(h);
        window.add(h);
        interval += h.getTotalCount();
      }
      total.add(window);
      long now = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "api-bench: %3d s: %6.0f requests/s, p99 %6.1f ms, errors %d%n",
          TimeUnit.NANOSECONDS.toSeconds(now - measureFrom),
          interval / ((now - lastReport) / 1e9),
          window.getValueAtPercentile(99) / 1e6,
          errors.values().stream().mapToLong(AtomicLong::get).sum());
      lastReport = now;
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(5));
    }
    long errorCount = errors.values().stream().mapToLong(AtomicLong::get).sum();
    System.out.println(
        "api-bench: route                     requests  errors  requests/s   p50 ms   p90 ms   p99 ms p99.9 ms   max ms");
    for (Map.Entry<String, Histogram> e : byRoute.entrySet()) {
      print(e.getKey(), e.getValue(), errors.get(e.getKey()).get());
    }
    print("all", total, errorCount);
    boolean met =
        errorCount == 0
            && total.getValueAtPercentile(99) / 1e6 <= targetP99Ms
            && total.getTotalCount() >= (long) rate * seconds * 99 / 100;
    System.out.printf(
        Locale.ROOT,
        "api-bench: target (%d requests/s held, p99 <= %.0f ms, no error): %s%n",
        rate,
        targetP99Ms,
        met ? "met" : "NOT met");
    firstError.forEach(
        (route, message) ->
            System.out.println("api-bench: first error on " + route + ": " + message));
    return 0;
  }

  private void print(String route, Histogram h, long errorCount) {
    System.out.printf(
        Locale.ROOT,
        "api-bench: %-24s %9d %7d %11.1f %8.2f %8.2f %8.2f %8.2f %8.2f%n",
        route,
        h.getTotalCount(),
        errorCount,
        h.getTotalCount() / (double) seconds,
        h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(90) / 1e6,
        h.getValueAtPercentile(99) / 1e6,
        h.getValueAtPercentile(99.9) / 1e6,
        h.getMaxValue() / 1e6);
  }

  /**
   * One client: its own connection, one request per period on a fixed schedule until {@code end}.
   */
  private void client(
      int client,
      List<String> campaigns,
      long first,
      long periodNanos,
      long measureFrom,
      long end) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    long scheduled = first;
    for (long n = client; scheduled < end; n++, scheduled += periodNanos) {
      LockSupport.parkNanos(scheduled - System.nanoTime());
      String route = n % 2 == 0 ? LATEST : WINDOWS;
      String path =
          route.equals(LATEST)
              ? LATEST
              : "/ctr/"
                  + URLEncoder.encode(
                      campaigns.get((int) (n / 2 % campaigns.size())), StandardCharsets.UTF_8)
                  + "/windows";
      String failure = null;
      try {
        HttpResponse<byte[]> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          failure = "status " + r.statusCode() + " for " + path;
        }
      } catch (IOException e) {
        failure = e + " for " + path;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long latency = System.nanoTime() - scheduled;
      if (scheduled >= measureFrom) {
        recorders.get(route).recordValue(Math.min(latency, MAX_NANOS));
        if (failure != null) {
          errors.get(route).incrementAndGet();
          firstError.putIfAbsent(route, failure);
        }
      }
    }
  }

  private List<String> campaigns() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/campaigns"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      System.err.println("api-bench: " + base + " does not answer: " + e);
      return List.of();
    }
    List<String> campaigns = new ArrayList<>();
    JsonNode body = new ObjectMapper().readTree(r.body());
    body.path("campaigns").forEach(c -> campaigns.add(c.asText()));
    return campaigns;
  }
}
