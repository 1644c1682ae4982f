package io.ctrstream.pipeline.model;

import io.ctrstream.contract.AlertRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A statistically significant change of one key's CTR in one complete window against its baseline,
 * or a correction of such a verdict after a late pane.
 *
 * @param dimension {@code campaign} or a breakdown's name
 * @param key the campaign id or breakdown value
 * @param windowStart the window's start, epoch ms
 * @param windowEnd the window's end, epoch ms
 * @param kind SPIKE (CTR up) or DROP (CTR down)
 * @param severity WARNING or CRITICAL; NONE for a RETRACTED alert
 * @param status RAISED (first verdict), CORRECTED (a late pane changed kind or severity) or
 *     RETRACTED (a late pane made the change insignificant)
 * @param baseline what the window was compared with: PREVIOUS or EWMA
 * @param impressions the window's impressions
 * @param clicks the window's attributed clicks
 * @param baselineImpressions the baseline's impressions (an EWMA is fractional)
 * @param baselineClicks the baseline's clicks
 * @param z the two-proportion z statistic (positive: CTR above the baseline)
 * @param pValue two-sided p-value of {@code z}
 * @param relativeChange {@code (ctr - baselineCtr) / baselineCtr}, a fraction; NaN if the baseline
 *     CTR is 0
 */
@DefaultCoder(Alert.AlertCoder.class)
public record Alert(
    String dimension,
    String key,
    long windowStart,
    long windowEnd,
    Kind kind,
    Severity severity,
    Status status,
    String baseline,
    long impressions,
    long clicks,
    double baselineImpressions,
    double baselineClicks,
    double z,
    double pValue,
    double relativeChange) {

  /** Direction of the change. */
  public enum Kind {
    SPIKE,
    DROP
  }

  /** How strong the change is; NONE for a retraction. */
  public enum Severity {
    NONE,
    WARNING,
    CRITICAL
  }

  /** First verdict, changed verdict, or withdrawn verdict. */
  public enum Status {
    RAISED,
    CORRECTED,
    RETRACTED
  }

  public double ctr() {
    return impressions == 0 ? 0 : (double) clicks / impressions;
  }

  public double baselineCtr() {
    return baselineImpressions == 0 ? 0 : baselineClicks / baselineImpressions;
  }

  /** This alert as it is stored and read ({@link AlertRecord}). */
  public AlertRecord toRecord() {
    return new AlertRecord(
        dimension,
        key,
        windowStart,
        windowEnd,
        kind.name(),
        severity.name(),
        status.name(),
        baseline,
        impressions,
        clicks,
        ctr(),
        baselineImpressions,
        baselineClicks,
        baselineCtr(),
        z,
        pValue,
        relativeChange);
  }

  /** Identifies the alerted window: {@code dimension:key:windowStart}. */
  public String windowId() {
    return dimension + ":" + key + ":" + windowStart;
  }

  /** Field by field, enums by name. */
  public static final class AlertCoder extends AtomicCoder<Alert> {
    private static final AlertCoder INSTANCE = new AlertCoder();
    private static final StringUtf8Coder S = StringUtf8Coder.of();
    private static final VarLongCoder L = VarLongCoder.of();
    private static final DoubleCoder D = DoubleCoder.of();

    public static AlertCoder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(Alert.class), INSTANCE);
    }

    @Override
    public void encode(Alert a, OutputStream out) throws IOException {
      S.encode(a.dimension, out);
      S.encode(a.key, out);
      L.encode(a.windowStart, out);
      L.encode(a.windowEnd, out);
      S.encode(a.kind.name(), out);
      S.encode(a.severity.name(), out);
      S.encode(a.status.name(), out);
      S.encode(a.baseline, out);
      L.encode(a.impressions, out);
      L.encode(a.clicks, out);
      D.encode(a.baselineImpressions, out);
      D.encode(a.baselineClicks, out);
      D.encode(a.z, out);
      D.encode(a.pValue, out);
      D.encode(a.relativeChange, out);
    }

    @Override
    public Alert decode(InputStream in) throws IOException {
      return new Alert(
          S.decode(in),
          S.decode(in),
          L.decode(in),
          L.decode(in),
          Kind.valueOf(S.decode(in)),
          Severity.valueOf(S.decode(in)),
          Status.valueOf(S.decode(in)),
          S.decode(in),
          L.decode(in),
          L.decode(in),
          D.decode(in),
          D.decode(in),
          D.decode(in),
          D.decode(in),
          D.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
