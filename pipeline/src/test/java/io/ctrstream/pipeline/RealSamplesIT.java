package io.ctrstream.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.testing.JobRuns;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import io.ctrstream.pipeline.testing.ResultFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The job on FlinkRunner {@code [local]} over the real ad logs in {@code ../shared/data}: every final
 * (campaign, window) result equals {@link ReferenceCtr}'s recomputation from the files, and every
 * click is either counted or reported unattributed.
 */
public class RealSamplesIT {
  static final Path DATA = Paths.get(System.getProperty("ctrstream.shared", "../../shared"), "data")
      .toAbsolutePath().normalize();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @BeforeClass
  public static void dataIsThere() {
    if (!Files.isDirectory(DATA)) {
      throw new AssertionError("the shared samples are not at " + DATA + " (set -Dctrstream.shared=...)");
    }
  }

  @Test
  public void avazuOneMinuteWindows() throws Exception {
    Path impressions = DATA.resolve("avazu-sample/impressions.jsonl.gz");
    Path clicks = DATA.resolve("avazu-sample/clicks.jsonl.gz");
    Path out = tmp.newFolder("avazu").toPath();

    RunSummary run = JobRuns.run("FlinkRunner", impressions, clicks, out, "--windowSize=60s", "--attributionWindow=15s");

    ReferenceCtr ref = ReferenceCtr.compute(impressions, clicks, 60_000, 15_000);
    assertSameFinals(ResultFiles.finalCounts(out.resolve("results.jsonl")), ref);
    assertThat(ref.impressions, equalTo(8087L));
    assertThat(ref.attributedClicks + ref.unattributedClicks, equalTo(1397L));
    assertThat(run.get("impressions_counted"), equalTo(ref.impressions));
    assertThat(run.get("clicks_attributed"), equalTo(ref.attributedClicks));
    assertThat(run.get("clicks_unattributed"), equalTo(ref.unattributedClicks));
    assertThat((long) ResultFiles.jsonLines(out.resolve("unattributed.jsonl")).size(), equalTo(ref.unattributedClicks));
    assertThat(run.get("dead_letters"), equalTo(0L));
    assertThat(run.get(RunSummary.LATE_EVENTS_DROPPED), equalTo(0L));
  }

  @Test
  public void ipinyouAllRealClicksHourWindowsHalfHourAttribution() throws Exception {
    Path impressions = DATA.resolve("ipinyou-s2-sample/impressions.jsonl.gz");
    Path clicks = DATA.resolve("ipinyou-s2-sample/clicks_all.jsonl.gz");
    Path out = tmp.newFolder("ipinyou").toPath();

    RunSummary run = JobRuns.run("FlinkRunner", impressions, clicks, out, "--windowSize=1h", "--attributionWindow=30m");

    ReferenceCtr ref = ReferenceCtr.compute(impressions, clicks, 3_600_000, 1_800_000);
    assertSameFinals(ResultFiles.finalCounts(out.resolve("results.jsonl")), ref);
    assertThat(ref.impressions, equalTo(83574L));
    assertThat(ref.attributedClicks + ref.unattributedClicks, equalTo(9978L));
    assertThat(run.get("impressions_counted"), equalTo(ref.impressions));
    assertThat(run.get("clicks_attributed"), equalTo(ref.attributedClicks));
    assertThat(run.get("clicks_unattributed"), equalTo(ref.unattributedClicks));
    assertThat(run.get("dead_letters"), equalTo(0L));
  }

  private static void assertSameFinals(Map<String, List<Long>> pipeline, ReferenceCtr ref) {
    assertThat(pipeline.size(), equalTo(ref.counts.size()));
    assertThat(pipeline, equalTo(ref.counts));
  }
}
