package io.ctrstream.producer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.producer.EventPublisher.Stream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * A seeded synthetic impression/click stream. Impressions come at a fixed rate of event time,
 * campaigns drawn from a Zipf distribution; each impression is clicked with its campaign's CTR
 * (base CTR times a per-campaign lognormal factor, times the phase factor of a {@link
 * PhaseScript}), after a lognormal click delay. Optional disorder, duplicates, malformed records
 * and orphan clicks, and the hard cases of a join: copies of an impression that disagree in {@code
 * ts} and campaign, clicks stamped before their impression (clock skew), and several clicks on one
 * impression. The same seed and settings give the same events, apart from the start time.
 */
final class SyntheticStream {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String[] DEVICES = {
    "mobile", "mobile", "mobile", "desktop", "desktop", "tablet"
  };
  private static final String[] REGIONS = {"eu", "eu", "us", "us", "us", "apac"};

  /** What to generate. Times in milliseconds. */
  record Settings(
      long seed,
      double impressionsPerSecond,
      int campaigns,
      double zipfExponent,
      double baseCtr,
      double clickDelayMedianMs,
      double clickDelaySigma,
      long clickDelayMaxMs,
      long jitterMs,
      double duplicateFraction,
      double malformedFraction,
      double orphanFraction,
      List<PhaseScript> phases,
      double lowFactor,
      double highFactor,
      double conflictingFraction,
      double skewedClickFraction,
      double repeatClickFraction,
      long campaignChurnMs,
      int sites) {

    /** Settings without campaign churn or sites. */
    Settings(
        long seed,
        double impressionsPerSecond,
        int campaigns,
        double zipfExponent,
        double baseCtr,
        double clickDelayMedianMs,
        double clickDelaySigma,
        long clickDelayMaxMs,
        long jitterMs,
        double duplicateFraction,
        double malformedFraction,
        double orphanFraction,
        List<PhaseScript> phases,
        double lowFactor,
        double highFactor,
        double conflictingFraction,
        double skewedClickFraction,
        double repeatClickFraction) {
      this(
          seed,
          impressionsPerSecond,
          campaigns,
          zipfExponent,
          baseCtr,
          clickDelayMedianMs,
          clickDelaySigma,
          clickDelayMaxMs,
          jitterMs,
          duplicateFraction,
          malformedFraction,
          orphanFraction,
          phases,
          lowFactor,
          highFactor,
          conflictingFraction,
          skewedClickFraction,
          repeatClickFraction,
          0,
          0);
    }

    /** Settings without disagreeing copies, skewed or repeated clicks. */
    Settings(
        long seed,
        double impressionsPerSecond,
        int campaigns,
        double zipfExponent,
        double baseCtr,
        double clickDelayMedianMs,
        double clickDelaySigma,
        long clickDelayMaxMs,
        long jitterMs,
        double duplicateFraction,
        double malformedFraction,
        double orphanFraction,
        List<PhaseScript> phases,
        double lowFactor,
        double highFactor) {
      this(
          seed,
          impressionsPerSecond,
          campaigns,
          zipfExponent,
          baseCtr,
          clickDelayMedianMs,
          clickDelaySigma,
          clickDelayMaxMs,
          jitterMs,
          duplicateFraction,
          malformedFraction,
          orphanFraction,
          phases,
          lowFactor,
          highFactor,
          0,
          0,
          0);
    }
  }

  /** How far a disagreeing copy's ts, or a skewed click's ts, may be from the true one. */
  static final long SKEW_MS = 2_000;

  /** One record to send. */
  record Event(Stream stream, String key, String json, long ts, boolean malformed) {}

  private record PendingClick(long ts, String clickId, String imprId, String userId) {}

  /** An event waiting to be sent at {@code sendAt}: its ts plus the out-of-order jitter. */
  private record Outgoing(long sendAt, long seq, Event event) {}

