package io.ctrstream.pipeline.nowcast;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.joda.time.Duration;
import org.junit.Test;

/**
 * A 4 s attribution window: bins with edges 0, 250, 354, 500, 707, 1000, 1414, 2000, 2828, 4000 ms
 * and cohorts of 1 s of impression time.
 */
public class ClickDelayModelTest {
  private static final Duration ATTRIBUTION = Duration.standardSeconds(4);

  private static ClickDelayModel clicksAt(long impressionTs, long... delays) {
    ClickDelayModel model = new ClickDelayModel(ATTRIBUTION);
    for (long d : delays) {
      model.observe(impressionTs, impressionTs + d, 1);
    }
    return model;
  }

  @Test
  public void aCompleteCohortGivesTheEmpiricalDistributionAtTheEdges() {
    // impressions in [0, 1000): every click is in from t = 999 + 4000
    DelayCdf f = clicksAt(0, 100, 900, 3000).cdfAt(4999).cdf();
    assertThat(f.at(0), closeTo(0, 1e-12));
    assertThat(f.at(250), closeTo(1.0 / 3, 1e-12));
    assertThat(f.at(707), closeTo(1.0 / 3, 1e-12));
    assertThat(f.at(1000), closeTo(2.0 / 3, 1e-12));
    assertThat(f.at(2828), closeTo(2.0 / 3, 1e-12));
    assertThat(f.at(4000), closeTo(1, 1e-12));
    assertThat(f.at(3414), closeTo(2.0 / 3 + (3414 - 2828) / 1172.0 / 3, 1e-12)); // linear inside
    assertThat(f.at(-1), equalTo(0.0));
    assertThat(f.at(9000), equalTo(1.0));
  }

  @Test
  public void aYoungImpressionsClickCountsOnlyForTheDelaysItsAgeCovers() {
    ClickDelayModel model = clicksAt(0, 100, 900, 3000);
    model.observe(3000, 3100, 1); // cohort [3000, 4000), at t = 4999 at least 1000 ms old
    DelayCdf f = model.cdfAt(4999).cdf();
    // bins up to 1000 ms: n = 2, 0, 0, 0, 1; m = 2, 2, 2, 2, 3. Above: the old cohort alone.
    // F(1000) = F(2828) = 2/3 as before, F(707) = 2/3 · (1 − 1/3) = 4/9, F(250) = 4/9.
    // The delays seen (100, 100, 900, 3000) would say F(1000) = 3/4: short delays over-represented.
    assertThat(f.at(1000), closeTo(2.0 / 3, 1e-12));
    assertThat(f.at(707), closeTo(4.0 / 9, 1e-12));
    assertThat(f.at(250), closeTo(4.0 / 9, 1e-12));
    assertThat(model.cdfAt(4999).clicks(), equalTo(3L));
  }

  @Test
  public void clicksAfterTheEventTimeAskedForChangeNothing() {
    ClickDelayModel seen = clicksAt(0, 100, 900, 3000);
    seen.observe(3000, 3100, 1);
    ClickDelayModel more = seen.copy();
    more.observe(3000, 5500, 1); // at 5500 > t
    more.observe(4500, 4700, 1); // at 4700 <= t, but its impression is too young for any bin
    DelayCdf a = seen.cdfAt(4999).cdf();
    DelayCdf b = more.cdfAt(4999).cdf();
    for (long d = 0; d <= 4000; d += 50) {
      assertThat("F(" + d + ")", b.at(d), equalTo(a.at(d)));
    }
  }

  @Test
  public void thereIsNoDistributionUntilSomeImpressionIsOlderThanTheAttributionWindow() {
    ClickDelayModel model = clicksAt(0, 100, 900);
    assertThat(model.cdfAt(4998).cdf(), nullValue());
    assertThat(model.cdfAt(4998).clicks(), equalTo(0L));
    assertThat(model.cdfAt(4999).clicks(), equalTo(2L));
  }

