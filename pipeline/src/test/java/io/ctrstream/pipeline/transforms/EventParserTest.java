package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent.Kind;
import io.ctrstream.pipeline.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.Test;

/**
 * {@link EventParser}'s token-by-token path gives exactly what its tree path gives, or leaves the
 * record to it: on every line of the real samples (where it must decide every record itself) and on
 * records made to trip it up.
 */
public class EventParserTest {
  private static final EventParser PARSER = new EventParser(EventTimeRange.standard());
  private static final long NOW = 1_800_000_000_000L;
  private static final String TS = "1413849600241";

  /** Records of either kind that the fast path must get exactly right or leave alone. */
  private static final List<String> TRICKY =
      List.of(
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + "}",
          "{\"impr_id\":\" i \",\"campaign_id\":7,\"user_id\":null,\"ts\":" + TS + "}",
          "{\"impr_id\":18446744073709551617,\"campaign_id\":\"c\",\"ts\":" + TS + "}",
          "{\"impr_id\":-0,\"campaign_id\":\"c\",\"ts\":" + TS + "}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"d\":null}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"d\":1,\"d\":null}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"d\":null,\"d\":\"x\"}",
          "{\"impr_id\":\"i\",\"impr_id\":\"j\",\"campaign_id\":\"c\",\"ts\":1,\"ts\":" + TS + "}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"b\":true,\"f\":false}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"price\":1.50}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"geo\":{\"city\":1}}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"tags\":[1,2]}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"click_id\":\"k\"}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"s\":\"\\u00e9\\n\"}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + "} trailing",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + "}{\"x\":1}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS,
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + ",\"heartbeat\":false}",
          "{\"heartbeat\":true,\"ts\":" + TS + "}",
          "{\"heartbeat\":\"true\",\"ts\":" + TS + "}",
          "{\"impr_id\":true,\"campaign_id\":\"c\",\"ts\":" + TS + "}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"user_id\":false,\"ts\":" + TS + "}",
          "{\"impr_id\":\"  \",\"campaign_id\":\"c\",\"ts\":" + TS + "}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\"}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":null}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":\"" + TS + "\"}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":1.5e12}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":99999999999999999999}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":946684799999}",
          "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":9999999999999}",
          "{\"click_id\":\"k\",\"impr_id\":\"i\",\"ts\":" + TS + "}",
          "{\"click_id\":7,\"impr_id\":\"i\",\"campaign_id\":{\"x\":1},\"ts\":" + TS + "}",
          "{\"click_id\":\"k\",\"impr_id\":\"i\",\"extra\":[1],\"ts\":" + TS + "}",
          "{\"click_id\":\"\",\"impr_id\":\"i\",\"ts\":" + TS + "}",
          "{\"impr_id\":\"i\",\"ts\":" + TS + "}",
          "[1,2]",
          "\"text\"",
          "{not json",
          "   ",
          "{}");

  @Test
  public void bothPathsAgreeOnRecordsMadeToTripThemUp() {
    int decidedFast = 0;
    for (String record : TRICKY) {
      for (Kind kind : Kind.values()) {
        byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
        ParsedRecord tree = PARSER.parseTree(kind, "t", bytes, NOW);
        ParsedRecord fast = PARSER.parseFast(kind, bytes, NOW);
        if (fast != null) {
          decidedFast++;
          assertThat(kind + " " + record, fast, equalTo(tree));
        }
        assertThat(kind + " " + record, PARSER.parse(kind, "t", bytes, NOW), equalTo(tree));
      }
    }
    assertThat("records the fast path decided", decidedFast, greaterThan(10));
  }

  @Test
  public void theFastPathDecidesEveryRecordOfTheRealSamplesAsTheTreeDoes() throws IOException {
    int records = 0;
    for (String sample : List.of("avazu-sample", "ipinyou-s2-sample")) {
      records +=
          checkEveryLine(
              SharedData.DATA.resolve(sample + "/impressions.jsonl.gz"), Kind.IMPRESSION);
      records += checkEveryLine(SharedData.DATA.resolve(sample + "/clicks.jsonl.gz"), Kind.CLICK);
    }
    assertThat(records, greaterThan(90_000)); // 93,111 lines
  }

  private static int checkEveryLine(Path file, Kind kind) throws IOException {
    int n = 0;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; n++) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        ParsedRecord tree = PARSER.parseTree(kind, "t", bytes, NOW);
        ParsedRecord fast = PARSER.parseFast(kind, bytes, NOW);
        if (tree.deadLetter() != null) {
          assertThat(file + ": " + line, fast, nullValue());
        } else {
          assertThat(file + ": " + line, fast, notNullValue());
          assertThat(file + ": " + line, fast, equalTo(tree));
        }
      }
    }
    return n;
  }
}