  private final Settings s;
  private final RandomGenerator random;
  private final ZipfDistribution campaignRank;
  private final LogNormalDistribution clickDelay;
  private final double[] campaignCtr;
  private final PriorityQueue<PendingClick> pending =
      new PriorityQueue<>((a, b) -> Long.compare(a.ts, b.ts));
  private final PriorityQueue<Outgoing> outbox =
      new PriorityQueue<>(
          (a, b) ->
              a.sendAt != b.sendAt ? Long.compare(a.sendAt, b.sendAt) : Long.compare(a.seq, b.seq));
  private final List<Event> ready = new ArrayList<>();
  private long seq;
  private final long startMillis;
  private long impressions;
  private long clicks;
  private int malformedKind;

  SyntheticStream(Settings settings, long startMillis) {
    this.s = settings;
    this.startMillis = startMillis;
    this.random = new Well19937c(settings.seed());
    this.campaignRank = new ZipfDistribution(random, settings.campaigns(), settings.zipfExponent());
    // lognormal with the given median: scale = ln(median)
    this.clickDelay =
        new LogNormalDistribution(
            random, Math.log(settings.clickDelayMedianMs()), settings.clickDelaySigma());
    LogNormalDistribution spread = new LogNormalDistribution(random, 0, 0.5);
    this.campaignCtr = new double[settings.campaigns() + 1];
    for (int c = 1; c <= settings.campaigns(); c++) {
      campaignCtr[c] = Math.min(0.9, settings.baseCtr() * spread.sample());
    }
  }

  static String campaignId(int rank) {
    return "c" + rank;
  }

  /** The CTR the stream gives a campaign in its current phase (before duplicates and orphans). */
  double ctrOf(String campaign, long eventMillis) {
    int rank = Integer.parseInt(campaign.substring(1));
    double ctr = campaignCtr[rank];
    for (PhaseScript p : s.phases()) {
      if (p.campaign.equals(campaign)) {
        String phase = p.phaseAt(Duration.ofMillis(eventMillis - startMillis));
        ctr *= phase.equals("low") ? s.lowFactor() : phase.equals("high") ? s.highFactor() : 1;
      }
    }
    return Math.min(ctr, 1.0);
  }

  /** Event time of the next impression. */
  long nextImpressionTs() {
    return startMillis + (long) (impressions * 1000 / s.impressionsPerSecond());
  }

  long impressions() {
    return impressions;
  }

  long clicks() {
    return clicks;
  }

  /**
   * Generates the next impression and returns the events due to be sent by its event time: clicks
   * whose delay has elapsed and the impression, each sent up to {@code jitterMs} after its ts (so
   * they arrive out of order), with copies and malformed records mixed in.
   */
  List<Event> next() {
    ready.clear();
    long ts = nextImpressionTs();
    while (!pending.isEmpty() && pending.peek().ts <= ts) {
      PendingClick c = pending.poll();
      emit(Stream.CLICKS, c.imprId, click(c), c.ts);
    }
    impressions++;
    String imprId = "i" + s.seed() + "-" + impressions;
    String userId = "u" + random.nextInt(1_000_000);
    String campaign = campaignId(campaignRank.sample());
    emit(Stream.IMPRESSIONS, imprId, impression(imprId, userId, churned(campaign, ts), ts), ts);
    if (s.conflictingFraction() > 0 && random.nextDouble() < s.conflictingFraction()) {
      // a copy from another server: another campaign, a ts up to SKEW_MS off either way
      long offset =
          1 + (long) (random.nextDouble() * SKEW_MS); // never 0: the earliest copy is unique
      long copyTs = random.nextBoolean() ? ts + offset : ts - offset;
      String other = campaignId(campaignRank.sample());
      emit(
          Stream.IMPRESSIONS,
          imprId,
          impression(imprId, userId, churned(other, copyTs), copyTs),
          copyTs);
    }
    if (random.nextDouble() < ctrOf(campaign, ts)) {
      addClick(ts, imprId, userId);
      if (s.repeatClickFraction() > 0 && random.nextDouble() < s.repeatClickFraction()) {
        addClick(ts, imprId, userId);
      }
    }
    if (random.nextDouble() < s.orphanFraction()) {
      clicks++;
      pending.add(
          new PendingClick(ts + 1, "k" + s.seed() + "-" + clicks, "orphan-" + imprId, userId));
    }
    while (!outbox.isEmpty() && outbox.peek().sendAt <= ts) {
      ready.add(outbox.poll().event);
    }
    return ready;
  }

