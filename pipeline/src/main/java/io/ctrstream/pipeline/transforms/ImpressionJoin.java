package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.UnattributedClick;
import io.ctrstream.pipeline.transforms.JoinState.KnownClick;
import java.io.Serializable;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.beam.sdk.metrics.Counter;

/**
 * The join's rules for one {@code impr_id}, applied to its {@link JoinState}, whatever the order in
 * which its events come: deduplication of both streams, attribution, and the verdict on each
 * unattributed click. Used by the streaming join ({@link JoinClicksToImpressionsFn}, which adds the
 * event-time machinery) and by the bounded one ({@link JoinBoundedInputFn}); one set of rules, so
 * files and streams give the same counts.
 *
 * <ul>
 *   <li><b>Impressions.</b> The earliest copy wins ({@link Impression#compareCopies}). The first
 *       copy emits {@code (+1, attributed clicks)}; a copy that wins later emits {@code (-1, -c)}
 *       for the old copy and {@code (+1, c')} for itself (it may move the impression to another
 *       window or campaign).
 *   <li><b>Clicks.</b> The earliest copy of each {@code click_id} counts. A click is attributed iff
 *       {@link JoinTiming#attributes}; each change of the number of attributed clicks emits {@code
 *       (0, ±n)}. Clicks that come before their impression wait for it in the state.
 *   <li><b>Unattributed clicks</b> are reported once each, with the reason, by {@link #report}. If
 *       a late impression claims one afterwards it is counted, and {@code
 *       unattributed_clicks_claimed_late} says so.
 * </ul>
 */
final class ImpressionJoin implements Serializable {
  /** Where the join's results go. */
  interface Output {
    /** A signed count change of {@code impression}, to be stamped with its {@code ts}. */
    void change(Impression impression, CountChange change);

    /**
     * An attributed click of {@code impression} at {@code clickTs} (epoch ms) counted ({@code
     * count} 1) or no longer counted ({@code -1}): what the click delay model learns from
     * (docs/nowcast.md). Ignored by default.
     */
    default void clickDelay(Impression impression, long clickTs, int count) {}

    /** A click that counts in no CTR, to be stamped with its {@code ts}. */
    void unattributed(UnattributedClick click);
  }

  private final JoinTiming timing;
  private transient SharedStrings strings;
  private final Counter impressionsCounted = CtrMetrics.counter("impressions_counted");
  private final Counter clicksAttributed = CtrMetrics.counter("clicks_attributed");
  private final Counter clicksUnattributed = CtrMetrics.counter("clicks_unattributed");
  private final Counter claimedLate = CtrMetrics.counter("unattributed_clicks_claimed_late");
  private final Counter conflictingCopies = CtrMetrics.counter("impression_copies_conflicting");

  ImpressionJoin(JoinTiming timing) {
    this.timing = timing;
  }

  /**
   * Takes an impression or a click copy of {@code state}'s {@code impr_id}; true if the state
   * changed.
   */
  boolean take(JoinState state, ParsedRecord event, Output out) {
    return event.impression() != null
        ? impression(state, event.impression(), out)
        : click(state, event.click(), out);
  }

  private boolean impression(JoinState state, Impression copy, Output out) {
    Impression old = state.impression;
    if (old != null && Impression.compareCopies(copy, old) >= 0) {
      if (!copy.equals(old)) {
        conflictingCopies.inc();
      }
      return false;
    }
    if (old != null) {
      out.change(old, new CountChange(-1, -state.countedClicks, old.ts()));
      for (KnownClick c : state.clicks) {
        if (timing.attributes(old.ts(), c.ts)) {
          out.clickDelay(old, c.ts, -1);
        }
      }
      impressionsCounted.dec();
      clicksAttributed.dec(state.countedClicks);
      conflictingCopies.inc();
    }
    state.impression = kept(state.imprId, copy);
    int attributed = attributedClicks(state);
    long newest = copy.ts();
    for (KnownClick c : state.clicks) {
      if (timing.attributes(copy.ts(), c.ts)) {
        newest = Math.max(newest, c.ts);
        out.clickDelay(state.impression, c.ts, 1);
        if (c.reported) {
          claimedLate.inc();
        }
      }
    }
    out.change(state.impression, new CountChange(1, attributed, newest));
    impressionsCounted.inc();
    clicksAttributed.inc(attributed);
    state.countedClicks = attributed;
    return true;
  }

