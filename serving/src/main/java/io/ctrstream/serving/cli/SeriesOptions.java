package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import picocli.CommandLine.Option;

/** Which results a command reads: {@code --dimension} and {@code --trend}. */
final class SeriesOptions {
  @Option(
      names = "--dimension",
      defaultValue = Series.CAMPAIGN,
      paramLabel = "NAME",
      description =
          "campaign, or a breakdown the job ran with (--breakdowns), e.g. device or campaign_id+device "
              + "(default: ${DEFAULT-VALUE}; `ctr dimensions` lists them).")
  String dimension;

  @Option(
      names = "--trend",
      description = "Read the sliding trend windows (--trendWindow) instead of the fixed ones.")
  boolean trend;

  /**
   * The series, checked against what the job wrote.
   *
   * @throws io.ctrstream.serving.store.UnknownSeriesException for a dimension (or trend) not
   *     written
   */
  Series require(ResultStore store) {
    return store.require(new Series(dimension, trend));
  }
}
