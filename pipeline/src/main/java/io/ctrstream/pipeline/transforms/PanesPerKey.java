package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrResult;
import org.apache.beam.sdk.coders.Coder;
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
 * The input of a stateful step that follows each key across windows: the panes that pass a filter,
 * keyed by {@code <dimension>:<key>}, in the global window. Its steps are {@code <filter name>},
 * {@code KeyByDimensionValue} and {@code IntoGlobalWindow}.
 */
public class PanesPerKey
    extends PTransform<PCollection<CtrResult>, PCollection<KV<String, CtrResult>>> {
  private final String filterName;
  private final SerializableFunction<CtrResult, Boolean> keep;
  private final Coder<CtrResult> coder;

  private PanesPerKey(
      String filterName, SerializableFunction<CtrResult, Boolean> keep, Coder<CtrResult> coder) {
    this.filterName = filterName;
    this.keep = keep;
    this.coder = coder;
  }

  /**
   * The complete panes (ON_TIME or LATE) that pass {@code keep}, without their nowcasts' coder: a
   * complete pane's nowcast is its raw CTR.
   *
   * @param keep which complete panes to pass on (e.g. those of watched dimensions)
   */
  public static PanesPerKey complete(SerializableFunction<CtrResult, Boolean> keep) {
    return new PanesPerKey(
        "CompletePanes", r -> r.isComplete() && keep.apply(r), CtrResult.CtrResultCoder.of());
  }

  /** Every complete pane. */
  public static PanesPerKey allComplete() {
    return complete(r -> true);
  }

  /**
   * The panes, complete or not, that pass {@code keep}, each with its nowcast.
   *
   * @param filterName the filter step's name
   * @param keep which panes to pass on
   */
  public static PanesPerKey withNowcasts(
      String filterName, SerializableFunction<CtrResult, Boolean> keep) {
    return new PanesPerKey(filterName, keep, CtrResult.WithNowcastCoder.of());
  }

  @Override
  public PCollection<KV<String, CtrResult>> expand(PCollection<CtrResult> results) {
    return results
        .apply(filterName, Filter.by(keep))
        .apply(
            "KeyByDimensionValue",
            WithKeys.of((CtrResult r) -> r.dimension() + ":" + r.key())
                .withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), coder))
        .apply("IntoGlobalWindow", Window.into(new GlobalWindows()));
  }
}
