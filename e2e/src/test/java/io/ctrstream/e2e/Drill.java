package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One failure drill's job on a {@link LocalStack}: its topics, its Redis windows, the replay that
 * feeds it, the failures it injects on the stack, and its final check: every Redis window equal to
 * {@link ReferenceCtr}, {@code ctr:latest} never gone backwards, and a {@code drill …} report line.
 */
final class Drill {
  final JobRun run;
  final RedisResults redis;
  final String resultsTopic;
  final Duration window;
  final Duration attribution;
  private final LocalStack stack;
  private final List<String> extraFlags;

  /** The Flink job being drilled; replaced when a drill resubmits it (savepoint). */
  String jobId;

  private Drill(
      LocalStack stack,
      JobRun run,
      Duration window,
      Duration attribution,
      List<String> extraFlags) {
    this.stack = stack;
    this.extraFlags = extraFlags;
    this.run = run;
    this.redis = new RedisResults(stack, run.prefix());
    this.resultsTopic = "ctr-results-" + run.name();
    this.window = window;
    this.attribution = attribution;
  }

  /** Creates the topics and submits the job; returns when it has completed its first checkpoint. */
  static Drill start(LocalStack stack, String name, Duration window, Duration attribution)
      throws Exception {
    return start(stack, name, window, attribution, Map.of(), List.of());
  }

  /** As {@link #start(LocalStack, String, Duration, Duration)} with further job flags. */
  static Drill start(
      LocalStack stack, String name, Duration window, Duration attribution, List<String> flags)
      throws Exception {
    return start(stack, name, window, attribution, Map.of(), flags);
  }

  static Drill start(
      LocalStack stack,
      String name,
      Duration window,
      Duration attribution,
      Map<String, String> topicConfigs,
      List<String> flags)
      throws Exception {
    Drill drill = new Drill(stack, JobRun.named(name), window, attribution, flags);
    stack.createTopics(
        topicConfigs,
        drill.run.impressions(),
        drill.run.clicks(),
        drill.run.deadLetters(),
        drill.resultsTopic);
    drill.jobId = stack.submit(drill.run.name(), drill.jobFlags());
    Await.until(
        "first checkpoint",
        Duration.ofMinutes(1),
        () -> stack.completedCheckpoints(drill.jobId) >= 1);
    return drill;
  }

  /** Cancels the job if it still runs. */
  void cancel() throws Exception {
    if (jobId != null && "RUNNING".equals(stack.jobState(jobId))) {
      stack.cancel(jobId);
    }
  }

  /**
   * {@code kill -9} of TaskManager {@code n}, started again at once; returns the milliseconds from
   * the kill until the job has restarted and every task runs again.
   */
  long killTaskManagerAndAwaitRecovery(int n) throws Exception {
    long killedAt = System.currentTimeMillis();
    long killed = System.nanoTime();
    stack.killTaskManager(n);
    stack.startTaskManager(n);
    try {
      // the job's own RESTARTING timestamp (same machine's clock), not the numRestarts metric: the
      // REST endpoint's cached metrics once lagged a restart by over 2 min (CI, 2026-12-02)
      Await.until(
          "a restart after killing TaskManager " + n,
          Duration.ofMinutes(2),
          () -> stack.lastRestartingAt(jobId) >= killedAt);
      Await.until(
          "every task running again", Duration.ofMinutes(2), () -> stack.allTasksRunning(jobId));
    } catch (AssertionError notRecovered) {
      throw new AssertionError(
          notRecovered.getMessage() + "\n" + stack.recoveryReport(jobId, n), notRecovered);
    }
    return (System.nanoTime() - killed) / 1_000_000;
  }

