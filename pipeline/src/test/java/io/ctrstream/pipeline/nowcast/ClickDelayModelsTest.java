package io.ctrstream.pipeline.nowcast;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.options.EventTimeConfig;
import org.joda.time.Duration;
import org.junit.Test;

/**
 * Which distribution a pane uses (own, pooled or none) and how long a campaign keeps its own: 15 s
 * attribution window, every click 1 s after its impression.
 */
public class ClickDelayModelsTest {
  private static final Duration ATTRIBUTION = Duration.standardSeconds(15);
  private static final long DAY = Duration.standardDays(1).getMillis();
  private static final long T0 = 1_709_294_400_000L; // 2024-03-01T12:00:00Z

  /** {@code n} clicks of {@code campaign}'s impressions at {@code from}, {@code from + 1}, … ms. */
  private static void clicks(ClickDelayModels models, String campaign, long from, int n) {
    for (int k = 0; k < n; k++) {
      models.observe(campaign, from + k, from + k + 1_000, 1);
    }
  }

  @Test
  public void ownAtTwoHundredClicksElsePooledAtFiftyElseNone() {
    ClickDelayModels models = new ClickDelayModels(ATTRIBUTION);
    clicks(models, "small", T0, 49);
    long later = T0 + 60_000; // every impression older than the attribution window
    assertThat(models.cdfFor("small", later).basis(), equalTo(NowcastBasis.NONE));
    clicks(models, "big", T0, 200);
    assertThat(models.cdfFor("small", later).basis(), equalTo(NowcastBasis.POOLED));
    assertThat(models.cdfFor("small", later).clicks(), equalTo(249L));
    assertThat(models.cdfFor("big", later).basis(), equalTo(NowcastBasis.CAMPAIGN));
    assertThat(models.cdfFor("big", later).clicks(), equalTo(200L));
    assertThat(models.cdfFor(null, later).basis(), equalTo(NowcastBasis.POOLED));
  }

  @Test
  public void aCampaignIdleForSevenDaysLosesItsOwnModelAndUsesThePooledOne() {
    ClickDelayModels models = new ClickDelayModels(ATTRIBUTION);
    clicks(models, "paused", T0, 200);
    clicks(models, "other", T0, 1);
    // six days on, "paused" has had no click but keeps its own
    clicks(models, "other", T0 + 6 * DAY, 1);
    assertThat(models.campaigns(), equalTo(2));
    assertThat(models.cdfFor("paused", T0 + 6 * DAY).basis(), equalTo(NowcastBasis.CAMPAIGN));
    // a week and an hour on, the next look drops it
    clicks(models, "other", T0 + 7 * DAY + 3_600_000, 1);
    assertThat(models.campaigns(), equalTo(1));
    assertThat(
        models.cdfFor("paused", T0 + 7 * DAY + 3_600_000).basis(), equalTo(NowcastBasis.POOLED));
    // back with clicks, it starts a model of its own again
    clicks(models, "paused", T0 + 8 * DAY, 1);
    assertThat(models.campaigns(), equalTo(2));
  }

  @Test
  public void idleIsMeasuredFromTheNewestClickOfAnyCampaign() {
    ClickDelayModel model = new ClickDelayModel(ATTRIBUTION);
    model.observe(T0, T0 + 1_000, 1);
    long retention = EventTimeConfig.DEFAULT_IDLE_KEY_RETENTION.getMillis();
    assertThat(
        ClickDelayModels.idle(
            model, T0 + 1_000 + retention, EventTimeConfig.DEFAULT_IDLE_KEY_RETENTION),
        equalTo(false));
    assertThat(
        ClickDelayModels.idle(
            model, T0 + 1_001 + retention, EventTimeConfig.DEFAULT_IDLE_KEY_RETENTION),
        equalTo(true));
    assertThat(ClickDelayModels.sweepDue(null, Long.MIN_VALUE), equalTo(false)); // no click yet
    assertThat(ClickDelayModels.sweepDue(null, T0), equalTo(true));
    assertThat(ClickDelayModels.sweepDue(T0, T0 + 3_599_999), equalTo(false));
    assertThat(ClickDelayModels.sweepDue(T0, T0 + 3_600_000), equalTo(true));
  }
}
