package io.ctrstream.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctrstream.pipeline.io.PostgresTables;
import io.ctrstream.pipeline.testing.JobRuns;
import io.ctrstream.pipeline.testing.PostgresServer;
import io.ctrstream.pipeline.testing.RedisServer;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import io.ctrstream.pipeline.testing.ResultFiles;
import io.ctrstream.pipeline.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import redis.clients.jedis.Jedis;

/**
 * The job on FlinkRunner {@code [local]} over the real ad logs in {@code ../shared/data}: every
 * final (campaign, window) result equals {@link ReferenceCtr}'s recomputation from the files (in
 * the result file, and for Avazu also in Redis and in PostgreSQL's final rows), and every click is
 * either counted or reported unattributed.
 */
public class RealSamplesIT {
  private static final Path DATA = SharedData.DATA;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @ClassRule public static final RedisServer REDIS = new RedisServer();
  @ClassRule public static final PostgresServer POSTGRES = new PostgresServer();

  @BeforeClass
  public static void dataIsThere() {
    if (!Files.isDirectory(DATA)) {
      throw new AssertionError(
          "the shared samples are not at " + DATA + " (set -Dctrstream.shared=...)");
    }
  }

  @Test
  public void avazuOneMinuteWindows() throws Exception {
    Path impressions = DATA.resolve("avazu-sample/impressions.jsonl.gz");
    Path clicks = DATA.resolve("avazu-sample/clicks.jsonl.gz");
    Path out = tmp.newFolder("avazu").toPath();
    PostgresTables.create(POSTGRES.connection());

    RunSummary run =
        JobRuns.run(
            "FlinkRunner",
            impressions,
            clicks,
            out,
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(
                        "--windowSize=60s",
                        "--attributionWindow=15s",
                        "--sink=redis",
                        "--redisHost=127.0.0.1",
                        "--redisPort=" + REDIS.port()),
                    POSTGRES.jobFlags().stream())
                .toArray(String[]::new));

    ReferenceCtr ref = ReferenceCtr.compute(impressions, clicks, 60_000, 15_000);
    assertSameFinals(ResultFiles.finalCounts(out.resolve("results.jsonl")), ref);
    assertRedisHoldsTheFinals(ref, 60_000);
    assertSameFinals(POSTGRES.finalCampaignCounts("ctr_results"), ref);
    assertThat(ref.impressions, equalTo(8087L));
    assertThat(ref.attributedClicks + ref.unattributedClicks, equalTo(1397L));
    assertThat(run.get("impressions_counted"), equalTo(ref.impressions));
    assertThat(run.get("clicks_attributed"), equalTo(ref.attributedClicks));
    assertThat(run.get("clicks_unattributed"), equalTo(ref.unattributedClicks));
    assertThat(
        (long) ResultFiles.jsonLines(out.resolve("unattributed.jsonl")).size(),
        equalTo(ref.unattributedClicks));
    assertThat(run.get("dead_letters"), equalTo(0L));
    assertThat(run.get(RunSummary.LATE_EVENTS_DROPPED), equalTo(0L));
  }

  @Test
  public void ipinyouAllRealClicksHourWindowsHalfHourAttribution() throws Exception {
    Path impressions = DATA.resolve("ipinyou-s2-sample/impressions.jsonl.gz");
    Path clicks = DATA.resolve("ipinyou-s2-sample/clicks_all.jsonl.gz");
    Path out = tmp.newFolder("ipinyou").toPath();

    RunSummary run =
        JobRuns.run(
            "FlinkRunner", impressions, clicks, out, "--windowSize=1h", "--attributionWindow=30m");

    ReferenceCtr ref = ReferenceCtr.compute(impressions, clicks, 3_600_000, 1_800_000);
    assertSameFinals(ResultFiles.finalCounts(out.resolve("results.jsonl")), ref);
    assertThat(ref.impressions, equalTo(83574L));
    assertThat(ref.attributedClicks + ref.unattributedClicks, equalTo(9978L));
    assertThat(run.get("impressions_counted"), equalTo(ref.impressions));
    assertThat(run.get("clicks_attributed"), equalTo(ref.attributedClicks));
    assertThat(run.get("clicks_unattributed"), equalTo(ref.unattributedClicks));
    assertThat(run.get("dead_letters"), equalTo(0L));
  }

  /**
   * Every (campaign, window) hash in Redis is final and equals the reference; latest/previous are
   * the last two windows.
   */
  private static void assertRedisHoldsTheFinals(ReferenceCtr ref, long windowMillis)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> lastWindow = new TreeMap<>();
    try (Jedis jedis = REDIS.client()) {
      for (Map.Entry<String, List<Long>> e : ref.counts.entrySet()) {
        String campaign = e.getKey().substring(0, e.getKey().lastIndexOf('|'));
        long start = Long.parseLong(e.getKey().substring(e.getKey().lastIndexOf('|') + 1));
        Map<String, String> hash = jedis.hgetAll("ctr:campaign:" + campaign + ":window:" + start);
        assertThat(
            e.getKey(),
            List.of(Long.parseLong(hash.get("impressions")), Long.parseLong(hash.get("clicks"))),
            equalTo(e.getValue()));
        assertThat(e.getKey(), hash.get("final"), equalTo("true"));
        lastWindow.merge(campaign, start, Math::max);
      }
      assertThat((long) jedis.scard("ctr:campaigns"), equalTo((long) lastWindow.size()));
      for (Map.Entry<String, Long> e : lastWindow.entrySet()) {
        JsonNode latest = json.readTree(jedis.hget("ctr:latest", e.getKey()));
        assertThat(latest.get("window_start").asLong(), equalTo(e.getValue()));
        List<String> windows = jedis.zrange("ctr:campaign:" + e.getKey() + ":windows", 0, -1);
        if (windows.size() > 1) {
          JsonNode previous = json.readTree(jedis.hget("ctr:previous", e.getKey()));
          assertThat(
              previous.get("window_start").asText(), equalTo(windows.get(windows.size() - 2)));
        }
      }
    }
  }

  private static void assertSameFinals(Map<String, List<Long>> pipeline, ReferenceCtr ref) {
    assertThat(pipeline.size(), equalTo(ref.counts.size()));
    assertThat(pipeline, equalTo(ref.counts));
  }
}
