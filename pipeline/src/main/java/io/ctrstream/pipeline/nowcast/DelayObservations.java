package io.ctrstream.pipeline.nowcast;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.joda.time.Duration;

/**
 * Attributed clicks counted or taken back by the join, summed as a {@link ClickDelayModel} bins
 * them (per campaign, impression-time cohort and delay bin), so that one bundle's clicks reach the
 * delay model as one element ({@link SumDelaysPerBundle}). Built once, then read only.
 */
public final class DelayObservations {
  /** campaign → cohort → clicks per delay bin. */
  private final Map<String, Map<Long, long[]>> counts;

  /** campaign → its newest click's ts, epoch ms. */
  private final Map<String, Long> newestClickTs;

  private DelayObservations(Map<String, Map<Long, long[]>> counts, Map<String, Long> newest) {
    this.counts = counts;
    this.newestClickTs = newest;
  }

  /** The campaigns observed. */
  public Iterable<String> campaigns() {
    return counts.keySet();
  }

  /** Adds {@code campaign}'s observations to {@code model} (of the same attribution window). */
  public void addTo(ClickDelayModel model, String campaign) {
    model.observe(counts.get(campaign), newestClickTs.get(campaign));
  }

  /** Adds every campaign's observations to {@code model}: the pooled distribution. */
  public void addAllTo(ClickDelayModel model) {
    for (String campaign : counts.keySet()) {
      addTo(model, campaign);
    }
  }

  /** Sums observations for one attribution window. */
  public static final class Builder {
    private final DelayBins bins;
    private final long cohortMillis;
    private final Map<String, Map<Long, long[]>> counts = new HashMap<>();
    private final Map<String, Long> newest = new HashMap<>();

    /**
     * @param attributionWindow the attribution window of the {@link ClickDelayModel}s the sums are
     *     for (it sets the bins and the cohorts)
     */
    public Builder(Duration attributionWindow) {
      this.bins = new DelayBins(attributionWindow);
      this.cohortMillis = ClickDelayModel.cohortMillis(attributionWindow);
    }

    /**
     * Adds {@code count} clicks at {@code clickTs} on an impression of {@code campaign} at {@code
     * impressionTs} (epoch ms).
     *
     * @throws IllegalArgumentException if the delay is not within the attribution window
     */
    public Builder add(String campaign, long impressionTs, long clickTs, long count) {
      int bin = bins.binOf(clickTs - impressionTs);
      counts.computeIfAbsent(campaign, c -> new TreeMap<>())
              .computeIfAbsent(
                  Math.floorDiv(impressionTs, cohortMillis), c -> new long[bins.size()])[bin] +=
          count;
      newest.merge(campaign, clickTs, Math::max);
      return this;
    }

    /** Whether nothing has been added. */
    public boolean isEmpty() {
      return counts.isEmpty();
    }

    /** The sums so far; the builder is not to be used afterwards. */
    public DelayObservations build() {
      return new DelayObservations(counts, newest);
    }
  }

  /** Per campaign: its name, newest click, cohorts, and each cohort's non-zero bins. */
  public static final class DelayObservationsCoder extends AtomicCoder<DelayObservations> {
    private static final DelayObservationsCoder INSTANCE = new DelayObservationsCoder();
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final VarIntCoder INT = VarIntCoder.of();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    /** The coder (stateless: one instance). */
    public static DelayObservationsCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(DelayObservations value, OutputStream out) throws IOException {
      INT.encode(value.counts.size(), out);
      for (Map.Entry<String, Map<Long, long[]>> c : value.counts.entrySet()) {
        STRING.encode(c.getKey(), out);
        LONG.encode(value.newestClickTs.get(c.getKey()), out);
        INT.encode(c.getValue().size(), out);
        for (Map.Entry<Long, long[]> cohort : c.getValue().entrySet()) {
          LONG.encode(cohort.getKey(), out);
          long[] bins = cohort.getValue();
          INT.encode(bins.length, out);
          for (long n : bins) {
            LONG.encode(n, out);
          }
        }
      }
    }

    @Override
    public DelayObservations decode(InputStream in) throws IOException {
      int campaigns = INT.decode(in);
      Map<String, Map<Long, long[]>> counts = new HashMap<>();
      Map<String, Long> newest = new HashMap<>();
      for (int i = 0; i < campaigns; i++) {
        String campaign = STRING.decode(in);
        newest.put(campaign, LONG.decode(in));
        int cohorts = INT.decode(in);
        Map<Long, long[]> byCohort = new TreeMap<>();
        for (int k = 0; k < cohorts; k++) {
          long cohort = LONG.decode(in);
          int size = INT.decode(in);
          if (size < 0 || size > 1_000) {
            throw new CoderException("corrupt delay observations: " + size + " bins");
          }
          long[] bins = new long[size];
          for (int b = 0; b < size; b++) {
            bins[b] = LONG.decode(in);
          }
          byCohort.put(cohort, bins);
        }
        counts.put(campaign, byCohort);
      }
      return new DelayObservations(counts, newest);
    }
  }
}
