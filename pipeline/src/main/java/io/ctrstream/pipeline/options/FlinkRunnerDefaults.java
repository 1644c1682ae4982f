package io.ctrstream.pipeline.options;

import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The Flink runner settings ctrstream uses unless a flag says otherwise, each chosen by a
 * measurement ({@code deploy/bench.sh}, README "Benchmark") or by a failure drill (README
 * "Reliability"). They are Beam's own {@link FlinkPipelineOptions}; only their defaults differ.
 */
public final class FlinkRunnerDefaults {

  private FlinkRunnerDefaults() {}

  /**
   * Sets the defaults on {@code options} for every setting that {@code args} (the command line the
   * options were read from) does not name:
   *
   * <ul>
   *   <li>{@code --objectReuse=true}: Flink hands an element to the next chained operator without a
   *       copy. Safe because no ctrstream {@code DoFn} mutates its input (the DirectRunner's
   *       immutability checks run over every pipeline test). 1,000,000 events, same run: 29,898
   *       events/s against 24,513 with copies.
   *   <li>{@code --fasterCopy=true}: Beam's serializer hands a state object on instead of copying
   *       it through its coder. Flink's heap state backend copies every state value that is read
   *       while an asynchronous snapshot is written (copy-on-write), and through the coder that
   *       was, for the join, a copy of each of its shards' maps, so of the whole join state at
   *       every checkpoint, on the join's own thread: at half the peak rate the windows due then
   *       were published late. It is safe because no ctrstream state is changed in place: the join
   *       changes a copy of the {@code JoinState} it read, {@code CtrCombineFn} returns a new
   *       accumulator; the state Beam itself keeps (timers, holds, panes) is immutable or, like a
   *       trigger's delay, changed in place only where a later replay sets it the same way. Until
   *       both were so, this setting counted impressions twice after TaskManager kills (README,
   *       Reliability); the fault drills are exact with it again. 200,000 events, then 32,500
   *       events/s live for 60 s, window end → ON_TIME p99: see README, Benchmark.
   *   <li>{@code --maxBundleSize=10000} instead of 1,000: every bundle end updates every step's
   *       metrics and flushes {@code SumChangesPerBundle}; 27,106 against 24,378 events/s, later
   *       29,200 against 29,036 and 51,069 against 39,024. Near half the peak rate the bigger
   *       bundles delay the watermark and so the ON_TIME panes (p99 39.9 s against 25.6 s at 24,000
   *       events/s, 30.4 s with 10,000 once the Kafka source was read in batches; README
   *       Benchmark): pass {@code --maxBundleSize=1000} there. The size counts elements: the step
   *       chained to the Kafka source gets batches of records ({@code BatchingSource}), the join
   *       and the steps after it single records.
   *   <li>{@code --maxBundleTimeMills=100} instead of 1,000: at live rates a bundle ends by time,
   *       and each {@code DoFn} passes the watermark on, and the Redis writers flush, only at a
   *       bundle's end. Window end → ON_TIME at 2,000 impressions/s, p99 over two runs each: 24.9 s
   *       at 1,000 ms, 23.0–23.1 s at 500, 22.0–22.1 s at 250. With a timer per {@code impr_id} 100
   *       ms cost a sixth of the throughput (mean of four runs: 51,705 events/s against 61,410 at
   *       500 ms). With the join keyed by shards ({@code JoinClicksToImpressionsFn}) it no longer
   *       does: 91,434, 80,715 and 80,734 events/s against 86,521 and 82,755 at 500 ms in the same
   *       hour, ON_TIME p99 21.4–21.7 s against 22.9–23.7 s (README, Benchmark).
   *   <li>{@code --finishBundleBeforeCheckpointing=true} instead of {@code false}: a bundle open at
   *       a checkpoint is finished before the barrier, its outputs sent on at once. With {@code
   *       false} Beam's {@code DoFnOperator} finishes it while taking the snapshot and keeps its
   *       outputs (here {@code SumChangesPerBundle}'s sums) in a buffer until the next element or
   *       watermark arrives, but a watermark released by a bundle-time callback in between
   *       overtakes them: they reach the CTR windows late, and after a jump of the watermark past
   *       the allowed lateness they are dropped. The Avazu three-kill drill lost 2 impressions of
   *       its last window in one run of two with 500 ms bundles, its one pane ON_TIME and final at
   *       once; this mechanism, read from Beam 2.70's {@code DoFnOperator}, is the one that fits.
   * </ul>
   */
  public static void apply(PipelineOptions options, String... args) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (!names(args, "objectReuse")) {
      flink.setObjectReuse(true);
    }
    if (!names(args, "maxBundleSize")) {
      flink.setMaxBundleSize(10_000L);
    }
    if (!names(args, "maxBundleTimeMills")) {
      flink.setMaxBundleTimeMills(100L);
    }
    if (!names(args, "finishBundleBeforeCheckpointing")) {
      flink.setFinishBundleBeforeCheckpointing(true);
    }
    if (!names(args, "fasterCopy")) {
      flink.setFasterCopy(true);
    }
  }

  private static boolean names(String[] args, String flag) {
    return Arrays.stream(args)
        .anyMatch(a -> a.equals("--" + flag) || a.startsWith("--" + flag + "="));
  }
}
