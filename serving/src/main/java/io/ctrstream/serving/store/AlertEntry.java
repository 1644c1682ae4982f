package io.ctrstream.serving.store;

import java.util.Map;

/**
 * One entry of the alert stream ({@code <prefix>:alerts}), newest first when listed.
 *
 * @param streamId the Redis stream entry id ({@code <ms>-<seq>}, the time Redis appended it)
 * @param fields the alert's fields as the pipeline wrote them ({@link
 *     io.ctrstream.contract.AlertRecord#toFields}, in {@link
 *     io.ctrstream.contract.AlertRecord#ORDER})
 */
public record AlertEntry(String streamId, Map<String, String> fields) {}
