package io.ctrstream.serving.store;

import java.util.Map;

/**
 * One entry of the alert stream ({@code <prefix>:alerts}), newest first when listed.
 *
 * @param streamId the Redis stream entry id ({@code <ms>-<seq>}, the time Redis appended it)
 * @param fields the alert's fields as the pipeline wrote them (see the pipeline's {@code
 *     OutputFormats.alert}): {@code alert_id, dimension, key, window_start, window_end, kind,
 *     severity, status, baseline, impressions, clicks, ctr, baseline_impressions, baseline_clicks,
 *     baseline_ctr, z, p_value, relative_change}, …
 */
public record AlertEntry(String streamId, Map<String, String> fields) {}
