package io.ctrstream.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctrstream.pipeline.testing.IsolatedJobLauncher;
import io.ctrstream.pipeline.testing.JobRuns;
import io.ctrstream.pipeline.testing.ResultFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The same pipeline over the hand-checked {@code testdata/} files on DirectRunner and on
 * FlinkRunner {@code [local]}: both must produce exactly the expected final results, unattributed
 * clicks and dead letters.
 */
public class TestDataRunnersTest {
  static final Path TESTDATA = Paths.get("..", "testdata").toAbsolutePath().normalize();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void directRunnerMatchesTheHandCheckedResults() throws Exception {
    checkRun(run("DirectRunner"));
  }

  @Test
  public void flinkRunnerMatchesTheHandCheckedResults() throws Exception {
    checkRun(run("FlinkRunner"));
  }

  /**
   * As under {@code mvn exec:java}: the job in a class loader of its own, in a JVM whose system
   * class loader lacks Flink, on an embedded Flink cluster ({@code EmbeddedFlinkClassLoading}).
   */
  @Test
  public void flinkRunnerFromAClassLoaderOfItsOwnMatchesTheHandCheckedResults() throws Exception {
    Path out = tmp.newFolder("isolated").toPath();
    String jobClassPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path launcherClasses =
        Paths.get(
            IsolatedJobLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path log = out.resolve("job.log");
    Process job =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                launcherClasses.toString(),
                IsolatedJobLauncher.class.getName(),
                jobClassPath,
                "--runner=FlinkRunner",
                "--flinkMaster=[local]",
                "--parallelism=2",
                "--source=files",
                "--sink=none",
                "--impressionsFile=" + TESTDATA.resolve("impressions.jsonl"),
                "--clicksFile=" + TESTDATA.resolve("clicks.jsonl"),
                "--output=" + out.resolve("results.jsonl"),
                "--unattributedOutput=" + out.resolve("unattributed.jsonl"),
                "--deadLetterOutput=" + out.resolve("dead-letters.jsonl"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(Files.readString(log), job.waitFor(), equalTo(0));
    assertThat(
        Files.readString(log),
        containsString("loads them parent-first through pipeline.classpaths"));
    checkRun(out);
  }

  private Path run(String runner) throws IOException {
    Path out = tmp.newFolder(runner).toPath();
    JobRuns.run(
        runner, TESTDATA.resolve("impressions.jsonl"), TESTDATA.resolve("clicks.jsonl"), out);
    return out;
  }

  private static void checkRun(Path out) throws IOException {
    Map<String, List<Long>> expected = new TreeMap<>();
    for (String[] row : csv(TESTDATA.resolve("expected/final-results.csv"))) {
      expected.put(
          row[0] + "|" + Instant.parse(row[1]).getMillis(),
          List.of(Long.parseLong(row[2]), Long.parseLong(row[3])));
    }
    assertThat(ResultFiles.finalCounts(out.resolve("results.jsonl")), equalTo(expected));

    Map<String, String> unattributed = new TreeMap<>();
    for (JsonNode u : ResultFiles.jsonLines(out.resolve("unattributed.jsonl"))) {
      unattributed.put(u.get("click_id").asText(), u.get("reason").asText());
    }
    Map<String, String> expectedUnattributed = new TreeMap<>();
    for (String[] row : csv(TESTDATA.resolve("expected/unattributed.csv"))) {
      expectedUnattributed.put(row[0], row[1]);
    }
    assertThat(unattributed, equalTo(expectedUnattributed));

    List<String> deadLetters = new ArrayList<>();
    for (JsonNode d : ResultFiles.jsonLines(out.resolve("dead-letters.jsonl"))) {
      deadLetters.add(
          Paths.get(d.get("source").asText()).getFileName() + "," + d.get("reason").asText());
    }
    List<String> expectedDeadLetters = new ArrayList<>();
    for (String[] row : csv(TESTDATA.resolve("expected/dead-letters.csv"))) {
      expectedDeadLetters.add(row[0] + "," + row[1]);
    }
    deadLetters.sort(null);
    expectedDeadLetters.sort(null);
    assertThat(deadLetters, equalTo(expectedDeadLetters));
  }

  private static List<String[]> csv(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        rows.add(line.split(","));
      }
    }
    return rows;
  }
}
