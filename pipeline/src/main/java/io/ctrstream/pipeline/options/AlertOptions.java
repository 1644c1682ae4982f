package io.ctrstream.pipeline.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * How SPIKE/DROP alerts are decided (docs/alerts.md). Part of {@link CtrOptions}; durations are
 * written as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code
 * PT30S}).
 */
public interface AlertOptions extends PipelineOptions {
  /** What a window is compared with; the constants are the flag's values. */
  enum Baseline {
    /** The complete window before. */
    previous,
    /** An exponentially weighted moving average of the earlier complete windows' counts. */
    ewma
  }

  @Description(
      "Raise SPIKE/DROP alerts when a window's CTR differs significantly from its baseline.")
  @Default.Boolean(true)
  boolean getAlerts();

  void setAlerts(boolean value);

  @Description(
      "Alert baseline: previous (the complete window before) or ewma (moving average of earlier windows).")
  @Default.Enum("previous")
  Baseline getBaseline();

  void setBaseline(Baseline value);

  @Description("EWMA weight of the newest window, in (0, 1].")
  @Default.Double(0.3)
  double getEwmaAlpha();

  void setEwmaAlpha(double value);

  @Description(
      "Two-sided significance level of the alerts' two-proportion z-test (0.001: |z| >= 3.29).")
  @Default.Double(0.001)
  double getAlertSignificance();

  void setAlertSignificance(double value);

  @Description("|z| from which a significant change is CRITICAL.")
  @Default.Double(5)
  double getCriticalZ();

  void setCriticalZ(double value);

  @Description(
      "|relative change| (a fraction: 0.5 = 50%) from which a significant change is CRITICAL.")
  @Default.Double(0.5)
  double getCriticalRelativeChange();

  void setCriticalRelativeChange(double value);

  @Description("Alerts need at least this many impressions in the window and in its baseline.")
  @Default.Long(100)
  long getMinImpressions();

  void setMinImpressions(long value);

  @Description(
      "After an alert, the same kind for the same key is suppressed for windows starting within this event time.")
  @Default.String("5m")
  String getAlertCooldown();

  void setAlertCooldown(String value);

  @Description(
      "Which dimensions are watched for alerts: comma-separated, campaign and/or breakdown names.")
  @Default.String("campaign")
  String getAlertDimensions();

  void setAlertDimensions(String value);

  @Description(
      "Also test open windows, on their nowcast (clicks so far against the effective impressions),"
          + " so that a drop is flagged before the window closes; the window's complete panes then"
          + " confirm, correct or retract the alert.")
  @Default.Boolean(false)
  boolean getAlertOnNowcast();

  void setAlertOnNowcast(boolean value);
}
