package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.CtrCounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Sums signed {@link CtrCounts} changes into a window's impressions and clicks. Associative and
 * commutative with a two-long accumulator. Runners may lift it before the shuffle, but Beam's Flink
 * runner does so in batch only; in streaming, {@link SumChangesPerBundle} sums each bundle's
 * changes before the shuffle instead.
 */
public class CtrCombineFn extends Combine.CombineFn<CtrCounts, CtrCombineFn.Sums, CtrCounts> {

  /**
   * The accumulator: running sums of impressions and clicks. Never changed once handed to the
   * runner: {@link #addInput} returns a new one, because with {@code --fasterCopy} Flink's heap
   * state backend hands out the very object an asynchronous snapshot in progress is writing.
   */
  public static final class Sums {
    long impressions;
    long clicks;
  }

  @Override
  public Sums createAccumulator() {
    return new Sums();
  }

  @Override
  public Sums addInput(Sums sums, CtrCounts change) {
    Sums next = new Sums();
    next.impressions = sums.impressions + change.impressions();
    next.clicks = sums.clicks + change.clicks();
    return next;
  }

  @Override
  public Sums mergeAccumulators(Iterable<Sums> all) {
    Sums merged = new Sums();
    for (Sums s : all) {
      merged.impressions += s.impressions;
      merged.clicks += s.clicks;
    }
    return merged;
  }

  @Override
  public CtrCounts extractOutput(Sums sums) {
    return new CtrCounts(sums.impressions, sums.clicks);
  }

  @Override
  public Coder<Sums> getAccumulatorCoder(CoderRegistry registry, Coder<CtrCounts> inputCoder) {
    return SumsCoder.INSTANCE;
  }

  @Override
  public Coder<CtrCounts> getDefaultOutputCoder(
      CoderRegistry registry, Coder<CtrCounts> inputCoder) {
    return CtrCounts.CtrCountsCoder.of();
  }

  private static final class SumsCoder extends AtomicCoder<Sums> {
    static final SumsCoder INSTANCE = new SumsCoder();

    @Override
    public void encode(Sums value, OutputStream out) throws IOException {
      VarLongCoder.of().encode(value.impressions, out);
      VarLongCoder.of().encode(value.clicks, out);
    }

    @Override
    public Sums decode(InputStream in) throws IOException {
      Sums s = new Sums();
      s.impressions = VarLongCoder.of().decode(in);
      s.clicks = VarLongCoder.of().decode(in);
      return s;
    }
  }
}
