package io.ctrstream.pipeline.options;

import io.ctrstream.pipeline.alerts.AlertSettings;
import io.ctrstream.pipeline.model.Breakdown;
import java.util.List;

/**
 * {@link CtrOptions} checked and converted once, at start-up: one value object per concern, which
 * the transforms take in their constructors.
 *
 * @param source where events come from ({@link SourceOptions})
 * @param eventTime windows, panes, lateness and the attribution window ({@link EventTimeOptions})
 * @param breakdowns further dimensions CTR is computed per, besides campaign ({@link
 *     BreakdownOptions})
 * @param trend sliding trend windows, or {@code null} for none ({@link BreakdownOptions})
 * @param alerts how alerts are decided, or {@code null} for none ({@link AlertOptions})
 * @param sinks where the outputs go ({@link SinkOptions})
 */
public record CtrConfig(
    SourceConfig source,
    EventTimeConfig eventTime,
    List<Breakdown> breakdowns,
    Trend trend,
    AlertSettings alerts,
    SinkConfig sinks) {

  /** Whether events come from Kafka (an unbounded, streaming job). */
  public boolean fromKafka() {
    return source.fromKafka();
  }

  /**
   * Validates every flag.
   *
   * @throws InvalidFlagException naming the first flag whose value cannot be used
   */
  public static CtrConfig from(CtrOptions o) {
    SourceConfig source = SourceConfig.from(o);
    EventTimeConfig eventTime = EventTimeConfig.from(o);
    List<Breakdown> breakdowns = Breakdowns.from(o);
    return new CtrConfig(
        source,
        eventTime,
        breakdowns,
        Trend.from(o),
        AlertFlags.from(o, breakdowns),
        SinkConfig.from(o, source.fromKafka()));
  }
}
