package io.ctrstream.pipeline.nowcast;

import io.ctrstream.pipeline.options.EventTimeConfig;
import java.util.HashMap;
import java.util.Map;
import org.joda.time.Duration;

/**
 * The click delay distributions a {@link Nowcast} uses: one per campaign and one of all campaigns
 * pooled, each a {@link ClickDelayModel}. A pane of campaign {@code c} at event time {@code t} uses
 * {@code c}'s own distribution if it rests on at least {@link #CAMPAIGN_MIN_CLICKS} clicks at
 * {@code t} (clicks of impressions older than the attribution window, whose every click is in),
 * else the pooled one if that rests on at least {@link #POOLED_MIN_CLICKS}, else none ({@link
 * NowcastBasis#NONE}). A campaign idle for {@link EventTimeConfig#DEFAULT_IDLE_KEY_RETENTION} loses
 * its own ({@link #idle}), so that the models of ended campaigns do not pile up. Not thread-safe.
 */
public final class ClickDelayModels {
  /** Clicks a campaign's own distribution needs before it is used. */
  public static final long CAMPAIGN_MIN_CLICKS = 200;

  /** Clicks the pooled distribution needs before it is used. */
  public static final long POOLED_MIN_CLICKS = 50;

  /**
   * Whether a campaign's {@code model} is to be dropped when the newest click of any campaign is at
   * {@code newestTs} (epoch ms): its newest click is more than {@code retention} older (the
   * idle-key retention, {@code --idleKeyRetention}). If the campaign comes back it uses the pooled
   * distribution until it has {@link #CAMPAIGN_MIN_CLICKS} again.
   */
  public static boolean idle(ClickDelayModel model, long newestTs, Duration retention) {
    return model.newestClickTs() < newestTs - retention.getMillis();
  }

  /** How often (event time of the newest click) idle campaigns' models are looked for. */
  public static final Duration IDLE_SWEEP_EVERY = Duration.standardHours(1);

  /**
   * Whether idle models are to be looked for now, the newest click being at {@code newestTs} and
   * the last look at {@code lastSweepTs} (epoch ms; null: never): once there is a click, at the
   * first one and then every {@link #IDLE_SWEEP_EVERY}. The caller that looks records {@code
   * newestTs} as the last look.
   */
  public static boolean sweepDue(Long lastSweepTs, long newestTs) {
    return newestTs != Long.MIN_VALUE
        && (lastSweepTs == null || newestTs - lastSweepTs >= IDLE_SWEEP_EVERY.getMillis());
  }

  private final Duration attributionWindow;
  private final Map<String, ClickDelayModel> byCampaign = new HashMap<>();
  private final ClickDelayModel pooled;
  private Long lastSweepTs;

  /**
   * @param attributionWindow the longest delay of an attributed click
   */
  public ClickDelayModels(Duration attributionWindow) {
    this.attributionWindow = attributionWindow;
    this.pooled = new ClickDelayModel(attributionWindow);
  }

  /**
   * Observes {@code count} attributed clicks (negative: takes them back) of an impression of {@code
   * campaign}; times in epoch ms.
   *
   * @throws IllegalArgumentException if the delay is not within {@code [0, attributionWindow]}
   */
  public void observe(String campaign, long impressionTs, long clickTs, long count) {
    byCampaign
        .computeIfAbsent(campaign, c -> new ClickDelayModel(attributionWindow))
        .observe(impressionTs, clickTs, count);
    pooled.observe(impressionTs, clickTs, count);
    long newest = pooled.newestClickTs();
    if (sweepDue(lastSweepTs, newest)) {
      byCampaign
          .values()
          .removeIf(m -> idle(m, newest, EventTimeConfig.DEFAULT_IDLE_KEY_RETENTION));
      lastSweepTs = newest;
    }
  }

  /** The campaigns with a model of their own. */
  int campaigns() {
    return byCampaign.size();
  }

  /**
   * The distribution a pane of {@code campaign} (null: a result of no single campaign) at event
   * time {@code t} (epoch ms) uses.
   */
  public Choice cdfFor(String campaign, long t) {
    return choose(campaign == null ? null : byCampaign.get(campaign), pooled, t);
  }

  /**
   * The rule of this class: {@code own}'s distribution at {@code t} if it rests on at least {@link
   * #CAMPAIGN_MIN_CLICKS}, else {@code pooled}'s if it rests on at least {@link
   * #POOLED_MIN_CLICKS}, else none. Either model may be null (none yet).
   */
  public static Choice choose(ClickDelayModel own, ClickDelayModel pooled, long t) {
    if (own != null) {
      ClickDelayModel.Estimate e = own.cdfAt(t);
      if (e.cdf() != null && e.clicks() >= CAMPAIGN_MIN_CLICKS) {
        return new Choice(e.cdf(), NowcastBasis.CAMPAIGN, e.clicks());
      }
    }
    ClickDelayModel.Estimate e =
        pooled == null ? new ClickDelayModel.Estimate(null, 0) : pooled.cdfAt(t);
    if (e.cdf() != null && e.clicks() >= POOLED_MIN_CLICKS) {
      return new Choice(e.cdf(), NowcastBasis.POOLED, e.clicks());
    }
    return new Choice(null, NowcastBasis.NONE, e.clicks());
  }

  /**
   * A chosen distribution.
   *
   * @param cdf the distribution; null for {@link NowcastBasis#NONE}
   * @param basis whose distribution it is
   * @param clicks the clicks it rests on
   */
  public record Choice(DelayCdf cdf, NowcastBasis basis, long clicks) {}
}
