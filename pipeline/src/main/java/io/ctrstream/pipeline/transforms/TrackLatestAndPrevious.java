package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Keeps, per key, the newest complete window and the complete window before it, and emits both
 * whenever either changes.
 *
 * <p>Only complete panes (ON_TIME or LATE) count. A newer window shifts latest into previous; a
 * late pane of the latest or previous window revises it in place; a late pane of an older window
 * never moves latest backwards (it becomes previous only if it lies between previous and latest).
 */
public class TrackLatestAndPrevious
    extends PTransform<PCollection<CtrResult>, PCollection<LatestAndPrevious>> {

  @Override
  public PCollection<LatestAndPrevious> expand(PCollection<CtrResult> results) {
    return results
        .apply("CompletePanesPerKey", PanesPerKey.allComplete())
        .apply("KeepLatestTwo", ParDo.of(new KeepLatestTwoFn()))
        .setCoder(LatestAndPrevious.LatestAndPreviousCoder.of());
  }

  static class KeepLatestTwoFn extends DoFn<KV<String, CtrResult>, LatestAndPrevious> {
    @StateId("latest")
    private final StateSpec<ValueState<CtrResult>> latestSpec =
        StateSpecs.value(CtrResult.CtrResultCoder.of());

    @StateId("previous")
    private final StateSpec<ValueState<CtrResult>> previousSpec =
        StateSpecs.value(CtrResult.CtrResultCoder.of());

    @ProcessElement
    public void process(
        @Element KV<String, CtrResult> element,
        @StateId("latest") ValueState<CtrResult> latestState,
        @StateId("previous") ValueState<CtrResult> previousState,
        OutputReceiver<LatestAndPrevious> out) {
      CtrResult r = element.getValue();
      CtrResult latest = latestState.read();
      CtrResult previous = previousState.read();
      if (latest == null || r.windowStart() >= latest.windowStart()) {
        if (latest != null && r.windowStart() > latest.windowStart()) {
          previous = latest;
        }
        latest = r;
      } else if (previous == null || r.windowStart() >= previous.windowStart()) {
        previous = r;
      } else {
        return; // an older window than both: neither latest nor previous changes
      }
      latestState.write(latest);
      if (previous != null) {
        previousState.write(previous);
      }
      out.output(new LatestAndPrevious(latest, previous));
    }
  }
}