  String[] jobFlags(String... more) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--windowSize=" + window.getSeconds() + "s",
                "--attributionWindow=" + attribution.getSeconds() + "s",
                "--idlePartitionTimeout=10m",
                "--resultsTopic=" + resultsTopic));
    flags.addAll(extraFlags);
    flags.addAll(List.of(more));
    return run.jobFlags(flags.toArray(String[]::new));
  }

  /** Replays the sample at {@code rate} events/s (0: as fast as the broker takes them). */
  CompletableFuture<String> replay(Path imp, Path clk, int rate) {
    return CompletableFuture.supplyAsync(() -> run.replay(imp, clk, "--rate=" + rate));
  }

  /**
   * Stops a service of the stack ({@code redis}, {@code kafka} or {@code postgres}) for {@code
   * length}, the injected outage, while {@code replay} goes on, and starts it again on its old
   * storage; returns the milliseconds from its start until new results are in Redis.
   */
  long outageOf(String service, Duration length, CompletableFuture<String> replay)
      throws Exception {
    long windowsBefore = redis.windowCount();
    stack.stopService(service);
    Thread.sleep(
        length
            .toMillis()); // the outage's length: what the drill injects, not a wait for a condition
    assertThat(
        "the replay is still running when " + service + " comes back",
        replay.isDone(),
        equalTo(false));
    try {
      windowsBefore =
          redis.windowCount(); // what the job wrote meanwhile from records it had already read
    } catch (RuntimeException redisDown) {
      // Redis is the service that was stopped: nothing was written meanwhile
    }
    long started = System.nanoTime();
    stack.startService(service);
    long before = windowsBefore;
    Await.until(
        "new results in Redis after " + service + " is back",
        Duration.ofMinutes(3),
        () -> redis.windowCount() > before);
    return (System.nanoTime() - started) / 1_000_000;
  }

  /**
   * Waits for a checkpoint completed with more windows in Redis than now: the failure then costs
   * state.
   */
  void awaitCheckpointWithMoreCounted(String before) {
    long checkpoints = stack.completedCheckpoints(jobId);
    long windows = redis.windowCount();
    Await.until(
        before + ": a checkpoint completed with more of the replay counted",
        Duration.ofMinutes(2),
        () -> stack.completedCheckpoints(jobId) > checkpoints && redis.windowCount() > windows);
  }

  /**
   * Waits for every final window, prints the report line, asserts the exact numbers and no
   * regression.
   */
  void finish(Path imp, Path clk, LatestWatcher latest, String injected, String recovery)
      throws Exception {
    ReferenceCtr ref = ReferenceCtr.compute(imp, clk, window.toMillis(), attribution.toMillis());
    redis.awaitFinal(ref, Duration.ofMinutes(3));
    RedisResults.Tally tally = RedisResults.Tally.of(ref, redis.counts());
    System.out.printf(
        "drill %s: %s; numRestarts %d, failures in the job's exception history %d; %s; %s; "
            + "ctr:latest read %d times, went backwards %d times%n",
        run.name(),
        injected,
        stack.restarts(jobId),
        stack.failures(jobId).size(),
        recovery,
        tally,
        latest.reads(),
        latest.regressions().size());
    if (tally.lost() + tally.countedTwice() > 0) {
      printPaneHistory(ref);
    }
    redis.assertEquals(ref);
    assertThat(latest.reads(), greaterThan(0L));
    assertThat(latest.regressions(), empty());
  }

  /** Prints every pane the job emitted (the results topic) of the first windows Redis has wrong. */
  private void printPaneHistory(ReferenceCtr ref) throws Exception {
    Map<String, List<Long>> actual = redis.counts();
    List<String> wrong = new ArrayList<>();
    ref.counts.forEach(
        (k, v) -> {
          if (!v.equals(actual.get(k)) && wrong.size() < 5) {
            wrong.add(k);
          }
        });
    ObjectMapper json = new ObjectMapper();
    List<ConsumerRecord<String, String>> panes =
        stack.readUntil(resultsTopic, r -> false, Duration.ofSeconds(20));
    for (String key : wrong) {
      System.out.println(
          "window "
              + key
              + ": expected "
              + ref.counts.get(key)
              + ", Redis "
              + actual.get(key)
              + "; panes:");
      String campaign = key.substring(0, key.lastIndexOf('|'));
      long start = Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
      for (ConsumerRecord<String, String> r : panes) {
        JsonNode n = json.readTree(r.value());
        if ("campaign".equals(n.path("dimension").asText())
            && campaign.equals(n.path("key").asText())
            && n.path("window_start").asLong() == start) {
          System.out.println(
              "  partition " + r.partition() + " offset " + r.offset() + ": " + r.value());
        }
      }
    }
  }
}
