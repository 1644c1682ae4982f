package io.ctrstream.bench;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * The same CTR as ctrstream, as a plain Flink SQL job: what a user who asks "why not Flink SQL?"
 * would write. Embedded Flink, reading the bench's preloaded topics to their end (bounded), with a
 * 5 s watermark, arrival-order deduplication of both streams, an interval LEFT JOIN {@code c.ts
 * BETWEEN i.ts AND i.ts + attribution} and a tumbling window TVF with {@code COUNT(DISTINCT …)}.
 *
 * <p>It has none of ctrstream's guarantees: no earliest-copy rule (the first copy to arrive wins),
 * no dead letters (bad records are skipped), no early or late panes, no unattributed-click report.
 *
 * <p>Usage: {@code FlinkSqlCtr BOOTSTRAP IMPRESSIONS_TOPIC CLICKS_TOPIC WINDOW_S ATTRIBUTION_S
 * PARALLELISM EVENTS}. Prints one line: {@code flink-sql: EVENTS events in S s = R events/s (…)},
 * timed from the job running to its last result, and the totals it counted.
 */
public final class FlinkSqlCtr {
  private FlinkSqlCtr() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String impressionsTopic = args[1];
    String clicksTopic = args[2];
    int windowSeconds = Integer.parseInt(args[3]);
    int attributionSeconds = Integer.parseInt(args[4]);
    int parallelism = Integer.parseInt(args[5]);
    long events = Long.parseLong(args[6]);

    Configuration conf = new Configuration();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    StreamTableEnvironment sql = StreamTableEnvironment.create(env);

    String kafka =
        "'connector' = 'kafka', 'properties.bootstrap.servers' = '"
            + bootstrap
            + "', "
            + "'properties.group.id' = 'flink-sql-bench', 'scan.startup.mode' = 'earliest-offset', "
            + "'scan.bounded.mode' = 'latest-offset', 'format' = 'json', 'json.ignore-parse-errors' = 'true'";
    sql.executeSql(
        "CREATE TABLE impressions (impr_id STRING, campaign_id STRING, ts BIGINT, "
            + "rt AS TO_TIMESTAMP_LTZ(ts, 3), WATERMARK FOR rt AS rt - INTERVAL '5' SECOND) "
            + "WITH ("
            + kafka
            + ", 'topic' = '"
            + impressionsTopic
            + "')");
    sql.executeSql(
        "CREATE TABLE clicks (click_id STRING, impr_id STRING, ts BIGINT, "
            + "rt AS TO_TIMESTAMP_LTZ(ts, 3), WATERMARK FOR rt AS rt - INTERVAL '5' SECOND) "
            + "WITH ("
            + kafka
            + ", 'topic' = '"
            + clicksTopic
            + "')");
    sql.executeSql(
        "CREATE TEMPORARY VIEW first_impressions AS SELECT impr_id, campaign_id, rt FROM ("
            + "SELECT *, ROW_NUMBER() OVER (PARTITION BY impr_id ORDER BY PROCTIME() ASC) AS n FROM "
            + "(SELECT impr_id, campaign_id, rt FROM impressions WHERE impr_id IS NOT NULL AND campaign_id IS NOT NULL "
            + "AND ts IS NOT NULL)) WHERE n = 1");
    sql.executeSql(
        "CREATE TEMPORARY VIEW first_clicks AS SELECT click_id, impr_id, rt FROM ("
            + "SELECT *, ROW_NUMBER() OVER (PARTITION BY click_id ORDER BY PROCTIME() ASC) AS n FROM "
            + "(SELECT click_id, impr_id, rt FROM clicks WHERE click_id IS NOT NULL AND impr_id IS NOT NULL "
            + "AND ts IS NOT NULL)) WHERE n = 1");
    sql.executeSql(
        "CREATE TEMPORARY VIEW attributed AS SELECT i.impr_id, i.campaign_id, i.rt, c.click_id "
            + "FROM first_impressions i LEFT JOIN first_clicks c ON i.impr_id = c.impr_id "
            + "AND c.rt BETWEEN i.rt AND i.rt + INTERVAL '"
            + attributionSeconds
            + "' SECOND");
    TableResult result =
        sql.executeSql(
            "SELECT window_start, campaign_id, COUNT(DISTINCT impr_id) AS impressions, "
                + "COUNT(DISTINCT click_id) AS clicks FROM TABLE(TUMBLE(TABLE attributed, DESCRIPTOR(rt), "
                + "INTERVAL '"
                + windowSeconds
                + "' SECOND)) GROUP BY window_start, window_end, campaign_id");

    JobClient job = result.getJobClient().orElseThrow();
    while (job.getJobStatus().get() != JobStatus.RUNNING
        && !job.getJobStatus().get().isTerminalState()) {
      Thread.sleep(20);
    }
    long start = System.nanoTime();
    long rows = 0;
    long impressions = 0;
    long clicks = 0;
    try (CloseableIterator<Row> it = result.collect()) {
      while (it.hasNext()) {
        Row r = it.next();
        rows++;
        impressions += ((Number) r.getField("impressions")).longValue();
        clicks += ((Number) r.getField("clicks")).longValue();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "flink-sql: %d events in %.1f s = %.0f events/s (job running to last result; %d windows, "
            + "%d impressions, %d clicks)%n",
        events, seconds, events / seconds, rows, impressions, clicks);
  }
}
