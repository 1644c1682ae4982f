package io.ctrstream.pipeline.nowcast;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.joda.time.Duration;

/**
 * The click delay distribution {@code F} of one scope (a campaign, or all campaigns pooled),
 * learned online from the attributed clicks seen so far, each given as its impression's {@code ts}
 * and its own {@code ts} (epoch ms).
 *
 * <p><b>Why not the histogram of the delays seen.</b> At event time {@code t} a click with a long
 * delay on a recent impression has not happened yet, so the delays seen so far are right-truncated:
 * short delays are over-represented, the more so the faster traffic grows. {@link #cdfAt} corrects
 * for it with the reverse-time hazard estimator for right-truncated data (Lynden-Bell 1971;
 * Lagakos, Barraj and De Gruttola 1988, "Nonparametric analysis of truncated survival data, with
 * application to AIDS", Biometrika 75(3)), on {@link DelayBins}:
 *
 * <pre>
 *   F(edge(B)) = 1 (B = number of bins; the last edge is the attribution window)
 *   F(edge(j)) = F(edge(j + 1)) · (1 − n_j / m_j)
 *   n_j = clicks with delay in bin j,
 *   m_j = clicks with delay ≤ edge(j + 1),
 *   both counted over the impressions old enough at t for every such click to have happened:
 *   impression ts + edge(j + 1) ≤ t
 * </pre>
 *
 * So {@code F} at {@code t} uses only clicks with {@code ts <= t}, whatever else has been seen:
 * never the future. To know each impression's age, clicks are kept in cohorts of impression time
 * ({@code attributionWindow / 16}, at least 1 s); a cohort is folded into one total once even its
 * latest impression's clicks are all older than the newest click seen by an attribution window. The
 * total counts for the bins its latest impression is old enough for at {@code t}, as a cohort does,
 * so a pane whose {@code t} lags far behind the newest click still uses nothing after it. Memory is
 * bounded by about 34 cohorts of {@link DelayBins#size()} counts, whatever the rate.
 *
 * <p>Counts are signed, so a click can be taken back (its impression moved to an earlier copy). Not
 * thread-safe; {@link #copy} gives an independent copy.
 */
public final class ClickDelayModel {
  private final DelayBins bins;
  private final long attributionMillis;
  private final long cohortMillis;

  /** Clicks per delay bin of the cohorts folded so far. */
  private final long[] complete;

  /** The latest impression time any folded cohort may hold ({@code Long.MIN_VALUE}: none). */
  private long foldedUpTo = Long.MIN_VALUE;

  /** Impression-time cohort index → clicks per delay bin. */
  private final TreeMap<Long, long[]> cohorts = new TreeMap<>();

  private long newestClickTs = Long.MIN_VALUE;
  private long clicks;

  /**
   * @param attributionWindow the longest delay of an attributed click
   */
  public ClickDelayModel(Duration attributionWindow) {
    this.bins = new DelayBins(attributionWindow);
    this.attributionMillis = attributionWindow.getMillis();
    this.cohortMillis = cohortMillis(attributionWindow);
    this.complete = new long[bins.size()];
  }

  /** The impression-time cohorts' length in ms: {@code attributionWindow / 16}, at least 1 s. */
  static long cohortMillis(Duration attributionWindow) {
    return Math.max(1_000, attributionWindow.getMillis() / 16);
  }

  private ClickDelayModel(ClickDelayModel other) {
    this.bins = other.bins;
    this.attributionMillis = other.attributionMillis;
    this.cohortMillis = other.cohortMillis;
    this.complete = other.complete.clone();
    this.foldedUpTo = other.foldedUpTo;
    for (Map.Entry<Long, long[]> e : other.cohorts.entrySet()) {
      cohorts.put(e.getKey(), e.getValue().clone());
    }
    this.newestClickTs = other.newestClickTs;
    this.clicks = other.clicks;
  }

  /** An independent copy. */
  public ClickDelayModel copy() {
    return new ClickDelayModel(this);
  }

  /** Number of cohorts kept apart (not yet folded). */
  int cohorts() {
    return cohorts.size();
  }

  /** Net number of clicks observed. */
  public long clicks() {
    return clicks;
  }

  /** The newest click {@code ts} observed, epoch ms; {@code Long.MIN_VALUE} before any. */
  public long newestClickTs() {
    return newestClickTs;
  }

  /**
   * Observes {@code count} attributed clicks (negative: takes them back) of an impression.
   *
   * @param impressionTs the impression's {@code ts}, epoch ms
   * @param clickTs the click's {@code ts}, epoch ms
   * @throws IllegalArgumentException if the delay is not within {@code [0, attributionWindow]}
   */
  public void observe(long impressionTs, long clickTs, long count) {
    add(Math.floorDiv(impressionTs, cohortMillis), bins.binOf(clickTs - impressionTs), count);
    advanceTo(clickTs);
  }

  /**
   * Observes the clicks of {@link DelayObservations} for this model's scope: per impression-time
   * cohort, counts per delay bin; {@code newestClickTs} the newest click among them.
   */
  void observe(Map<Long, long[]> countsByCohort, long newestClickTs) {
    for (Map.Entry<Long, long[]> e : countsByCohort.entrySet()) {
      long[] counts = e.getValue();
      for (int bin = 0; bin < counts.length; bin++) {
        if (counts[bin] != 0) {
          add(e.getKey(), bin, counts[bin]);
        }
      }
    }
    advanceTo(newestClickTs);
  }

