package io.ctrstream.pipeline.options;

import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The Flink runner settings ctrstream uses unless a flag says otherwise, each chosen by a
 * measurement ({@code deploy/bench.sh}) or by a failure drill; docs/architecture.md, "Runner
 * settings", gives the figures. They are Beam's own {@link FlinkPipelineOptions}; only their
 * defaults differ.
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
   *       immutability checks run over every pipeline test).
   *   <li>{@code --fasterCopy=true}: Beam's serializer hands a state object on instead of copying
   *       it through its coder. Flink's heap state backend copies every state value that is read
   *       while an asynchronous snapshot is written (copy-on-write); through the coder that would
   *       be a decode of the whole join state at every checkpoint, on the join's own thread. It is
   *       safe because no ctrstream state is changed in place: the join changes a copy of the
   *       {@code JoinState} it read, {@code CtrCombineFn} returns a new accumulator; the state Beam
   *       itself keeps (timers, holds, panes) is immutable or, like a trigger's delay, changed in
   *       place only where a later replay sets it the same way. State changed in place under this
   *       setting would let a snapshot save changes made after its barrier, which a restart then
   *       replays and counts twice.
   *   <li>{@code --maxBundleSize=10000} instead of 1,000: every bundle end updates every step's
   *       metrics and flushes {@code SumChangesPerBundle}, so bigger bundles cost less per element.
   *       Near half the peak rate they delay the watermark and so the ON_TIME panes: pass {@code
   *       --maxBundleSize=1000} there. The size counts elements: the step chained to the Kafka
   *       source gets batches of records ({@code BatchingSource}), the join and the steps after it
   *       single records.
   *   <li>{@code --maxBundleTimeMills=100} instead of 1,000: at live rates a bundle ends by time,
   *       and each {@code DoFn} passes the watermark on, and the Redis writers flush, only at a
   *       bundle's end; with the join keyed by shards ({@code JoinClicksToImpressionsFn}) short
   *       bundles cost no throughput.
   *   <li>{@code --finishBundleBeforeCheckpointing=true} instead of {@code false}: a bundle open at
   *       a checkpoint is finished before the barrier, its outputs sent on at once. With {@code
   *       false} Beam's {@code DoFnOperator} finishes it while taking the snapshot and keeps its
   *       outputs (here {@code SumChangesPerBundle}'s sums) in a buffer until the next element or
   *       watermark arrives, but a watermark released by a bundle-time callback in between
   *       overtakes them: they reach the CTR windows late, and after a jump of the watermark past
   *       the allowed lateness they are dropped.
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
