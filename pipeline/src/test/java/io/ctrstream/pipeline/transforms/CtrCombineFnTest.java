package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.CtrCounts;
import java.util.List;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.CombineFnTester;
import org.junit.Test;

public class CtrCombineFnTest {
  private final CtrCombineFn fn = new CtrCombineFn();

  @Test
  public void sumsSignedChangesInAnyGroupingAndOrder() {
    // two impressions, one moved away again (-1, -1), three clicks on the others
    List<CtrCounts> changes =
        new java.util.ArrayList<>(
            List.of(
                new CtrCounts(1, 0),
                new CtrCounts(1, 1),
                new CtrCounts(0, 2),
                new CtrCounts(1, 1),
                new CtrCounts(-1, -1)));
    CombineFnTester.testCombineFn(fn, changes, new CtrCounts(2, 3));
  }

  @Test
  public void emptyInputIsZero() {
    CombineFnTester.testCombineFn(fn, new java.util.ArrayList<CtrCounts>(), CtrCounts.ZERO);
  }

  @Test
  public void ctrIsClicksOverImpressionsAndZeroWithoutImpressions() {
    assertThat(new CtrCounts(8087, 1397).ctr(), closeTo(0.172746383, 1e-9));
    assertThat(CtrCounts.ZERO.ctr(), equalTo(0.0));
  }

  @Test
  public void addingAnInputLeavesTheAccumulatorItWasGivenAsItWas() {
    // with --fasterCopy the heap state backend's snapshot in progress may hold that very object
    CtrCombineFn.Sums read = fn.addInput(fn.createAccumulator(), new CtrCounts(5, 2));
    CtrCombineFn.Sums next = fn.addInput(read, new CtrCounts(1, 1));
    assertThat(fn.extractOutput(read), equalTo(new CtrCounts(5, 2)));
    assertThat(fn.extractOutput(next), equalTo(new CtrCounts(6, 3)));
  }

  @Test
  public void accumulatorCoderRoundTrips() throws Exception {
    CtrCombineFn.Sums sums = fn.addInput(fn.createAccumulator(), new CtrCounts(-3, 1L << 40));
    CtrCombineFn.Sums decoded =
        org.apache.beam.sdk.util.CoderUtils.clone(
            fn.getAccumulatorCoder(CoderRegistry.createDefault(), CtrCounts.CtrCountsCoder.of()),
            sums);
    assertThat(fn.extractOutput(decoded), equalTo(new CtrCounts(-3, 1L << 40)));
    CoderProperties.coderDecodeEncodeEqual(CtrCounts.CtrCountsCoder.of(), new CtrCounts(-1, 7));
  }
}
