package io.ctrstream.pipeline.nowcast;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.joda.time.Duration;
import org.junit.Test;

public class DelayBinsTest {
  @Test
  public void edgesGrowByRootTwoFrom250MsUpToTheAttributionWindow() {
    DelayBins bins = new DelayBins(Duration.standardSeconds(4));
    long[] expected = {0, 250, 354, 500, 707, 1000, 1414, 2000, 2828, 4000};
    assertThat(bins.size(), equalTo(expected.length - 1));
    for (int k = 0; k < expected.length; k++) {
      assertThat("edge " + k, bins.edge(k), equalTo(expected[k]));
    }
    assertThat(new DelayBins(Duration.standardSeconds(15)).size(), equalTo(13));
    assertThat(new DelayBins(Duration.standardMinutes(30)).size(), equalTo(27));
  }

  @Test
  public void aBinHoldsItsUpperEdgeAndBinZeroHoldsZero() {
    DelayBins bins = new DelayBins(Duration.standardSeconds(4));
    assertThat(bins.binOf(0), equalTo(0));
    assertThat(bins.binOf(250), equalTo(0));
    assertThat(bins.binOf(251), equalTo(1));
    assertThat(bins.binOf(1000), equalTo(4));
    assertThat(bins.binOf(1001), equalTo(5));
    assertThat(bins.binOf(4000), equalTo(8));
  }

  @Test(expected = IllegalArgumentException.class)
  public void aDelayBeyondTheAttributionWindowIsRefused() {
    new DelayBins(Duration.standardSeconds(4)).binOf(4001);
  }
}
