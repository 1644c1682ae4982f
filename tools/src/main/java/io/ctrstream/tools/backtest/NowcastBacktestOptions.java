package io.ctrstream.tools.backtest;

import io.ctrstream.pipeline.options.EventTimeOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The flags of {@link NowcastBacktest}: the job's own {@code --windowSize} and {@code
 * --attributionWindow}, the recorded streams, and what to evaluate.
 */
public interface NowcastBacktestOptions extends EventTimeOptions {
  @Description("Impression JSON lines (.gz read as compressed).")
  String getImpressionsFile();

  void setImpressionsFile(String value);

  @Description("Click JSON lines (.gz read as compressed).")
  String getClicksFile();

  void setClicksFile(String value);

  @Description(
      "What a CTR is computed per: campaign (the job's key), or all (every campaign pooled into one"
          + " CTR per window).")
  @Default.String("campaign")
  String getKeyBy();

  void setKeyBy(String value);

  @Description(
      "Windows with fewer impressions in the end are left out: their relative errors are mostly"
          + " the noise of a few clicks.")
  @Default.Integer(1000)
  Integer getMinImpressions();

  void setMinImpressions(Integer value);
}
