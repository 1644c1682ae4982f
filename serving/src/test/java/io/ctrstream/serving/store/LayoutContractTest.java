package io.ctrstream.serving.store;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.contract.ResultRecord;
import io.ctrstream.pipeline.testing.JobRuns;
import io.ctrstream.pipeline.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The contract between the pipeline and the serving layer: the whole job runs the hand-checked
 * {@code testdata/} replay into a real redis-server (30 s windows, a {@code device} breakdown, 60 s
 * trend windows every 30 s), and what {@link ResultStore} reads back is {@code
 * testdata/expected/final-results.csv}; the breakdown's and the trend's results are found in their
 * own keys and add up to those numbers.
 */
public class LayoutContractTest {
  @ClassRule public static final RedisServer REDIS = new RedisServer();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void whatTheJobWritesIsWhatTheStoreReads() throws Exception {
    Path root = Path.of(System.getProperty("ctrstream.root", ".."));
    JobRuns.run(
        "DirectRunner",
        root.resolve("testdata/impressions.jsonl"),
        root.resolve("testdata/clicks.jsonl"),
        tmp.getRoot().toPath(),
        "--sink=redis",
        "--redisHost=127.0.0.1",
        "--redisPort=" + REDIS.port(),
        "--redisKeyPrefix=contract",
        "--breakdowns=device",
        "--trendWindow=60s",
        "--trendPeriod=30s");

    try (ResultStore store =
        new ResultStore(new RedisAddress("127.0.0.1", REDIS.port(), null, "contract"))) {
      List<String> read = new ArrayList<>();
      read.add("campaign_id,window_start_iso,impressions,clicks");
      for (String campaign : store.campaigns()) {
        for (ResultRecord w :
            store.windows(Series.CAMPAIGNS, campaign, Long.MIN_VALUE, Long.MAX_VALUE, 100)) {
          assertThat(w.toString(), w.isFinal(), equalTo(true));
          assertThat(w.toString(), w.ctr(), equalTo((double) w.clicks() / w.impressions()));
          read.add(
              String.join(
                  ",",
                  campaign,
                  java.time.Instant.ofEpochMilli(w.windowStart()).toString().replace("Z", ".000Z"),
                  Long.toString(w.impressions()),
                  Long.toString(w.clicks())));
        }
      }
      List<String> expected =
          Files.readAllLines(root.resolve("testdata/expected/final-results.csv"));
      assertThat(sorted(read), equalTo(sorted(expected)));

      // latest = each campaign's last window, previous = the one before
      Map<String, ResultRecord> latest = store.latest(Series.CAMPAIGNS);
      Map<String, ResultRecord> previous = store.previous(Series.CAMPAIGNS);
      for (String campaign : List.of("c1", "c2")) {
        List<ResultRecord> windows =
            store.windows(Series.CAMPAIGNS, campaign, Long.MIN_VALUE, Long.MAX_VALUE, 100);
        assertThat(
            latest.get(campaign).windowStart(),
            equalTo(windows.get(windows.size() - 1).windowStart()));
        assertThat(
            latest.get(campaign).clicks(), equalTo(windows.get(windows.size() - 1).clicks()));
        assertThat(
            previous.get(campaign).windowStart(),
            equalTo(windows.get(windows.size() - 2).windowStart()));
      }
      assertThat(store.newestWriteAt().isPresent(), equalTo(true));

      // the breakdown: its own keys, the same windows, adding up to the campaigns' totals
      assertThat(store.dimensions(false), equalTo(List.of("campaign", "device")));
      Series device = store.require(new Series("device", false));
      assertThat(store.keys(device), equalTo(List.of("desktop", "mobile", "tablet", "unknown")));
      assertThat(totalsByWindow(store, device), equalTo(totalsByWindow(store, Series.CAMPAIGNS)));
      assertThat(
          store.latest(device).keySet(),
          equalTo(java.util.Set.of("desktop", "mobile", "tablet", "unknown")));

      // the trend: campaigns only; each 60 s window holds the two 30 s windows it covers
      assertThat(store.dimensions(true), equalTo(List.of("campaign")));
      Series trend = store.require(new Series("campaign", true));
      Map<Long, long[]> fixed = new java.util.TreeMap<>();
      for (ResultRecord w :
          store.windows(Series.CAMPAIGNS, "c1", Long.MIN_VALUE, Long.MAX_VALUE, 100)) {
        fixed.put(w.windowStart(), new long[] {w.impressions(), w.clicks()});
      }
      List<ResultRecord> sliding = store.windows(trend, "c1", Long.MIN_VALUE, Long.MAX_VALUE, 100);
      assertThat(
          sliding.size(), equalTo(fixed.size() + 1)); // one more: the window that starts 30 s early
      for (ResultRecord w : sliding) {
        assertThat(w.windowEnd() - w.windowStart(), equalTo(60_000L));
        long[] sum = new long[2];
        for (long start = w.windowStart(); start < w.windowEnd(); start += 30_000) {
          long[] part = fixed.getOrDefault(start, new long[2]);
          sum[0] += part[0];
          sum[1] += part[1];
        }
        assertThat(
            w.toString(), w.impressions() + "/" + w.clicks(), equalTo(sum[0] + "/" + sum[1]));
      }
      assertThat(
          store.latest(trend).get("c1").windowEnd() - store.latest(trend).get("c1").windowStart(),
          equalTo(60_000L));
    }
  }

  /** "window start: impressions/clicks" summed over all keys of a series, window by window. */
  private static Map<Long, String> totalsByWindow(ResultStore store, Series series) {
    Map<Long, long[]> sums = new java.util.TreeMap<>();
    for (String key : store.keys(series)) {
      for (ResultRecord w : store.windows(series, key, Long.MIN_VALUE, Long.MAX_VALUE, 100)) {
        long[] sum = sums.computeIfAbsent(w.windowStart(), s -> new long[2]);
        sum[0] += w.impressions();
        sum[1] += w.clicks();
      }
    }
    Map<Long, String> out = new java.util.TreeMap<>();
    sums.forEach((start, sum) -> out.put(start, sum[0] + "/" + sum[1]));
    return out;
  }

  private static List<String> sorted(List<String> lines) {
    List<String> header = lines.subList(0, 1);
    List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
    body.sort(null);
    List<String> out = new ArrayList<>(header);
    out.addAll(body);
    return out;
  }
}
