package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Breakdown;
import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.DimensionKey;
import io.ctrstream.pipeline.model.Impression;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Keys each count change by its impression's campaign and by every breakdown: one input {@code
 * KV<Impression, CountChange>} becomes {@code 1 + breakdowns} outputs {@code KV<DimensionKey,
 * CountChange>}, with the same timestamp ({@link JoinTiming#countedAt} of the impression). Every
 * dimension therefore counts the same impressions and clicks: a breakdown's values sum to the
 * campaign totals.
 */
public class KeyByDimensions
    extends PTransform<
        PCollection<KV<Impression, CountChange>>, PCollection<KV<DimensionKey, CountChange>>> {
  private final List<Breakdown> breakdowns;

  public KeyByDimensions(List<Breakdown> breakdowns) {
    this.breakdowns = List.copyOf(breakdowns);
  }

  @Override
  public PCollection<KV<DimensionKey, CountChange>> expand(
      PCollection<KV<Impression, CountChange>> changes) {
    return changes
        .apply(
            ParDo.of(
                new DoFn<KV<Impression, CountChange>, KV<DimensionKey, CountChange>>() {
                  @ProcessElement
                  public void process(
                      @Element KV<Impression, CountChange> change,
                      OutputReceiver<KV<DimensionKey, CountChange>> out) {
                    Impression impression = change.getKey();
                    out.output(
                        KV.of(DimensionKey.campaign(impression.campaignId()), change.getValue()));
                    for (Breakdown b : breakdowns) {
                      out.output(KV.of(b.keyOf(impression), change.getValue()));
                    }
                  }
                }))
        .setCoder(
            KvCoder.of(DimensionKey.DimensionKeyCoder.of(), CountChange.CountChangeCoder.of()));
  }
}
