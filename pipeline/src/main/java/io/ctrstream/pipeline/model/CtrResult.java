package io.ctrstream.pipeline.model;

import io.ctrstream.contract.ResultRecord;
import io.ctrstream.pipeline.nowcast.Nowcast;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * The CTR of one key (a campaign) in one fixed event-time window, as of one pane.
 *
 * <p>{@code ctr = clicks / impressions}: distinct attributed clicks over distinct impressions whose
 * {@code ts} falls in {@code [windowStart, windowEnd)}; unclicked impressions count.
 *
 * @param dimension what the key is, e.g. {@code campaign}
 * @param key the key's value, e.g. the campaign id
 * @param windowStart window start, epoch milliseconds, inclusive
 * @param windowEnd window end, epoch milliseconds, exclusive
 * @param counts impressions and clicks so far (panes accumulate)
 * @param timing EARLY (speculative), ON_TIME (watermark passed the window) or LATE (revised by late
 *     data)
 * @param paneIndex 0 for the window's first pane, then 1, 2, …
 * @param isFinal whether no further pane will follow for this window
 * @param nowcast the pane's nowcast (docs/nowcast.md); null where not computed: every result of the
 *     windows ({@code CtrGraph.Outputs#results}), set on the results published
 */
@DefaultCoder(CtrResult.CtrResultCoder.class)
public record CtrResult(
    String dimension,
    String key,
    long windowStart,
    long windowEnd,
    CtrCounts counts,
    Timing timing,
    long paneIndex,
    boolean isFinal,
    Nowcast nowcast) {

  /** A result without nowcast. */
  public CtrResult(
      String dimension,
      String key,
      long windowStart,
      long windowEnd,
      CtrCounts counts,
      Timing timing,
      long paneIndex,
      boolean isFinal) {
    this(dimension, key, windowStart, windowEnd, counts, timing, paneIndex, isFinal, null);
  }

  /** This result with {@code nowcast}. */
  public CtrResult withNowcast(Nowcast nowcast) {
    return new CtrResult(
        dimension, key, windowStart, windowEnd, counts, timing, paneIndex, isFinal, nowcast);
  }

  /** The dimension name of per-campaign results. */
  public static final String CAMPAIGN = ResultRecord.CAMPAIGN;

  /** This pane as it is stored and read ({@link ResultRecord}), without write times. */
  public ResultRecord toRecord() {
    return new ResultRecord(
        dimension,
        key,
        windowStart,
        windowEnd,
        impressions(),
        clicks(),
        ctr(),
        timing.name(),
        paneIndex,
        isFinal,
        null,
        null,
        nowcast == null ? null : nowcast.toFields());
  }

  public long impressions() {
    return counts.impressions();
  }

  public long clicks() {
    return counts.clicks();
  }

  /** {@code clicks / impressions}, or 0 when there are no impressions. */
  public double ctr() {
    return counts.ctr();
  }

  /** Whether the watermark has passed the window: the pane is ON_TIME or LATE. */
  public boolean isComplete() {
    return timing != Timing.EARLY;
  }

  /**
   * Compact deterministic coder of results without nowcast, as every result was encoded before the
   * nowcast (so that a savepoint's results, kept by {@code TrackLatestAndPrevious}, decode as they
   * were); refuses a result with a nowcast. {@link WithNowcastCoder} is the coder of the results
   * published.
   */
  public static final class CtrResultCoder extends AtomicCoder<CtrResult> {
    private static final CtrResultCoder INSTANCE = new CtrResultCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();

    public static CtrResultCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(CtrResult.class), INSTANCE);
    }

    @Override
    public void encode(CtrResult value, OutputStream out) throws IOException {
      if (value.nowcast != null) {
        throw new CoderException("a result with a nowcast needs CtrResult.WithNowcastCoder");
      }
      encodeCounts(value, out);
    }

    static void encodeCounts(CtrResult value, OutputStream out) throws IOException {
      STRING.encode(value.dimension, out);
      STRING.encode(value.key, out);
      LONG.encode(value.windowStart, out);
      LONG.encode(value.windowEnd, out);
      CtrCounts.CtrCountsCoder.of().encode(value.counts, out);
      STRING.encode(value.timing.name(), out);
      LONG.encode(value.paneIndex, out);
      BooleanCoder.of().encode(value.isFinal, out);
    }

    @Override
    public CtrResult decode(InputStream in) throws IOException {
      return new CtrResult(
          STRING.decode(in),
          STRING.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          CtrCounts.CtrCountsCoder.of().decode(in),
          Timing.valueOf(STRING.decode(in)),
          LONG.decode(in),
          BooleanCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** {@link CtrResultCoder}'s fields, then the nowcast or its absence. */
  public static final class WithNowcastCoder extends AtomicCoder<CtrResult> {
    private static final WithNowcastCoder INSTANCE = new WithNowcastCoder();
    private static final NullableCoder<Nowcast> NOWCAST =
        NullableCoder.of(Nowcast.NowcastCoder.of());

    public static WithNowcastCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(CtrResult value, OutputStream out) throws IOException {
      CtrResultCoder.encodeCounts(value, out);
      NOWCAST.encode(value.nowcast, out);
    }

    @Override
    public CtrResult decode(InputStream in) throws IOException {
      return CtrResultCoder.INSTANCE.decode(in).withNowcast(NOWCAST.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
