package io.ctrstream.pipeline.options;

import org.apache.beam.sdk.options.StreamingOptions;

/**
 * Every ctrstream flag, by concern: {@link SourceOptions}, {@link EventTimeOptions}, {@link
 * BreakdownOptions}, {@link AlertOptions} and {@link SinkOptions} ({@code --help=} this interface
 * lists them grouped so). Numbers and enums are typed; durations are written as {@code 500ms},
 * {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT30S}). {@link
 * TypedFlags#check} and {@link CtrConfig#from} validate every value and name the flag of any bad
 * one. Runner flags ({@code --runner}, {@code --flinkMaster}, {@code --checkpointingInterval}, …)
 * are Beam's own.
 */
public interface CtrOptions
    extends SourceOptions,
        EventTimeOptions,
        BreakdownOptions,
        AlertOptions,
        SinkOptions,
        StreamingOptions {}
