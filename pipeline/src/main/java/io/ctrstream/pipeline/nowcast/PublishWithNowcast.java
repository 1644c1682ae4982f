package io.ctrstream.pipeline.nowcast;

import io.ctrstream.pipeline.model.ClickDelay;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.OpenPane;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * The results as they are published (Redis window hashes, the results topic): every pane with its
 * {@link Nowcast}. ON_TIME and later panes carry {@link Nowcast#complete} (their raw CTR: every
 * on-time click is in); EARLY panes are nowcast by {@link NowcastFn} from the {@link OpenPane}s and
 * the join's {@link ClickDelay}s, summed per bundle. Without open panes (a bounded run, which has
 * no EARLY panes) every pane is complete or, if EARLY, carries the raw CTR ({@link
 * NowcastBasis#NONE}).
 *
 * <p>Input: the results of the CTR windows. Output: the same panes in the global window (each names
 * its window), with {@link CtrResult.WithNowcastCoder}. An EARLY pane takes one more shuffle than
 * the complete panes, so a sink may receive a window's EARLY pane after a later pane: Redis keeps
 * the newer pane by its index ({@code NewerPanesOnly}); a reader of the results topic should too.
 */
public class PublishWithNowcast extends PTransform<PCollection<CtrResult>, PCollection<CtrResult>> {
  private final PCollection<OpenPane> openPanes;
  private final PCollection<ClickDelay> clickDelays;
  private final Duration attributionWindow;
  private final Duration idleKeyRetention;

  /**
   * @param openPanes the EARLY panes with their accumulators' impression times, or null
   * @param clickDelays the join's attributed clicks, or null (with {@code openPanes})
   * @param attributionWindow the join's attribution window
   * @param idleKeyRetention event time a campaign's own click delay model is kept after its newest
   *     click
   */
  public PublishWithNowcast(
      PCollection<OpenPane> openPanes,
      PCollection<ClickDelay> clickDelays,
      Duration attributionWindow,
      Duration idleKeyRetention) {
    this.openPanes = openPanes;
    this.clickDelays = clickDelays;
    this.attributionWindow = attributionWindow;
    this.idleKeyRetention = idleKeyRetention;
  }

  @Override
  public PCollection<CtrResult> expand(PCollection<CtrResult> results) {
    boolean nowcasting = openPanes != null;
    PCollection<CtrResult> direct =
        results
            .apply("CompletePanes", Filter.by((CtrResult r) -> !nowcasting || r.isComplete()))
            .apply(
                "RawCtrAsNowcast",
                MapElements.into(TypeDescriptor.of(CtrResult.class))
                    .via(
                        (CtrResult r) ->
                            r.withNowcast(
                                r.isComplete()
                                    ? Nowcast.complete(r.impressions(), r.clicks())
                                    : new Nowcast(r.ctr(), null, null, null, NowcastBasis.NONE))))
            .setCoder(CtrResult.WithNowcastCoder.of())
            .apply("IntoGlobalWindow", PublishWithNowcast.<CtrResult>global());
    if (!nowcasting) {
      return direct;
    }
    KvCoder<Integer, NowcastInput> inputCoder =
        KvCoder.of(VarIntCoder.of(), NowcastInput.NowcastInputCoder.INSTANCE);
    PCollection<KV<Integer, NowcastInput>> panes =
        openPanes
            .apply(
                "PanesToModels",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(), TypeDescriptor.of(NowcastInput.class)))
                    .via((OpenPane p) -> KV.of(0, NowcastInput.of(p))))
            .setCoder(inputCoder)
            .apply("PanesIntoGlobalWindow", PublishWithNowcast.<KV<Integer, NowcastInput>>global());
    PCollection<KV<Integer, NowcastInput>> delays =
        clickDelays
            .apply("SumDelaysPerBundle", ParDo.of(new SumDelaysPerBundle(attributionWindow)))
            .setCoder(DelayObservations.DelayObservationsCoder.of())
            .apply(
                "DelaysToModels",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(), TypeDescriptor.of(NowcastInput.class)))
                    .via((DelayObservations d) -> KV.of(0, NowcastInput.of(d))))
            .setCoder(inputCoder)
            .apply(
                "DelaysIntoGlobalWindow", PublishWithNowcast.<KV<Integer, NowcastInput>>global());
    PCollection<CtrResult> nowcast =
        PCollectionList.of(delays)
            .and(panes)
            .apply("DelaysAndPanes", Flatten.pCollections())
            .apply(
                "NowcastEarlyPanes", ParDo.of(new NowcastFn(attributionWindow, idleKeyRetention)))
            .setCoder(CtrResult.WithNowcastCoder.of());
    return PCollectionList.of(direct)
        .and(nowcast)
        .apply("AllPanes", Flatten.pCollections())
        .setCoder(CtrResult.WithNowcastCoder.of());
  }

  /** The global window, firing for every element: one windowing for every branch here. */
  private static <T> Window<T> global() {
    return Window.<T>into(new GlobalWindows())
        .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(Duration.ZERO)
        .discardingFiredPanes();
  }
}
