package io.ctrstream.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.testing.PostgresServer;
import io.ctrstream.pipeline.testing.SampleAlerts;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.PaneInfo.Timing;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The PostgreSQL sink against a real server ({@code deploy/stack.sh start postgres}): the upsert
 * keeps the newest pane whatever order the panes arrive in, alerts land with their fields, and the
 * DDL in docs/outputs.md is the one the job runs.
 */
public class WriteToPostgresTest {
  @ClassRule public static final PostgresServer POSTGRES = new PostgresServer();

  private static final long START = 1_709_294_400_000L; // 2024-03-01T12:00:00Z
  private static final long END = START + 60_000;

  private static PostgresConnection postgres() {
    return POSTGRES.connection();
  }

  @BeforeClass
  public static void createTables() throws Exception {
    PostgresTables.create(postgres());
    PostgresTables.create(postgres()); // IF NOT EXISTS: a second --createTable is harmless
  }

  private static CtrResult pane(String key, long impressions, long clicks, long index) {
    return new CtrResult(
        "campaign",
        key,
        START,
        END,
        new CtrCounts(impressions, clicks),
        index == 0 ? Timing.EARLY : Timing.LATE,
        index,
        index == 2);
  }

  private static void write(CtrResult... panes) {
    Pipeline pipeline = Pipeline.create(TestPipeline.testingPipelineOptions());
    pipeline
        .apply(Create.of(List.of(panes)).withCoder(CtrResult.CtrResultCoder.of()))
        .apply(WriteToPostgres.results(postgres()));
    pipeline.run().waitUntilFinish();
  }

  private static List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = POSTGRES.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(String.valueOf(r.getObject(i)));
        }
        out.add(String.join(",", row));
      }
    }
    return out;
  }

  private static String row(String key) throws Exception {
    List<String> found =
        rows(
            "SELECT impressions, clicks, ctr, timing, pane_index, final,"
                + " extract(epoch from window_start)::bigint, extract(epoch from window_end)::bigint"
                + " FROM ctr_results WHERE dimension = 'campaign' AND key = '"
                + key
                + "'");
    assertThat(found.size(), equalTo(1));
    return found.get(0);
  }

  @Test
  public void anOlderPaneWrittenAfterANewerOneLeavesTheNewerRow() throws Exception {
    write(pane("c1", 100, 5, 1)); // pane 1 first, e.g. a replay wrote pane 0 late
    write(pane("c1", 90, 4, 0));
    assertThat(row("c1"), equalTo("100,5,0.05,LATE,1,false,1709294400,1709294460"));
    write(pane("c1", 100, 5, 1)); // the same pane again (a replay): rewritten, unchanged
    assertThat(row("c1"), equalTo("100,5,0.05,LATE,1,false,1709294400,1709294460"));
    write(pane("c1", 120, 6, 2)); // a newer pane replaces it
    assertThat(row("c1"), equalTo("120,6,0.05,LATE,2,true,1709294400,1709294460"));
  }

  @Test
  public void panesOfOneBatchInAnyOrderLeaveTheNewest() throws Exception {
    write(pane("c2", 120, 6, 2), pane("c2", 90, 4, 0), pane("c2", 100, 5, 1));
    assertThat(row("c2"), equalTo("120,6,0.05,LATE,2,true,1709294400,1709294460"));
  }

  @Test
  public void alertsAreRowsKeyedByWindowAndStatus() throws Exception {
    Alert raised = SampleAlerts.criticalDrop(START, END, Double.NaN);
    Pipeline pipeline = Pipeline.create(TestPipeline.testingPipelineOptions());
    pipeline
        .apply(Create.of(raised, raised).withCoder(Alert.AlertCoder.of()))
        .apply(WriteToPostgres.alerts(postgres()));
    pipeline.run().waitUntilFinish();
    assertThat(
        rows(
            "SELECT key, status, kind, severity, baseline, impressions, clicks, ctr,"
                + " baseline_ctr, z, p_value, relative_change FROM ctr_alerts"),
        equalTo(List.of("906,RAISED,DROP,CRITICAL,previous,1000,20,0.02,0.06,-5.25,1.5E-7,null")));
  }

  @Test
  public void theDocsShowTheDdlTheJobRuns() throws Exception {
    String outputs = Files.readString(Paths.get("..", "docs", "outputs.md"));
    assertThat(outputs, containsString(PostgresTables.createResults("ctr_results") + ";"));
    assertThat(outputs, containsString(PostgresTables.createAlerts("ctr_alerts") + ";"));
  }

  @Test
  public void thePasswordIsReadFromTheFileAndNeverSerialized() throws Exception {
    String password = Files.readString(POSTGRES.passwordFile()).strip();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream objects = new java.io.ObjectOutputStream(out)) {
      objects.writeObject(postgres());
    }
    assertThat(
        out.toString(java.nio.charset.StandardCharsets.ISO_8859_1).contains(password),
        equalTo(false));
    assertThat(postgres().password(), equalTo(password));
  }
}