  /**
   * A click on the impression at {@code ts}: after a lognormal delay, or before it (clock skew).
   */
  private void addClick(long ts, String imprId, String userId) {
    long delay = Math.max(1, Math.min(s.clickDelayMaxMs(), Math.round(clickDelay.sample())));
    if (s.skewedClickFraction() > 0 && random.nextDouble() < s.skewedClickFraction()) {
      delay = -1 - (long) (random.nextDouble() * SKEW_MS);
    }
    clicks++;
    pending.add(new PendingClick(ts + delay, "k" + s.seed() + "-" + clicks, imprId, userId));
  }

  /**
   * Everything still waiting (clicks not yet due, jittered events), for the end of a bounded run.
   */
  List<Event> drain() {
    ready.clear();
    while (!pending.isEmpty()) {
      PendingClick c = pending.poll();
      emit(Stream.CLICKS, c.imprId, click(c), c.ts);
    }
    while (!outbox.isEmpty()) {
      ready.add(outbox.poll().event);
    }
    return ready;
  }

  private void emit(Stream stream, String key, ObjectNode event, long ts) {
    if (random.nextDouble() < s.malformedFraction()) {
      send(new Event(stream, key, malformed(event), ts, true));
      return;
    }
    String json = event.toString();
    send(new Event(stream, key, json, ts, false));
    if (random.nextDouble() < s.duplicateFraction()) {
      send(new Event(stream, key, json, ts, false));
    }
  }

  private void send(Event e) {
    long delay = s.jitterMs() <= 0 ? 0 : (long) (random.nextDouble() * s.jitterMs());
    outbox.add(new Outgoing(e.ts() + delay, seq++, e));
  }

  /** Rotates through the kinds of bad record the pipeline must dead-letter. */
  private String malformed(ObjectNode event) {
    switch (malformedKind++ % 4) {
      case 0:
        return event.toString().substring(0, event.toString().length() / 2);
      case 1:
        event.remove("ts");
        return event.toString();
      case 2:
        event.put("ts", "yesterday");
        return event.toString();
      default:
        event.put(event.has("click_id") ? "click_id" : "impr_id", " ");
        return event.toString();
    }
  }

  /**
   * The campaign id an impression carries: with campaign churn, {@code c<rank>-g<generation>}, a
   * new generation of ids every {@code campaignChurnMs} of event time (campaigns that end and
   * start).
   */
  private String churned(String campaign, long ts) {
    return s.campaignChurnMs() > 0
        ? campaign + "-g" + Math.floorDiv(ts - startMillis, s.campaignChurnMs())
        : campaign;
  }

  private ObjectNode impression(String imprId, String userId, String campaign, long ts) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("impr_id", imprId);
    o.put("user_id", userId);
    o.put("campaign_id", campaign);
    o.put("ts", ts);
    o.put("device", DEVICES[random.nextInt(DEVICES.length)]);
    o.put("region", REGIONS[random.nextInt(REGIONS.length)]);
    o.put("exchange", 1 + random.nextInt(3));
    if (s.sites() > 0) {
      o.put("site_id", "s" + random.nextInt(s.sites()));
    }
    return o;
  }

  private ObjectNode click(PendingClick c) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("click_id", c.clickId);
    o.put("impr_id", c.imprId);
    o.put("user_id", c.userId);
    o.put("ts", c.ts);
    return o;
  }
}
