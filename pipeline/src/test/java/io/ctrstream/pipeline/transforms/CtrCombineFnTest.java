package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.CtrSums;
import io.ctrstream.pipeline.nowcast.ImpressionTimes;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.CombineFnTester;
import org.junit.Test;

/** The window [0, 64 s): 1 s bins of impression time. */
public class CtrCombineFnTest {
  private static final ImpressionTimes NONE = ImpressionTimes.empty(0, 64_000);
  private final CtrCombineFn fn = new CtrCombineFn();

  private static CtrSums sums(long impressions, long clicks, long impressionTs, long newestTs) {
    return new CtrSums(impressions, clicks, NONE.plus(impressionTs, impressions), newestTs);
  }

  @Test
  public void sumsSignedChangesInAnyGroupingAndOrder() {
    // two impressions, one moved away again (-1, -1), three clicks on the others
    List<CtrSums> changes =
        new ArrayList<>(
            List.of(
                sums(1, 0, 1_000, 1_000),
                sums(1, 1, 2_500, 4_000),
                new CtrSums(0, 2, null, 9_000),
                sums(1, 1, 2_000, 3_000),
                sums(-1, -1, 1_000, 1_000)));
    CtrSums expected = new CtrSums(2, 3, NONE.plus(2_500, 1).plus(2_000, 1).plus(1_000, 0), 9_000);
    CombineFnTester.testCombineFn(fn, changes, expected);
    assertThat(expected.times().count(2), equalTo(2L));
    assertThat(expected.times().count(1), equalTo(0L));
  }

  @Test
  public void emptyInputIsZero() {
    CombineFnTester.testCombineFn(fn, new ArrayList<CtrSums>(), CtrSums.EMPTY);
    assertThat(CtrSums.EMPTY.counts(), equalTo(CtrCounts.ZERO));
  }

  @Test
  public void ctrIsClicksOverImpressionsAndZeroWithoutImpressions() {
    assertThat(new CtrCounts(8087, 1397).ctr(), closeTo(0.172746383, 1e-9));
    assertThat(CtrCounts.ZERO.ctr(), equalTo(0.0));
  }

  @Test
  public void addingAnInputLeavesTheAccumulatorItWasGivenAsItWas() {
    // with --fasterCopy the heap state backend's snapshot in progress may hold that very object
    CtrSums read = fn.addInput(fn.createAccumulator(), sums(5, 2, 3_000, 7_000));
    CtrSums next = fn.addInput(read, sums(1, 1, 3_000, 8_000));
    assertThat(fn.extractOutput(read), equalTo(sums(5, 2, 3_000, 7_000)));
    assertThat(fn.extractOutput(next), equalTo(sums(6, 3, 3_000, 8_000)));
  }

  @Test
  public void accumulatorCoderRoundTrips() throws Exception {
    CtrSums sums =
        fn.addInput(
            fn.createAccumulator(),
            new CtrSums(-3, 1L << 40, NONE.plus(63_999, -3).plus(0, 1), 1_700_000_000_000L));
    CtrSums decoded =
        org.apache.beam.sdk.util.CoderUtils.clone(
            fn.getAccumulatorCoder(CoderRegistry.createDefault(), CtrSums.CtrSumsCoder.of()), sums);
    assertThat(decoded, equalTo(sums));
    CoderProperties.coderDecodeEncodeEqual(CtrSums.CtrSumsCoder.of(), CtrSums.EMPTY);
    CoderProperties.coderDecodeEncodeEqual(CtrCounts.CtrCountsCoder.of(), new CtrCounts(-1, 7));
  }
}
