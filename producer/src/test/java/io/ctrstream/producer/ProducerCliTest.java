package io.ctrstream.producer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Usage errors are named, with exit status 2; an unreachable broker is one line and status 1. */
public class ProducerCliTest {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private static String[] run(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      int status = ProducerCli.execute(args);
      return new String[] {Integer.toString(status), captured.toString()};
    } finally {
      System.setErr(err);
    }
  }

  @Test
  public void badFlagsAreNamed() {
    String[] r = run("generate", "--phase", "c1:sometimes=2m");
    assertThat(r[0], equalTo("2"));
    assertThat(
        r[1],
        containsString("--phase: phase 'sometimes=2m' is not normal=, low= or high=<duration>"));
    r = run("generate", "--duplicates", "1.5");
    assertThat(r[0], equalTo("2"));
    assertThat(r[1], containsString("are fractions from 0 to 1"));
    r = run("generate", "--start", "yesterday");
    assertThat(r[0], equalTo("2"));
    assertThat(
        r[1],
        containsString(
            "--start must be an ISO-8601 instant (2024-03-01T12:00:00Z) or epoch milliseconds, not 'yesterday'"));
    // before anything is read or sent
    r = run("generate", "--close-windows-after", "soon", "--bootstrap-servers", "127.0.0.1:1");
    assertThat(r[0], equalTo("2"));
    assertThat(r[1], containsString("--close-windows-after: "));
    r =
        run(
            "replay",
            "--close-windows-after",
            "soon",
            "--impressions",
            "/nonexistent.jsonl",
            "--clicks",
            "/nonexistent.jsonl");
    assertThat(r[0], equalTo("2"));
    assertThat(r[1], containsString("--close-windows-after: "));
    r = run("replay", "--impressions", "/nonexistent.jsonl", "--clicks", "/nonexistent.jsonl");
    assertThat(r[0], equalTo("2"));
    assertThat(r[1], containsString("cannot read /nonexistent.jsonl"));
  }

  @Test
  public void unreachableBrokerIsOneClearLine() {
    String[] r =
        run(
            "generate",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--connect-timeout",
            "2s",
            "--count",
            "1");
    assertThat(r[0], equalTo("1"));
    assertThat(
        r[1].trim(),
        equalTo(
            "ctr-producer: no Kafka broker answered at 127.0.0.1:1 within 2 s (is it running? deploy/stack.sh up starts one)"));
  }

  @Test
  public void generateRecordsToFilesInsteadOfKafka() throws IOException {
    Path dir = temp.getRoot().toPath().resolve("recorded");
    String[] r =
        run(
            "generate",
            "--to-files",
            dir.toString(),
            "--count",
            "2000",
            "--ctr",
            "0.5",
            "--start",
            "2024-03-01T00:00:00Z",
            "--click-delay-median",
            "1s");
    assertThat(r[1], r[0], equalTo("0"));
    List<String> impressions = lines(dir.resolve("impressions.jsonl.gz"));
    List<String> clicks = lines(dir.resolve("clicks.jsonl.gz"));
    assertThat(impressions.size(), equalTo(2000));
    assertThat(impressions.get(0), containsString("\"ts\":1709251200000"));
    assertThat(clicks.size() > 500 && clicks.size() < 1500, equalTo(true));
    assertThat(clicks.get(0), containsString("\"click_id\""));
    r = run("generate", "--to-files", dir.toString());
    assertThat(r[0], equalTo("2"));
    assertThat(r[1], containsString("--to-files needs --duration or --count"));
  }

  private static List<String> lines(Path gz) throws IOException {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      return in.lines().toList();
    }
  }

  @Test
  public void rebasedTimesStartNowAndAreCompressedBySpeedup() {
    assertThat(ReplayCommand.rebased(1_000_000, 1_000_000, 5_000, 0), equalTo(5_000L));
    assertThat(ReplayCommand.rebased(1_060_000, 1_000_000, 5_000, 0), equalTo(65_000L));
    assertThat(ReplayCommand.rebased(1_060_000, 1_000_000, 5_000, 60), equalTo(6_000L));
  }

  @Test
  public void durations() {
    assertThat(PhaseScript.duration("90s"), equalTo(Duration.ofSeconds(90)));
    assertThat(PhaseScript.duration("2m"), equalTo(Duration.ofMinutes(2)));
    assertThat(PhaseScript.duration("250ms"), equalTo(Duration.ofMillis(250)));
    assertThrows(IllegalArgumentException.class, () -> PhaseScript.duration("soon"));
  }
}
