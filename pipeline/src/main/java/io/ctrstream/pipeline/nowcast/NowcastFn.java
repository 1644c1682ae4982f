package io.ctrstream.pipeline.nowcast;

import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.OpenPane;
import io.ctrstream.pipeline.transforms.CtrMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * The click delay models and the nowcast of every EARLY pane, on one key in the global window: the
 * models are learned from every campaign's clicks, and the pooled one from all of them. State: one
 * {@link ClickDelayModel} per campaign and the pooled one (under the empty string, which no
 * campaign id is), each read and written alone ({@code MapState}), never changed in place (a copy
 * is changed and written back: with {@code --fasterCopy} Flink's heap backend hands out the object
 * an asynchronous snapshot may be writing). Once an hour of click event time, the models of
 * campaigns idle for the idle-key retention ({@link ClickDelayModels#idle}) are dropped (metric
 * {@code nowcast_idle_campaign_models_dropped}). Cost: per bundle of clicks and per EARLY pane, not
 * per event.
 */
class NowcastFn extends DoFn<KV<Integer, NowcastInput>, CtrResult> {
  /** The pooled model's key. */
  static final String POOLED = "";

  @StateId("models")
  private final StateSpec<MapState<String, ClickDelayModel>> modelsSpec =
      StateSpecs.map(StringUtf8Coder.of(), ClickDelayModel.ClickDelayModelCoder.of());

  /** The newest click's {@code ts} when idle campaigns' models were last looked for. */
  @StateId("lastSweep")
  private final StateSpec<ValueState<Long>> lastSweepSpec = StateSpecs.value(VarLongCoder.of());

  private final Duration attributionWindow;
  private final Duration idleKeyRetention;
  private final Counter byCampaign = CtrMetrics.counter("nowcasts_campaign_delays");
  private final Counter pooled = CtrMetrics.counter("nowcasts_pooled_delays");
  private final Counter none = CtrMetrics.counter("nowcasts_without_delays");
  private final Counter dropped = CtrMetrics.counter("nowcast_idle_campaign_models_dropped");

  NowcastFn(Duration attributionWindow, Duration idleKeyRetention) {
    this.attributionWindow = attributionWindow;
    this.idleKeyRetention = idleKeyRetention;
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, NowcastInput> input,
      @StateId("models") MapState<String, ClickDelayModel> models,
      @StateId("lastSweep") ValueState<Long> lastSweep,
      OutputReceiver<CtrResult> out) {
    NowcastInput in = input.getValue();
    if (in.delays() != null) {
      for (String campaign : in.delays().campaigns()) {
        ClickDelayModel model = copyOf(models.get(campaign).read());
        in.delays().addTo(model, campaign);
        models.put(campaign, model);
      }
      ClickDelayModel all = copyOf(models.get(POOLED).read());
      in.delays().addAllTo(all);
      models.put(POOLED, all);
      if (ClickDelayModels.sweepDue(lastSweep.read(), all.newestClickTs())) {
        dropIdle(models, all.newestClickTs());
        lastSweep.write(all.newestClickTs());
      }
      return;
    }
    OpenPane pane = in.pane();
    CtrResult r = pane.result();
    ClickDelayModel own =
        CtrResult.CAMPAIGN.equals(r.dimension()) ? models.get(r.key()).read() : null;
    ClickDelayModels.Choice choice =
        ClickDelayModels.choose(own, models.get(POOLED).read(), pane.newestTs());
    Nowcast nowcast =
        Nowcast.estimate(r.impressions(), r.clicks(), pane.times(), pane.newestTs(), choice);
    switch (nowcast.basis()) {
      case CAMPAIGN -> byCampaign.inc();
      case POOLED -> pooled.inc();
      default -> none.inc();
    }
    out.output(r.withNowcast(nowcast));
  }

  /** Drops the models of campaigns idle at {@code newestTs} ({@link ClickDelayModels#idle}). */
  private void dropIdle(MapState<String, ClickDelayModel> models, long newestTs) {
    List<String> idle = new ArrayList<>();
    for (Map.Entry<String, ClickDelayModel> e : models.entries().read()) {
      if (!POOLED.equals(e.getKey())
          && ClickDelayModels.idle(e.getValue(), newestTs, idleKeyRetention)) {
        idle.add(e.getKey());
      }
    }
    idle.forEach(models::remove);
    dropped.inc(idle.size());
  }

  private ClickDelayModel copyOf(ClickDelayModel stored) {
    return stored == null ? new ClickDelayModel(attributionWindow) : stored.copy();
  }
}
