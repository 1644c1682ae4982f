package io.ctrstream.pipeline.transforms;

import static io.ctrstream.pipeline.testing.Events.T0;
import static io.ctrstream.pipeline.testing.Events.result;
import static io.ctrstream.pipeline.testing.Events.window;
import static org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing.ON_TIME;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.RunSummary;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

/** The idle-key expiry of {@link TrackLatestAndPrevious}, as a timeline: 30 s windows. */
public class TrackLatestAndPreviousTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final Duration RETENTION = Duration.standardMinutes(10);

  private static CtrResult onTime(String campaign, int startSec) {
    return result(campaign, window(startSec), 10, 1, ON_TIME, 0, true);
  }

  private static TimestampedValue<CtrResult> pane(String campaign, int startSec) {
    return TimestampedValue.of(onTime(campaign, startSec), window(startSec).maxTimestamp());
  }

  @Test
  public void anIdleKeysStateIsDroppedOnceTheWatermarkPassesItsLatestWindowPlusTheRetention() {
    TestStream<CtrResult> results =
        TestStream.create(CtrResult.CtrResultCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(pane("idle", 0), pane("busy", 0))
            .addElements(pane("idle", 30), pane("busy", 30))
            // "idle" has nothing after W30 (end 60 s): its state goes at 60 s + 10 min
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(600)))
            .addElements(pane("busy", 570)) // "busy" stays: its expiry moves to 600 s + 10 min
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(660 + 1)))
            .addElements(pane("idle", 1200), pane("busy", 1200))
            .advanceWatermarkToInfinity();

    PCollection<LatestAndPrevious> tracked =
        p.apply(results).apply(new TrackLatestAndPrevious().withIdleKeyRetention(RETENTION));

    PAssert.that(tracked)
        .containsInAnyOrder(
            new LatestAndPrevious(onTime("idle", 0), null),
            new LatestAndPrevious(onTime("idle", 30), onTime("idle", 0)),
            // back after more than the retention: its previous window was forgotten
            new LatestAndPrevious(onTime("idle", 1200), null),
            new LatestAndPrevious(onTime("busy", 0), null),
            new LatestAndPrevious(onTime("busy", 30), onTime("busy", 0)),
            new LatestAndPrevious(onTime("busy", 570), onTime("busy", 30)),
            new LatestAndPrevious(onTime("busy", 1200), onTime("busy", 570)));
    PipelineResult run = p.run();
    run.waitUntilFinish();
    // "idle" once mid-stream; both at the end, when the watermark passes every expiry
    assertThat(RunSummary.of(run).get("tracked_keys_expired"), equalTo(3L));
    assertThat(RunSummary.of(run).get("tracked_keys_live"), equalTo(0L));
  }
}
