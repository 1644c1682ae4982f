package io.ctrstream.pipeline.nowcast;

import io.ctrstream.contract.ResultRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * An unbiased CTR for a window whose clicks are not all in yet (delayed-feedback correction, after
 * Chapelle, "Modeling Delayed Feedback in Display Advertising", KDD 2014). At event time {@code t}
 * a window's impression {@code i} has had only the share {@code F(t − tsᵢ)} of its eventual clicks,
 * {@code F} being the click delay distribution ({@link ClickDelayModels}). So
 *
 * <pre>
 *   effective impressions  n_eff = Σᵢ F(t − tsᵢ)       (from {@link ImpressionTimes})
 *   ctr_nowcast            = clicks so far / n_eff
 *   interval               = Wilson 95 % on clicks so far of n_eff trials ({@link WilsonInterval})
 *   clicks_seen_fraction   = n_eff / impressions       (share of the expected clicks already in)
 * </pre>
 *
 * Without a distribution, or with {@code n_eff = 0}, there is no estimate ({@link
 * NowcastBasis#NONE}): the nowcast is the raw CTR, without interval or fraction. Panes by which
 * every on-time click is in ({@code ON_TIME} and later) are {@link #complete}: the raw CTR, its
 * Wilson interval on the impressions, fraction 1.
 *
 * @param ctr the nowcast
 * @param lower the interval's lower bound, or null
 * @param upper the interval's upper bound, or null
 * @param clicksSeenFraction {@code n_eff / impressions}, or null
 * @param basis what it rests on
 */
public record Nowcast(
    double ctr, Double lower, Double upper, Double clicksSeenFraction, NowcastBasis basis) {

  /**
   * The nowcast of a window's pane.
   *
   * @param impressions the pane's impressions
   * @param clicks the pane's clicks
   * @param times when in the window its impressions came
   * @param t the pane's event time, epoch ms
   * @param model the delay distribution chosen for the pane's campaign at {@code t}
   */
  public static Nowcast estimate(
      long impressions, long clicks, ImpressionTimes times, long t, ClickDelayModels.Choice model) {
    double raw = impressions <= 0 ? 0 : (double) clicks / impressions;
    if (model.cdf() == null || impressions <= 0) {
      return new Nowcast(raw, null, null, null, NowcastBasis.NONE);
    }
    double effective = times.expectedSeen(model.cdf(), t);
    if (effective <= 0) {
      return new Nowcast(raw, null, null, null, NowcastBasis.NONE);
    }
    WilsonInterval interval = WilsonInterval.of95(Math.max(0, clicks), effective);
    return new Nowcast(
        clicks / effective,
        interval.lower(),
        interval.upper(),
        Math.min(1, effective / impressions),
        model.basis());
  }

  /** The nowcast of an {@code ON_TIME} or later pane: the raw CTR. */
  public static Nowcast complete(long impressions, long clicks) {
    if (impressions <= 0) {
      return new Nowcast(0, null, null, null, NowcastBasis.COMPLETE);
    }
    WilsonInterval interval = WilsonInterval.of95(Math.max(0, clicks), impressions);
    return new Nowcast(
        (double) clicks / impressions,
        interval.lower(),
        interval.upper(),
        1.0,
        NowcastBasis.COMPLETE);
  }

  /** The nowcast as one result's nowcast fields ({@link ResultRecord.NowcastFields}). */
  public ResultRecord.NowcastFields toFields() {
    return new ResultRecord.NowcastFields(ctr, lower, upper, clicksSeenFraction, basis.name());
  }

  /** The CTR as a double, the three optional doubles each after a presence flag, the basis. */
  public static final class NowcastCoder extends AtomicCoder<Nowcast> {
    private static final NowcastCoder INSTANCE = new NowcastCoder();
    private static final DoubleCoder DOUBLE = DoubleCoder.of();
    private static final NullableCoder<Double> OPTIONAL = NullableCoder.of(DoubleCoder.of());

    /** The coder (stateless: one instance). */
    public static NowcastCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Nowcast value, OutputStream out) throws IOException {
      DOUBLE.encode(value.ctr, out);
      OPTIONAL.encode(value.lower, out);
      OPTIONAL.encode(value.upper, out);
      OPTIONAL.encode(value.clicksSeenFraction, out);
      VarIntCoder.of().encode(value.basis.ordinal(), out);
    }

    @Override
    public Nowcast decode(InputStream in) throws IOException {
      double ctr = DOUBLE.decode(in);
      Double lower = OPTIONAL.decode(in);
      Double upper = OPTIONAL.decode(in);
      Double seen = OPTIONAL.decode(in);
      int basis = VarIntCoder.of().decode(in);
      if (basis < 0 || basis >= NowcastBasis.values().length) {
        throw new CoderException("corrupt nowcast: basis " + basis);
      }
      return new Nowcast(ctr, lower, upper, seen, NowcastBasis.values()[basis]);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
