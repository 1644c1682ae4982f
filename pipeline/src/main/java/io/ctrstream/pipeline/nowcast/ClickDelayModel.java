package io.ctrstream.pipeline.nowcast;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
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
 * latest impression's clicks are all older than the newest click seen by an attribution window.
 * Memory is bounded by about 34 cohorts of {@link DelayBins#size()} counts, whatever the rate.
 *
 * <p>Counts are signed, so a click can be taken back (its impression moved to an earlier copy). Not
 * thread-safe; {@link #copy} gives an independent copy.
 */
public final class ClickDelayModel {
  private final DelayBins bins;
  private final long attributionMillis;
  private final long cohortMillis;

  /**
   * Clicks per delay bin of the cohorts folded so far: complete at any t the model is asked for.
   */
  private final long[] complete;

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
    this.cohortMillis = Math.max(1_000, attributionMillis / 16);
    this.complete = new long[bins.size()];
  }

  private ClickDelayModel(ClickDelayModel other) {
    this.bins = other.bins;
    this.attributionMillis = other.attributionMillis;
    this.cohortMillis = other.cohortMillis;
    this.complete = other.complete.clone();
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

  /** The delay bins. */
  public DelayBins bins() {
    return bins;
  }

  /** Number of cohorts kept apart (not yet folded). */
  int cohorts() {
    return cohorts.size();
  }

  /** Net number of clicks observed. */
  public long clicks() {
    return clicks;
  }

  /**
   * Observes {@code count} attributed clicks (negative: takes them back) of an impression.
   *
   * @param impressionTs the impression's {@code ts}, epoch ms
   * @param clickTs the click's {@code ts}, epoch ms
   * @throws IllegalArgumentException if the delay is not within {@code [0, attributionWindow]}
   */
  public void observe(long impressionTs, long clickTs, long count) {
    int bin = bins.binOf(clickTs - impressionTs);
    long cohort = Math.floorDiv(impressionTs, cohortMillis);
    if (isFoldable(cohort)) {
      complete[bin] += count; // an old cohort's click, seen late: its cohort is complete
    } else {
      cohorts.computeIfAbsent(cohort, c -> new long[bins.size()])[bin] += count;
    }
    clicks += count;
    if (clickTs > newestClickTs) {
      newestClickTs = clickTs;
      fold();
    }
  }

  private boolean isFoldable(long cohort) {
    long latestImpression = (cohort + 1) * cohortMillis - 1;
    return newestClickTs != Long.MIN_VALUE
        && latestImpression + attributionMillis <= newestClickTs - attributionMillis;
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
    addCounts(complete, size, n, m);
    for (Map.Entry<Long, long[]> e : cohorts.entrySet()) {
      long latestImpression = (e.getKey() + 1) * cohortMillis - 1;
      int completeBins = 0;
      while (completeBins < size && latestImpression + bins.edge(completeBins + 1) <= t) {
        completeBins++;
      }
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
}
