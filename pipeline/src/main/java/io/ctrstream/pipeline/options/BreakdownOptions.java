package io.ctrstream.pipeline.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What CTR is computed per besides campaign: breakdown dimensions and a sliding trend. Part of
 * {@link CtrOptions}; durations are written as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h},
 * {@code 7d} or ISO-8601 ({@code PT30S}).
 */
public interface BreakdownOptions extends PipelineOptions {
  @Description(
      "Also compute CTR per these impression fields: comma-separated, a field (device) or a pair "
          + "(campaign_id+device). Impressions without the field count under 'unknown'.")
  @Default.String("")
  String getBreakdowns();

  void setBreakdowns(String value);

  @Description("Also compute a trend: sliding windows of this length (e.g. 15m); empty for none.")
  @Default.String("")
  String getTrendWindow();

  void setTrendWindow(String value);

  @Description("How often a trend window starts (the slide), e.g. 1m; divides --trendWindow.")
  @Default.String("1m")
  String getTrendPeriod();

  void setTrendPeriod(String value);
}