  @Test
  public void aClickTakenBackIsAsIfNeverSeen() {
    ClickDelayModel model = clicksAt(0, 100, 900, 3000);
    model.observe(0, 2000, 1);
    model.observe(0, 2000, -1);
    DelayCdf a = model.cdfAt(4999).cdf();
    DelayCdf b = clicksAt(0, 100, 900, 3000).cdfAt(4999).cdf();
    for (long d = 0; d <= 4000; d += 50) {
      assertThat(b.at(d), equalTo(a.at(d)));
    }
  }

  @Test
  public void oldCohortsFoldIntoOneTotalAndStillCount() {
    ClickDelayModel model = new ClickDelayModel(ATTRIBUTION);
    for (long s = 0; s < 100; s++) { // one impression a second for 100 s, clicked after 100 ms
      model.observe(s * 1000, s * 1000 + 100, 1);
    }
    model.observe(99_000, 99_000 + 3000, 1);
    assertThat(model.cohorts() <= 10, equalTo(true));
    assertThat(model.cdfAt(200_000).clicks(), equalTo(101L));
    assertThat(model.cdfAt(200_000).cdf().at(250), closeTo(100.0 / 101, 1e-12));
  }

  @Test
  public void changingACopyLeavesTheOriginalAsItWas() {
    ClickDelayModel model = clicksAt(0, 100, 900, 3000);
    ClickDelayModel copy = model.copy();
    copy.observe(0, 200, 5);
    assertThat(model.clicks(), equalTo(3L));
    assertThat(model.cdfAt(4999).cdf().at(250), closeTo(1.0 / 3, 1e-12));
  }

  @Test
  public void aFoldedCohortCountsOnlyForTheDelaysItsAgeCoversAtT() {
    ClickDelayModel model = clicksAt(0, 100, 900, 3000);
    model.observe(60_000, 60_100, 1); // the newest click, 60 s on: cohort [0, 1000) is folded
    assertThat(model.cohorts(), equalTo(1));
    // asked at 4998 ms, as a pane far behind: its impressions are not all 4 s old yet
    assertThat(model.cdfAt(4998).cdf(), nullValue());
    assertThat(model.cdfAt(4999).cdf().at(1000), closeTo(2.0 / 3, 1e-12));
  }

  @Test
  public void theCoderKeepsEverything() throws Exception {
    ClickDelayModel model = clicksAt(0, 100, 900, 3000);
    model.observe(60_000, 60_100, 1);
    model.observe(61_000, 61_300, -1);
    ClickDelayModel decoded =
        org.apache.beam.sdk.util.CoderUtils.clone(ClickDelayModel.ClickDelayModelCoder.of(), model);
    assertThat(decoded.clicks(), equalTo(model.clicks()));
    assertThat(decoded.cohorts(), equalTo(model.cohorts()));
    for (long t : new long[] {4998, 4999, 70_000}) {
      DelayCdf a = model.cdfAt(t).cdf();
      DelayCdf b = decoded.cdfAt(t).cdf();
      assertThat(b == null, equalTo(a == null));
      for (long d = 0; a != null && d <= 4000; d += 50) {
        assertThat(b.at(d), equalTo(a.at(d)));
      }
    }
  }

  @Test
  public void observationsSummedPerBundleTeachTheSameAsClickByClick() throws Exception {
    ClickDelayModel oneByOne = clicksAt(0, 100, 900, 3000);
    oneByOne.observe(3000, 3100, 1);
    DelayObservations summed =
        org.apache.beam.sdk.util.CoderUtils.clone(
            DelayObservations.DelayObservationsCoder.of(),
            new DelayObservations.Builder(ATTRIBUTION)
                .add("c", 0, 100, 1)
                .add("c", 0, 900, 1)
                .add("c", 0, 3000, 1)
                .add("c", 3000, 3100, 1)
                .build());
    ClickDelayModel model = new ClickDelayModel(ATTRIBUTION);
    summed.addTo(model, "c");
    for (long d = 0; d <= 4000; d += 50) {
      assertThat(model.cdfAt(4999).cdf().at(d), equalTo(oneByOne.cdfAt(4999).cdf().at(d)));
    }
  }
}
