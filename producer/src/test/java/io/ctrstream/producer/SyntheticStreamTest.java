package io.ctrstream.producer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.producer.EventPublisher.Stream;
import io.ctrstream.producer.SyntheticStream.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

public class SyntheticStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START = 1_700_000_000_000L;

  private static SyntheticStream.Settings settings(
      double duplicates, double malformed, long jitterMs, List<PhaseScript> phases) {
    return new SyntheticStream.Settings(
        7,
        1000,
        10,
        1.1,
        0.05,
        3000,
        1.0,
        60_000,
        jitterMs,
        duplicates,
        malformed,
        0.0,
        phases,
        0.3,
        3.0);
  }

  private static List<Event> generate(SyntheticStream.Settings s, int impressions) {
    SyntheticStream stream = new SyntheticStream(s, START);
    List<Event> all = new ArrayList<>();
    for (int i = 0; i < impressions; i++) {
      all.addAll(stream.next());
    }
    all.addAll(stream.drain());
    return all;
  }

  @Test
  public void campaignChurnGivesNewIdsEveryPeriodAndSitesAFieldOfThatManyValues() throws Exception {
    SyntheticStream.Settings base = settings(0, 0, 0, List.of());
    SyntheticStream.Settings churning =
        new SyntheticStream.Settings(
            base.seed(),
            base.impressionsPerSecond(),
            base.campaigns(),
            base.zipfExponent(),
            base.baseCtr(),
            base.clickDelayMedianMs(),
            base.clickDelaySigma(),
            base.clickDelayMaxMs(),
            base.jitterMs(),
            0,
            0,
            0,
            List.of(),
            base.lowFactor(),
            base.highFactor(),
            0,
            0,
            0,
            1_000, // a new generation of campaign ids every second (1,000 impressions)
            50);
    java.util.Map<Long, java.util.Set<String>> campaignsBySecond = new java.util.TreeMap<>();
    java.util.Set<String> sites = new java.util.TreeSet<>();
    for (Event e : generate(churning, 3000)) {
      if (e.stream() != EventPublisher.Stream.IMPRESSIONS) {
        continue;
      }
      com.fasterxml.jackson.databind.JsonNode o = JSON.readTree(e.json());
      String campaign = o.get("campaign_id").asText();
      long generation = (e.ts() - START) / 1_000;
      assertThat(campaign, org.hamcrest.Matchers.endsWith("-g" + generation));
      campaignsBySecond.computeIfAbsent(generation, g -> new java.util.TreeSet<>()).add(campaign);
      sites.add(o.get("site_id").asText());
    }
    assertThat(campaignsBySecond.keySet(), equalTo(java.util.Set.of(0L, 1L, 2L)));
    assertThat(sites.size(), equalTo(50));
    // without either, impressions carry neither
    Event plain = generate(base, 1).get(0);
    assertThat(JSON.readTree(plain.json()).has("site_id"), equalTo(false));
    assertThat(
        JSON.readTree(plain.json()).get("campaign_id").asText(),
        org.hamcrest.Matchers.matchesPattern("c[0-9]+"));
  }

  @Test
  public void sameSeedSameEvents() {
    List<Event> a = generate(settings(0.01, 0.01, 2000, List.of()), 2000);
    List<Event> b = generate(settings(0.01, 0.01, 2000, List.of()), 2000);
    assertThat(a, equalTo(b));
  }

  @Test
  public void clicksFollowTheirImpressionsWithinTheDelayCapAtEachCampaignsCtr() throws Exception {
    SyntheticStream stream = new SyntheticStream(settings(0, 0, 0, List.of()), START);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      events.addAll(stream.next());
    }
    events.addAll(stream.drain());
    Map<String, Long> impressionTs = new HashMap<>();
    double expectedClicks = 0;
    double variance = 0;
    long clicks = 0;
    for (Event e : events) {
      JsonNode o = JSON.readTree(e.json());
      if (e.stream() == Stream.IMPRESSIONS) {
        impressionTs.put(o.get("impr_id").asText(), o.get("ts").asLong());
        double p = stream.ctrOf(o.get("campaign_id").asText(), o.get("ts").asLong());
        expectedClicks += p;
        variance += p * (1 - p);
      } else {
        long delay = o.get("ts").asLong() - impressionTs.get(o.get("impr_id").asText());
        assertThat(delay, greaterThan(0L));
        assertThat(delay, lessThanOrEqualTo(60_000L));
        clicks++;
      }
    }
    assertThat(impressionTs.size(), equalTo(50_000));
    // each impression is clicked with its campaign's CTR: the count is a sum of Bernoulli draws
    // (Poisson binomial), within 4 standard deviations of its mean
    assertThat((double) clicks, closeTo(expectedClicks, 4 * Math.sqrt(variance)));
  }

  @Test
  public void aLowPhaseLowersTheCampaignsCtrAndAHighPhaseRaisesIt() {
    PhaseScript phases = PhaseScript.parse("c1:normal=10s,low=10s,high=10s");
    SyntheticStream stream = new SyntheticStream(settings(0, 0, 0, List.of(phases)), START);
    double normal = stream.ctrOf("c1", START + 5_000);
    assertThat(stream.ctrOf("c1", START + 15_000), closeTo(normal * 0.3, 1e-12));
    assertThat(stream.ctrOf("c1", START + 25_000), closeTo(Math.min(1, normal * 3), 1e-12));
    assertThat(stream.ctrOf("c1", START + 35_000), closeTo(normal, 1e-12)); // the script repeats
    assertThat(
        stream.ctrOf("c2", START + 15_000),
        equalTo(new SyntheticStream(settings(0, 0, 0, List.of()), START).ctrOf("c2", START)));
  }

  @Test
  public void jitterSendsEventsOutOfOrderWithoutChangingTheirTimestamps() throws Exception {
    List<Event> events = generate(settings(0, 0, 2000, List.of()), 5000);
    long late = 0;
    long maxTs = Long.MIN_VALUE;
    for (Event e : events) {
      assertThat(JSON.readTree(e.json()).get("ts").asLong(), equalTo(e.ts()));
      if (e.ts() < maxTs) {
        late++;
        assertThat(maxTs - e.ts(), lessThanOrEqualTo(2000L));
      }
      maxTs = Math.max(maxTs, e.ts());
    }
    assertThat(late, greaterThan(1000L));
  }

  @Test
  public void duplicatesAndMalformedRecordsComeInTheirFractions() throws Exception {
    List<Event> events = generate(settings(0.05, 0.02, 0, List.of()), 20_000);
    Set<String> seen = new HashSet<>();
    long copies = 0;
    long malformed = 0;
    for (Event e : events) {
      if (e.malformed()) {
        malformed++;
        continue;
      }
      if (!seen.add(e.json())) {
        copies++;
      }
    }
    assertThat((double) copies / events.size(), closeTo(0.05, 0.01));
    assertThat((double) malformed / events.size(), closeTo(0.02, 0.005));
  }
}