  private void add(long cohort, int bin, long count) {
    if (isFoldable(cohort)) {
      complete[bin] += count; // an old cohort's click, seen late
      foldedUpTo = Math.max(foldedUpTo, latestImpression(cohort));
    } else {
      cohorts.computeIfAbsent(cohort, c -> new long[bins.size()])[bin] += count;
    }
    clicks += count;
  }

  private void advanceTo(long clickTs) {
    if (clickTs > newestClickTs) {
      newestClickTs = clickTs;
      fold();
    }
  }

  private long latestImpression(long cohort) {
    return (cohort + 1) * cohortMillis - 1;
  }

  private boolean isFoldable(long cohort) {
    return newestClickTs != Long.MIN_VALUE
        && latestImpression(cohort) + attributionMillis <= newestClickTs - attributionMillis;
  }

  private void fold() {
    for (Iterator<Map.Entry<Long, long[]>> it = cohorts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, long[]> e = it.next();
      if (!isFoldable(e.getKey())) {
        return;
      }
      long[] counts = e.getValue();
      for (int j = 0; j < counts.length; j++) {
        complete[j] += counts[j];
      }
      foldedUpTo = Math.max(foldedUpTo, latestImpression(e.getKey()));
      it.remove();
    }
  }

  /**
   * {@code F} as known at event time {@code t} (epoch ms), with the number of clicks it rests on:
   * those of impressions older than the attribution window at {@code t}, whose every click is in.
   * {@code cdf} is null while that number is 0.
   */
  public Estimate cdfAt(long t) {
    int size = bins.size();
    double[] n = new double[size];
    double[] m = new double[size];
    if (foldedUpTo != Long.MIN_VALUE) {
      addCounts(complete, completeBins(foldedUpTo, t), n, m);
    }
    for (Map.Entry<Long, long[]> e : cohorts.entrySet()) {
      int completeBins = completeBins(latestImpression(e.getKey()), t);
      if (completeBins == 0) {
        break; // later cohorts are younger still
      }
      addCounts(e.getValue(), completeBins, n, m);
    }
    long basis = Math.round(m[size - 1]);
    if (basis <= 0) {
      return new Estimate(null, 0);
    }
    double[] f = new double[size + 1];
    f[size] = 1;
    for (int j = size - 1; j >= 0; j--) {
      double hazard = m[j] > 0 ? Math.min(1, Math.max(0, n[j] / m[j])) : 0;
      f[j] = f[j + 1] * (1 - hazard);
    }
    return new Estimate(new DelayCdf(bins, f), basis);
  }

  /**
   * How many of the first bins every click of impressions up to {@code latestImpression} has had
   * time for by {@code t}: bin {@code j} iff {@code latestImpression + edge(j + 1) <= t}.
   */
  private int completeBins(long latestImpression, long t) {
    int k = 0;
    while (k < bins.size() && latestImpression + bins.edge(k + 1) <= t) {
      k++;
    }
    return k;
  }

  /** Adds a cohort's counts of its first {@code upTo} bins to {@code n} and {@code m}. */
  private static void addCounts(long[] counts, int upTo, double[] n, double[] m) {
    long cumulative = 0;
    for (int j = 0; j < upTo; j++) {
      cumulative += counts[j];
      n[j] += counts[j];
      m[j] += cumulative;
    }
  }

  /**
   * {@code F} at some event time and what it rests on.
   *
   * @param cdf the distribution, or null if no click of a complete cohort has been seen
   * @param clicks the clicks of impressions older than the attribution window, all of whose clicks
   *     are in
   */
  public record Estimate(DelayCdf cdf, long clicks) {}

  /**
   * The attribution window, newest click, net clicks and the folded cohorts' latest impression,
   * then the folded counts and each cohort's counts, every count a var-long.
   */
  public static final class ClickDelayModelCoder extends AtomicCoder<ClickDelayModel> {
    private static final ClickDelayModelCoder INSTANCE = new ClickDelayModelCoder();
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final VarIntCoder INT = VarIntCoder.of();

    /** The coder (stateless: one instance). */
    public static ClickDelayModelCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ClickDelayModel value, OutputStream out) throws IOException {
      LONG.encode(value.attributionMillis, out);
      LONG.encode(value.newestClickTs, out);
      LONG.encode(value.clicks, out);
      LONG.encode(value.foldedUpTo, out);
      for (long n : value.complete) {
        LONG.encode(n, out);
      }
      INT.encode(value.cohorts.size(), out);
      for (Map.Entry<Long, long[]> e : value.cohorts.entrySet()) {
        LONG.encode(e.getKey(), out);
        for (long n : e.getValue()) {
          LONG.encode(n, out);
        }
      }
    }

    @Override
    public ClickDelayModel decode(InputStream in) throws IOException {
      ClickDelayModel m = new ClickDelayModel(Duration.millis(LONG.decode(in)));
      m.newestClickTs = LONG.decode(in);
      m.clicks = LONG.decode(in);
      m.foldedUpTo = LONG.decode(in);
      for (int j = 0; j < m.complete.length; j++) {
        m.complete[j] = LONG.decode(in);
      }
      int cohorts = INT.decode(in);
      if (cohorts < 0 || cohorts > 1_000_000) {
        throw new CoderException("corrupt click delay model: " + cohorts + " cohorts");
      }
      for (int i = 0; i < cohorts; i++) {
        long cohort = LONG.decode(in);
        long[] counts = new long[m.bins.size()];
        for (int j = 0; j < counts.length; j++) {
          counts[j] = LONG.decode(in);
        }
        m.cohorts.put(cohort, counts);
      }
      return m;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
