package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.joda.time.Duration;
import org.junit.Test;

/** The join's event-time rules, in milliseconds: 15 s attribution, 60 s lateness, 10 s windows. */
public class JoinTimingTest {
  private static final JoinTiming FIXED =
      JoinTiming.of(
          Duration.standardSeconds(15),
          Duration.standardSeconds(60),
          Duration.standardSeconds(10),
          null,
          null);

  @Test
  public void attributionIsInclusiveAtBothEnds() {
    assertThat(FIXED.attributes(1_000, 1_000), equalTo(true));
    assertThat(FIXED.attributes(1_000, 16_000), equalTo(true));
    assertThat(FIXED.attributes(1_000, 16_001), equalTo(false));
    assertThat(FIXED.attributes(1_000, 999), equalTo(false));
  }

  @Test
  public void anImpressionIsKeptUntilItsWindowExpires() {
    // [0, 10 s) accepts changes until 10 + 15 + 60 s; a timer there fires once the watermark passes
    // it
    assertThat(FIXED.impressionExpiry(0), equalTo(85_000L));
    assertThat(FIXED.impressionExpiry(9_999), equalTo(85_000L));
    assertThat(FIXED.impressionExpiry(10_000), equalTo(95_000L));
    // so anything about it is droppably late by then
    assertThat(FIXED.droppablyLate(9_999, 85_000), equalTo(true));
    assertThat(FIXED.droppablyLate(9_999, 84_999), equalTo(false));
  }

  @Test
  public void theTrendsLastWindowKeepsAnImpressionLonger() {
    JoinTiming withTrend =
        JoinTiming.of(
            Duration.standardSeconds(15),
            Duration.standardSeconds(60),
            Duration.standardSeconds(10),
            Duration.standardMinutes(1),
            Duration.standardSeconds(20));
    // the last trend window holding ts 5 s is [0, 60 s)
    assertThat(withTrend.impressionExpiry(5_000), equalTo(135_000L));
  }

  @Test
  public void countsAndReportsWaitForTheAttributionWindow() {
    assertThat(FIXED.countedAt(1_000), equalTo(16_001L));
    assertThat(FIXED.reportAt(1_000), equalTo(16_001L));
    assertThat(FIXED.clicksExpiry(1_000), equalTo(76_000L));
  }
}