  /**
   * The copy as the state keeps it: the state's own {@code impr_id} string, and the campaign, the
   * user if kept and the dimensions as {@link SharedStrings}. Equal to {@code copy}, with less heap
   * per live impression: the strings many impressions share are held once.
   */
  private Impression kept(String imprId, Impression copy) {
    if (strings == null) {
      strings = new SharedStrings();
    }
    SortedMap<String, String> dimensions = copy.dimensions(); // the shared empty map, mostly
    if (!dimensions.isEmpty()) {
      dimensions = new TreeMap<>();
      for (Map.Entry<String, String> d : copy.dimensions().entrySet()) {
        dimensions.put(strings.of(d.getKey()), strings.of(d.getValue()));
      }
    }
    String user = copy.userId().isEmpty() ? "" : copy.userId();
    return new Impression(imprId, user, strings.of(copy.campaignId()), copy.ts(), dimensions);
  }

  private boolean click(JoinState state, Click copy, Output out) {
    KnownClick known = state.click(copy.clickId());
    if (known != null && Click.COPY_ORDER.compare(copy, known.toClick(state.imprId)) >= 0) {
      return false;
    }
    if (known != null) {
      state.clicks.remove(known);
    }
    state.addClick(
        new KnownClick(copy.clickId(), copy.userId(), copy.ts(), known != null && known.reported));
    if (state.impression != null) {
      long impressionTs = state.impression.ts();
      if (known != null && timing.attributes(impressionTs, known.ts)) {
        out.clickDelay(state.impression, known.ts, -1);
      }
      if (timing.attributes(impressionTs, copy.ts())) {
        out.clickDelay(state.impression, copy.ts(), 1);
      }
      int attributed = attributedClicks(state);
      if (attributed != state.countedClicks) {
        out.change(
            state.impression, new CountChange(0, attributed - state.countedClicks, copy.ts()));
        clicksAttributed.inc(attributed - state.countedClicks);
        state.countedClicks = attributed;
      }
    }
    return true;
  }

  /** The newest {@code ts} among {@code state}'s impression and its attributed clicks. */
  long newestCounted(JoinState state) {
    long newest = state.impression.ts();
    for (KnownClick c : state.clicks) {
      if (timing.attributes(state.impression.ts(), c.ts)) {
        newest = Math.max(newest, c.ts);
      }
    }
    return newest;
  }

  private int attributedClicks(JoinState state) {
    int n = 0;
    for (KnownClick c : state.clicks) {
      if (timing.attributes(state.impression.ts(), c.ts)) {
        n++;
      }
    }
    return n;
  }

  /** Why {@code click} is not attributed, or {@code null} if it is. */
  UnattributedClick.Reason verdict(JoinState state, KnownClick click) {
    if (state.impression == null) {
      return UnattributedClick.Reason.NO_IMPRESSION;
    }
    if (timing.attributes(state.impression.ts(), click.ts)) {
      return null;
    }
    return click.ts < state.impression.ts()
        ? UnattributedClick.Reason.BEFORE_IMPRESSION
        : UnattributedClick.Reason.OUTSIDE_ATTRIBUTION_WINDOW;
  }

  /**
   * Reports the unattributed clicks whose verdict is due ({@link JoinTiming#reportAt}) by {@code
   * watermarkPassed} (epoch ms; {@code Long.MAX_VALUE} once the input is complete); true if any.
   */
  boolean report(JoinState state, long watermarkPassed, Output out) {
    boolean any = false;
    for (KnownClick c : state.clicks) {
      if (c.reported || timing.reportAt(c.ts) > watermarkPassed) {
        continue;
      }
      UnattributedClick.Reason reason = verdict(state, c);
      if (reason != null) {
        Long impressionTs = state.impression == null ? null : state.impression.ts();
        out.unattributed(new UnattributedClick(c.toClick(state.imprId), reason, impressionTs));
        clicksUnattributed.inc();
        c.reported = true;
        any = true;
      }
    }
    return any;
  }

  /**
   * When the state is dropped: see {@link JoinTiming#impressionExpiry} and {@link
   * JoinTiming#clicksExpiry}.
   */
  long expiry(JoinState state) {
    if (state.impression != null) {
      return timing.impressionExpiry(state.impression.ts());
    }
    long latest = Long.MIN_VALUE;
    for (KnownClick c : state.clicks) {
      latest = Math.max(latest, c.ts);
    }
    return timing.clicksExpiry(latest);
  }
}
