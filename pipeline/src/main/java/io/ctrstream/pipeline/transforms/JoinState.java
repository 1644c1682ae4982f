package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.Impression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * What the join remembers about one {@code impr_id}: one entry of its shard's map, read and written
 * once per element and per firing of the shard's timer that finds it due. Mutable, but only as a
 * {@link #copy} of what was read; {@link ImpressionJoin} owns its rules.
 *
 * <p>Encoded: the id, the winning copy trimmed to the fields the results need, each distinct click
 * as id, user and {@code ts}: a few dozen bytes of checkpointed state per impression, the id as the
 * map's key included (docs/performance.md has the current figure).
 */
final class JoinState {
  /** One distinct click: its earliest copy, and whether it was reported as unattributed. */
  static final class KnownClick {
    final String clickId;
    final String userId;
    final long ts;
    boolean reported;

    KnownClick(String clickId, String userId, long ts, boolean reported) {
      this.clickId = clickId;
      this.userId = userId;
      this.ts = ts;
      this.reported = reported;
    }

    Click toClick(String imprId) {
      return new Click(clickId, imprId, userId, ts);
    }
  }

  final String imprId;

  /** The winning impression copy (trimmed), or {@code null} while none has arrived. */
  Impression impression;

  /**
   * Distinct clicks by id, earliest copy each; an immutable empty list until the first (most have
   * none).
   */
  List<KnownClick> clicks;

  /** Attributed clicks as last emitted for {@link #impression} (what the CTR windows hold). */
  int countedClicks;

  /**
   * The latest time its shard's timer fired at while this {@code impr_id} was due (the watermark
   * has passed it), epoch ms; 0 if never.
   */
  long firedUpTo;

  /**
   * When this {@code impr_id} is next due (its shard's timer is set for this time or earlier),
   * epoch ms; 0 if not scheduled.
   */
  long timerAt;

  JoinState(String imprId) {
    this(imprId, null, List.of(), 0, 0, 0);
  }

  private JoinState(
      String imprId,
      Impression impression,
      List<KnownClick> clicks,
      int countedClicks,
      long firedUpTo,
      long timerAt) {
    this.imprId = imprId;
    this.impression = impression;
    this.clicks = clicks;
    this.countedClicks = countedClicks;
    this.firedUpTo = firedUpTo;
    this.timerAt = timerAt;
  }

  /**
   * A copy to change, the state read from the shard's map left as it was: with {@code --fasterCopy}
   * Flink's heap state backend hands out the very object an asynchronous snapshot in progress is
   * writing, so a state is never changed in place ({@link JoinClicksToImpressionsFn}). Shares only
   * what is immutable: the strings and the winning {@link Impression}.
   */
  JoinState copy() {
    List<KnownClick> copied = List.of();
    if (!clicks.isEmpty()) {
      copied = new ArrayList<>(Math.max(2, clicks.size()));
      for (KnownClick c : clicks) {
        copied.add(new KnownClick(c.clickId, c.userId, c.ts, c.reported));
      }
    }
    return new JoinState(imprId, impression, copied, countedClicks, firedUpTo, timerAt);
  }

  void addClick(KnownClick click) {
    if (clicks.isEmpty()) {
      clicks = new ArrayList<>(2);
    }
    clicks.add(click);
  }

  KnownClick click(String clickId) {
    for (KnownClick c : clicks) {
      if (c.clickId.equals(clickId)) {
        return c;
      }
    }
    return null;
  }

  /**
   * The explicit state coder: var-length strings and longs, no field names, the impression without
   * its id (the key). Deterministic.
   */
  static final class JoinStateCoder extends AtomicCoder<JoinState> {
    static final JoinStateCoder INSTANCE = new JoinStateCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final VarIntCoder INT = VarIntCoder.of();

    @Override
    public void encode(JoinState s, OutputStream out) throws IOException {
      STRING.encode(s.imprId, out);
      Impression i = s.impression;
      out.write(i == null ? 0 : 1);
      if (i != null) {
        STRING.encode(i.userId(), out);
        STRING.encode(i.campaignId(), out);
        LONG.encode(i.ts(), out);
        INT.encode(i.dimensions().size(), out);
        for (Map.Entry<String, String> d : i.dimensions().entrySet()) {
          STRING.encode(d.getKey(), out);
          STRING.encode(d.getValue(), out);
        }
      }
      INT.encode(s.clicks.size(), out);
      for (KnownClick c : s.clicks) {
        STRING.encode(c.clickId, out);
        STRING.encode(c.userId, out);
        LONG.encode(c.ts, out);
        out.write(c.reported ? 1 : 0);
      }
      INT.encode(s.countedClicks, out);
      LONG.encode(s.firedUpTo, out);
      LONG.encode(s.timerAt, out);
    }

    @Override
    public JoinState decode(InputStream in) throws IOException {
      String imprId = STRING.decode(in);
      Impression impression = null;
      if (in.read() == 1) {
        String userId = STRING.decode(in);
        String campaignId = STRING.decode(in);
        long ts = LONG.decode(in);
        int n = INT.decode(in);
        TreeMap<String, String> dimensions = new TreeMap<>();
        for (int k = 0; k < n; k++) {
          dimensions.put(STRING.decode(in), STRING.decode(in));
        }
        impression = new Impression(imprId, userId, campaignId, ts, dimensions);
      }
      int n = INT.decode(in);
      List<KnownClick> clicks = n == 0 ? List.of() : new ArrayList<>(Math.max(2, n));
      for (int k = 0; k < n; k++) {
        clicks.add(
            new KnownClick(STRING.decode(in), STRING.decode(in), LONG.decode(in), in.read() == 1));
      }
      int countedClicks = INT.decode(in);
      long firedUpTo = LONG.decode(in);
      long timerAt = LONG.decode(in);
      return new JoinState(imprId, impression, clicks, countedClicks, firedUpTo, timerAt);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
