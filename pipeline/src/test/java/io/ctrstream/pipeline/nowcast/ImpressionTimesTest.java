package io.ctrstream.pipeline.nowcast;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.Test;

public class ImpressionTimesTest {
  @Test
  public void sixtyFourBinsWhateverTheWindowsLength() {
    ImpressionTimes minute = ImpressionTimes.empty(60_000, 60_000);
    assertThat(minute.binOf(60_000), equalTo(0));
    assertThat(minute.binOf(60_937), equalTo(0)); // 937.5 ms a bin
    assertThat(minute.binOf(60_938), equalTo(1));
    assertThat(minute.binOf(119_999), equalTo(63));
    assertThat(minute.binStart(1), equalTo(938L));
    assertThat(minute.binStart(64), equalTo(60_000L));
    ImpressionTimes hour = ImpressionTimes.empty(0, 3_600_000);
    assertThat(hour.binOf(3_599_999), equalTo(63));
  }

  @Test
  public void countsAddUpAndCanBeTakenBack() {
    ImpressionTimes a = ImpressionTimes.empty(0, 64_000).plus(1_500, 2).plus(1_999, 1);
    ImpressionTimes b = ImpressionTimes.empty(0, 64_000).plus(1_000, -1).plus(63_999, 4);
    ImpressionTimes sum = a.plus(b);
    assertThat(sum.count(1), equalTo(2L));
    assertThat(sum.count(63), equalTo(4L));
    assertThat(a.count(1), equalTo(3L)); // unchanged: immutable
  }

  @Test(expected = IllegalArgumentException.class)
  public void anImpressionOutsideTheWindowIsRefused() {
    ImpressionTimes.empty(0, 64_000).plus(64_000, 1);
  }

  @Test(expected = IllegalArgumentException.class)
  public void timesOfAnotherWindowDoNotAdd() {
    ImpressionTimes.empty(0, 64_000).plus(ImpressionTimes.empty(64_000, 64_000));
  }
}
