package io.ctrstream.serving.store;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

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
 * {@code testdata/} replay into a real redis-server, and what {@link ResultStore} reads back is
 * {@code testdata/expected/final-results.csv}.
 */
public class LayoutContractTest {
  @ClassRule public static final RedisServer REDIS = new RedisServer();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void whatTheJobWritesIsWhatTheStoreReads() throws Exception {
    Path root = Path.of(System.getProperty("ctrstream.root", ".."));
    JobRuns.run("DirectRunner", root.resolve("testdata/impressions.jsonl"), root.resolve("testdata/clicks.jsonl"),
        tmp.getRoot().toPath(), "--sink=redis", "--redisHost=127.0.0.1", "--redisPort=" + REDIS.port(),
        "--redisKeyPrefix=contract");

    try (ResultStore store = new ResultStore(new RedisAddress("127.0.0.1", REDIS.port(), null, "contract"))) {
      List<String> read = new ArrayList<>();
      read.add("campaign_id,window_start_iso,impressions,clicks");
      for (String campaign : store.campaigns()) {
        for (WindowResult w : store.windows(campaign, Long.MIN_VALUE, Long.MAX_VALUE, 100)) {
          assertThat(w.toString(), w.isFinal(), equalTo(true));
          assertThat(w.toString(), w.ctr(), equalTo((double) w.clicks() / w.impressions()));
          read.add(String.join(",", campaign, java.time.Instant.ofEpochMilli(w.windowStart()).toString()
              .replace("Z", ".000Z"), Long.toString(w.impressions()), Long.toString(w.clicks())));
        }
      }
      List<String> expected = Files.readAllLines(root.resolve("testdata/expected/final-results.csv"));
      assertThat(sorted(read), equalTo(sorted(expected)));

      // latest = each campaign's last window, previous = the one before
      Map<String, WindowResult> latest = store.latest();
      Map<String, WindowResult> previous = store.previous();
      for (String campaign : List.of("c1", "c2")) {
        List<WindowResult> windows = store.windows(campaign, Long.MIN_VALUE, Long.MAX_VALUE, 100);
        assertThat(latest.get(campaign).windowStart(), equalTo(windows.get(windows.size() - 1).windowStart()));
        assertThat(latest.get(campaign).clicks(), equalTo(windows.get(windows.size() - 1).clicks()));
        assertThat(previous.get(campaign).windowStart(), equalTo(windows.get(windows.size() - 2).windowStart()));
      }
      assertThat(store.newestWriteAt().isPresent(), equalTo(true));
    }
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
