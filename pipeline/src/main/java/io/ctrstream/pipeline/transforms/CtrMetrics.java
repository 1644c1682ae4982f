package io.ctrstream.pipeline.transforms;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The Beam metric namespace of ctrstream's counters, so a run summary, a test or the Flink UI can
 * find them all in one place.
 */
public final class CtrMetrics {
  /** Namespace of every ctrstream counter. */
  public static final String NAMESPACE = "ctrstream";

  private CtrMetrics() {}

  /** A counter named {@code name} in {@link #NAMESPACE}. */
  public static Counter counter(String name) {
    return Metrics.counter(NAMESPACE, name);
  }
}
