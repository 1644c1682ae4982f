package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.UnattributedClick;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * The impression–click join on a bounded input (files mode): {@link ImpressionJoin}'s rules applied
 * in memory to one shard of {@code impr_id}s, whose events all come at once from a {@code
 * GroupByKey}.
 *
 * <p>Input {@code KV<shard, Iterable<KV<impr_id, ParsedRecord>>>}, stamped with the shard's
 * earliest event time (so every output, stamped as {@link AttributeClicks#outputs} says, is at or
 * after it); outputs as {@link JoinClicksToImpressionsFn}'s, except that each impression is emitted
 * once, with its net counts {@code (1, attributed clicks)} of the winning copy: the whole input is
 * known, so there is nothing to retract, nothing is late, and every unattributed click's verdict is
 * final.
 *
 * <p>Why not the streaming join with its state and timers: runners pay for them per key, and a
 * bounded run has no watermark to wait for. Beam's DirectRunner runs each key's elements and each
 * key's timer firing as a bundle of its own, at a few milliseconds each, so a bundle per {@code
 * impr_id} makes a bounded run take minutes. Shards bring that to {@link
 * AttributeClicks#BOUNDED_SHARDS} bundles; the rules, and so the numbers, are the same.
 */
class JoinBoundedInputFn
    extends DoFn<KV<Integer, Iterable<KV<String, ParsedRecord>>>, KV<Impression, CountChange>> {
  private final ImpressionJoin join;
  private final JoinTiming timing;

  JoinBoundedInputFn(JoinTiming timing) {
    this.join = new ImpressionJoin(timing);
    this.timing = timing;
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<KV<String, ParsedRecord>>> shard, MultiOutputReceiver out) {
    ImpressionJoin.Output results = AttributeClicks.outputs(out, timing);
    ImpressionJoin.Output unattributedOnly =
        new ImpressionJoin.Output() {
          @Override
          public void change(
              Impression impression, CountChange change) {} // the net counts go out below

          @Override
          public void unattributed(UnattributedClick click) {
            results.unattributed(click);
          }
        };
    Map<String, JoinState> states = new HashMap<>();
    for (KV<String, ParsedRecord> event : shard.getValue()) {
      join.take(
          states.computeIfAbsent(event.getKey(), JoinState::new),
          event.getValue(),
          unattributedOnly);
    }
    for (JoinState state : states.values()) {
      if (state.impression != null) {
        results.change(
            state.impression, new CountChange(1, state.countedClicks, join.newestCounted(state)));
      }
      join.report(state, Long.MAX_VALUE, unattributedOnly);
    }
  }
}
