package io.ctrstream.producer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctrstream.pipeline.testing.JobRuns;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import io.ctrstream.pipeline.testing.ResultFiles;
import io.ctrstream.producer.EventPublisher.Stream;
import io.ctrstream.producer.SyntheticStream.Event;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The job against {@link ReferenceCtr} on a seeded synthetic stream full of the join's hard cases:
 * exact duplicates, copies of an impression that disagree in {@code ts} and campaign, jitter,
 * orphan clicks, clicks stamped before their impression, clicks later than the attribution window,
 * several clicks on one impression, malformed records. Every final (campaign, window) must equal the
 * reference, and every unattributed click must be reported exactly once with the reference's reason,
 * on the DirectRunner and on embedded Flink.
 */
public class JoinDifferentialTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final long WINDOW_MS = 10_000;
  private static final long ATTRIBUTION_MS = 15_000;
  private static Path impressions;
  private static Path clicks;
  private static ReferenceCtr reference;

  @BeforeClass
  public static void generate() throws IOException {
    SyntheticStream.Settings settings = new SyntheticStream.Settings(
        11, 100, 6, 1.1, 0.2, 3_000, 1.5, 60_000, 2_000,
        0.05, 0.01, 0.02, List.of(), 0.3, 3, 0.05, 0.05, 0.15);
    SyntheticStream stream = new SyntheticStream(settings, 1_700_000_000_000L);
    impressions = TMP.getRoot().toPath().resolve("impressions.jsonl");
    clicks = TMP.getRoot().toPath().resolve("clicks.jsonl");
    try (BufferedWriter i = Files.newBufferedWriter(impressions); BufferedWriter c = Files.newBufferedWriter(clicks)) {
      while (stream.impressions() < 8_000) {
        write(stream.next(), i, c);
      }
      write(stream.drain(), i, c);
    }
    reference = ReferenceCtr.compute(impressions, clicks, WINDOW_MS, ATTRIBUTION_MS);
    // the stream does hold every hard case
    assertThat(reference.unattributedReasons.containsValue("BEFORE_IMPRESSION"), equalTo(true));
    assertThat(reference.unattributedReasons.containsValue("OUTSIDE_ATTRIBUTION_WINDOW"), equalTo(true));
    assertThat(reference.unattributedReasons.containsValue("NO_IMPRESSION"), equalTo(true));
    assertThat(reference.attributedClicks, greaterThan(500L));
  }

  private static void write(List<Event> events, BufferedWriter impressions, BufferedWriter clicks) throws IOException {
    for (Event e : events) {
      BufferedWriter out = e.stream() == Stream.IMPRESSIONS ? impressions : clicks;
      out.write(e.json());
      out.newLine();
    }
  }

  @Test
  public void directRunnerEqualsTheReference() throws IOException {
    check("DirectRunner");
  }

  @Test
  public void flinkRunnerEqualsTheReference() throws IOException {
    check("FlinkRunner");
  }

  private static void check(String runner) throws IOException {
    Path out = TMP.newFolder(runner).toPath();
    JobRuns.run(runner, impressions, clicks, out, "--windowSize=10s", "--attributionWindow=15s");

    assertThat(ResultFiles.finalCounts(out.resolve("results.jsonl")), equalTo(reference.counts));
    Map<String, String> reported = new TreeMap<>();
    int lines = 0;
    for (JsonNode u : ResultFiles.jsonLines(out.resolve("unattributed.jsonl"))) {
      reported.put(u.get("click_id").asText(), u.get("reason").asText());
      lines++;
    }
    assertThat(reported, equalTo(reference.unattributedReasons));
    assertThat("each unattributed click once", lines, equalTo(reported.size()));
  }
}
