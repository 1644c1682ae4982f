package io.ctrstream.pipeline.transforms;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * A lower bound of a stateful step's input watermark, learned from its event-time timers: a timer
 * that fires at {@code t} proves that the watermark has passed {@code t}. A {@code DoFn} cannot
 * read the watermark itself; this is what lets the join drop droppably late events (and count them)
 * as a windowed {@code GroupByKey} drops data past its allowed lateness.
 *
 * <p>The bound is shared by the instances of one step in one execution: those that see the same
 * {@link PipelineOptions} object. On Flink that is one operator instance (options are deserialized
 * per operator, and afresh after a restart, when the watermark starts again from the minimum); on
 * the DirectRunner, which runs a step on several threads with a {@code DoFn} instance each, it is
 * the whole step. It only ever grows.
 *
 * <p>Only where the watermark is one for the whole step: in streaming, and on the DirectRunner
 * (whose {@code TestStream} timelines are streams without the streaming flag). A batch runner may
 * process a bounded input key by key, firing each key's timers at the end of that key's input
 * (Flink's batch runner does): a timer then says nothing about other keys, and the bound stays at
 * the minimum. Nothing is late in a bounded run anyway.
 */
final class ObservedWatermark {
  private static final Map<PipelineOptions, Map<String, ObservedWatermark>> BY_EXECUTION =
      new WeakHashMap<>();

  private final AtomicLong passed = new AtomicLong(Long.MIN_VALUE);
  private final boolean learns;

  private ObservedWatermark(boolean learns) {
    this.learns = learns;
  }

  /** The bound of step {@code stepId} in the execution that {@code options} belongs to. */
  static ObservedWatermark of(PipelineOptions options, String stepId) {
    boolean oneWatermark =
        options.as(StreamingOptions.class).isStreaming()
            || "DirectRunner".equals(options.getRunner().getSimpleName());
    if (!oneWatermark) {
      return new ObservedWatermark(false);
    }
    synchronized (BY_EXECUTION) {
      return BY_EXECUTION
          .computeIfAbsent(options, o -> new ConcurrentHashMap<>())
          .computeIfAbsent(stepId, s -> new ObservedWatermark(true));
    }
  }

  /**
   * Epoch ms the watermark is known to have passed; {@code Long.MIN_VALUE} before any timer fired.
   */
  long passed() {
    return passed.get();
  }

  /** Records that a timer fired at {@code timerMillis}. */
  void timerFired(long timerMillis) {
    if (learns) {
      passed.accumulateAndGet(timerMillis, Math::max);
    }
  }
}
