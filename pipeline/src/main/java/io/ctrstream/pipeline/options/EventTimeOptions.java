package io.ctrstream.pipeline.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The event-time contract: watermarks, the attribution window, the CTR windows and their panes
 * (docs/semantics.md, "Event time"). Part of {@link CtrOptions}; durations are written as {@code
 * 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT30S}).
 */
public interface EventTimeOptions extends PipelineOptions {
  @Description(
      "How far behind the newest ts of a Kafka partition an event may arrive and still be on time.")
  @Default.String("5s")
  String getMaxOutOfOrderness();

  void setMaxOutOfOrderness(String value);

  @Description(
      "Processing time without records after which a caught-up Kafka partition's watermark follows the wall clock.")
  @Default.String("30s")
  String getIdlePartitionTimeout();

  void setIdlePartitionTimeout(String value);

  @Description(
      "Attribution window: a click counts iff 0 <= click.ts - impression.ts <= this (inclusive).")
  @Default.String("15s")
  String getAttributionWindow();

  void setAttributionWindow(String value);

  @Description("Length of the fixed event-time CTR windows, assigned by the impression's ts.")
  @Default.String("30s")
  String getWindowSize();

  void setWindowSize(String value);

  @Description("Processing time between speculative (EARLY) panes of a window.")
  @Default.String("5s")
  String getEarlyFiringPeriod();

  void setEarlyFiringPeriod(String value);

  @Description(
      "How long after its on-time result (window end + attribution window) late data still revises a window.")
  @Default.String("5m")
  String getAllowedLateness();

  void setAllowedLateness(String value);

  @Description(
      "Event time after a key's newest window during which the per-key state of latest/previous, alerts and the nowcast's campaign models is kept; an idle key's state is dropped after it (its results stay in Redis and PostgreSQL).")
  @Default.String("7d")
  String getIdleKeyRetention();

  void setIdleKeyRetention(String value);
}
