package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrSums;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Sums {@link CtrSums} (each bundle's sums of signed count changes, {@link SumChangesPerBundle})
 * into a window's impressions, clicks, impression times and newest event. Associative and
 * commutative. Runners may lift it before the shuffle, but Beam's Flink runner does so in batch
 * only; in streaming, {@link SumChangesPerBundle} sums each bundle's changes before the shuffle
 * instead.
 *
 * <p>The accumulator is a {@link CtrSums}, immutable: {@link #addInput} returns a new one, because
 * with {@code --fasterCopy} Flink's heap state backend hands out the very object an asynchronous
 * snapshot in progress is writing.
 */
public class CtrCombineFn extends Combine.CombineFn<CtrSums, CtrSums, CtrSums> {

  @Override
  public CtrSums createAccumulator() {
    return CtrSums.EMPTY;
  }

  @Override
  public CtrSums addInput(CtrSums sums, CtrSums input) {
    return sums.plus(input);
  }

  @Override
  public CtrSums mergeAccumulators(Iterable<CtrSums> all) {
    CtrSums merged = CtrSums.EMPTY;
    for (CtrSums s : all) {
      merged = merged.plus(s);
    }
    return merged;
  }

  @Override
  public CtrSums extractOutput(CtrSums sums) {
    return sums;
  }

  @Override
  public Coder<CtrSums> getAccumulatorCoder(CoderRegistry registry, Coder<CtrSums> inputCoder) {
    return CtrSums.CtrSumsCoder.of();
  }

  @Override
  public Coder<CtrSums> getDefaultOutputCoder(CoderRegistry registry, Coder<CtrSums> inputCoder) {
    return CtrSums.CtrSumsCoder.of();
  }
}
