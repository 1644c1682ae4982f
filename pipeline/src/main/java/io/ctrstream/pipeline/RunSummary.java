package io.ctrstream.pipeline;

import io.ctrstream.pipeline.transforms.CtrMetrics;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The counters of a finished (or running) job: ctrstream's own, where {@code late_events_dropped}
 * counts the events the join drops as droppably late, plus the runner's count of count changes
 * dropped by the CTR windows' GroupByKey for arriving after their window expired ({@code
 * DroppedDueToLateness}), added to {@code late_events_dropped}.
 *
 * @param counters counter name to attempted value (committed where the runner has it)
 */
public record RunSummary(Map<String, Long> counters) {
  /** The name under which the runner's late-data drop counters are summed. */
  public static final String LATE_EVENTS_DROPPED = "late_events_dropped";

  /** Reads the counters of {@code result}. */
  public static RunSummary of(PipelineResult result) {
    Map<String, Long> counters = new TreeMap<>();
    counters.put(LATE_EVENTS_DROPPED, 0L);
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder().build());
    for (MetricResult<Long> c : metrics.getCounters()) {
      String name = c.getName().getName();
      long value = c.getAttempted();
      if (CtrMetrics.NAMESPACE.equals(c.getName().getNamespace())) {
        counters.merge(name, value, Long::sum);
      } else if (name.equalsIgnoreCase("droppedDueToLateness")) {
        counters.merge(LATE_EVENTS_DROPPED, value, Long::sum);
      }
    }
    return new RunSummary(counters);
  }

  /** A counter's value, 0 if it was never incremented. */
  public long get(String name) {
    return counters.getOrDefault(name, 0L);
  }

  /** Prints one {@code name = value} line per counter. */
  public void print(PrintStream out) {
    out.println("ctrstream run summary:");
    counters.forEach((k, v) -> out.printf("  %-36s %d%n", k, v));
  }
}
