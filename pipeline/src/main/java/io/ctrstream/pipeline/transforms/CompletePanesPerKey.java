package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The input of a stateful step that follows each key across windows: the complete panes (ON_TIME or
 * LATE) that pass {@code keep}, keyed by {@code <dimension>:<key>}, in the global window.
 */
public class CompletePanesPerKey
    extends PTransform<PCollection<CtrResult>, PCollection<KV<String, CtrResult>>> {
  private final SerializableFunction<CtrResult, Boolean> keep;

  /**
   * @param keep which complete panes to pass on (e.g. those of watched dimensions)
   */
  public CompletePanesPerKey(SerializableFunction<CtrResult, Boolean> keep) {
    this.keep = keep;
  }

  /** Every complete pane. */
  public static CompletePanesPerKey all() {
    return new CompletePanesPerKey(r -> true);
  }

  @Override
  public PCollection<KV<String, CtrResult>> expand(PCollection<CtrResult> results) {
    SerializableFunction<CtrResult, Boolean> keepPane = keep;
    return results
        .apply("CompletePanes", Filter.by((CtrResult r) -> r.isComplete() && keepPane.apply(r)))
        .apply(
            "KeyByDimensionValue",
            WithKeys.of((CtrResult r) -> r.dimension() + ":" + r.key())
                .withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), CtrResult.CtrResultCoder.of()))
        .apply("IntoGlobalWindow", Window.into(new GlobalWindows()));
  }
}
