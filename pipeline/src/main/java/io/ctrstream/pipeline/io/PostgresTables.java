package io.ctrstream.pipeline.io;

import io.ctrstream.contract.AlertRecord;
import io.ctrstream.contract.ResultRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.regex.Pattern;

/**
 * The PostgreSQL tables the job writes, written down once: their DDL ({@code --createTable}, the
 * docs/outputs.md shows the same text), the upserts and how a record fills them.
 *
 * <p>Results: one row per (dimension, key, window_start), replaced by each newer pane of the window
 * and never by an older one: the upsert's {@code WHERE excluded.pane_index >= t.pane_index} is the
 * same rule as the Redis writer's ({@link NewerPanesOnly}); an equal pane is rewritten, so a replay
 * after a restart is an idempotent overwrite. Alerts: one row per (dimension, key, window_start,
 * status), as {@link AlertRecord#alertId()} tells an alert's copies apart; a replay rewrites it.
 * Times are {@code timestamptz}; {@code updated_at} is the server's {@code now()} at the write.
 */
public final class PostgresTables {
  /** A table name: an identifier, optionally schema-qualified, lower case (no quoting needed). */
  public static final Pattern TABLE_NAME =
      Pattern.compile("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*");

  private PostgresTables() {}

  /** {@code CREATE TABLE IF NOT EXISTS} of the results table. */
  public static String createResults(String table) {
    return String.join(
        "\n",
        "CREATE TABLE IF NOT EXISTS " + table + " (",
        "  dimension    text             NOT NULL,  -- campaign, or a breakdown's name",
        "  key          text             NOT NULL,  -- the campaign id, or the breakdown's value",
        "  window_start timestamptz      NOT NULL,",
        "  window_end   timestamptz      NOT NULL,",
        "  impressions  bigint           NOT NULL,  -- distinct impressions of the window",
        "  clicks       bigint           NOT NULL,  -- distinct attributed clicks of them",
        "  ctr          double precision NOT NULL,  -- clicks / impressions",
        "  timing       text             NOT NULL,  -- EARLY, ON_TIME or LATE",
        "  pane_index   bigint           NOT NULL,  -- 0, 1, 2, ... per window",
        "  final        boolean          NOT NULL,  -- no later pane will change the row",
        "  updated_at   timestamptz      NOT NULL,",
        "  PRIMARY KEY (dimension, key, window_start)",
        ")");
  }

  /** {@code CREATE TABLE IF NOT EXISTS} of the alerts table. */
  public static String createAlerts(String table) {
    return String.join(
        "\n",
        "CREATE TABLE IF NOT EXISTS " + table + " (",
        "  dimension            text             NOT NULL,",
        "  key                  text             NOT NULL,",
        "  window_start         timestamptz      NOT NULL,",
        "  window_end           timestamptz      NOT NULL,",
        "  status               text             NOT NULL,  -- RAISED, CORRECTED or RETRACTED",
        "  kind                 text             NOT NULL,  -- SPIKE or DROP",
        "  severity             text             NOT NULL,  -- NONE, WARNING or CRITICAL",
        "  baseline             text             NOT NULL,  -- previous or ewma",
        "  impressions          bigint           NOT NULL,",
        "  clicks               bigint           NOT NULL,",
        "  ctr                  double precision NOT NULL,",
        "  baseline_impressions double precision NOT NULL,",
        "  baseline_clicks      double precision NOT NULL,",
        "  baseline_ctr         double precision NOT NULL,",
        "  z                    double precision NOT NULL,",
        "  p_value              double precision NOT NULL,",
        "  relative_change      double precision,           -- NULL if baseline_ctr is 0",
        "  updated_at           timestamptz      NOT NULL,",
        "  PRIMARY KEY (dimension, key, window_start, status)",
        ")");
  }

  /** The results upsert; parameters as {@link #setResult} fills them. */
  public static String upsertResult(String table) {
    return "INSERT INTO "
        + table
        + " AS t (dimension, key, window_start, window_end, impressions, clicks, ctr, timing,"
        + " pane_index, final, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
        + " ON CONFLICT (dimension, key, window_start) DO UPDATE SET"
        + " window_end = excluded.window_end, impressions = excluded.impressions,"
        + " clicks = excluded.clicks, ctr = excluded.ctr, timing = excluded.timing,"
        + " pane_index = excluded.pane_index, final = excluded.final, updated_at = now()"
        + " WHERE excluded.pane_index >= t.pane_index";
  }

  /** The alerts upsert; parameters as {@link #setAlert} fills them. */
  public static String upsertAlert(String table) {
    return "INSERT INTO "
        + table
        + " AS t (dimension, key, window_start, window_end, status, kind, severity, baseline,"
        + " impressions, clicks, ctr, baseline_impressions, baseline_clicks, baseline_ctr, z,"
        + " p_value, relative_change, updated_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
        + " ON CONFLICT (dimension, key, window_start, status) DO UPDATE SET"
        + " window_end = excluded.window_end, kind = excluded.kind, severity = excluded.severity,"
        + " baseline = excluded.baseline, impressions = excluded.impressions,"
        + " clicks = excluded.clicks, ctr = excluded.ctr,"
        + " baseline_impressions = excluded.baseline_impressions,"
        + " baseline_clicks = excluded.baseline_clicks, baseline_ctr = excluded.baseline_ctr,"
        + " z = excluded.z, p_value = excluded.p_value,"
        + " relative_change = excluded.relative_change, updated_at = now()";
  }

  /** Fills {@link #upsertResult}'s parameters from a result. */
  public static void setResult(ResultRecord r, PreparedStatement s) throws SQLException {
    s.setString(1, r.dimension());
    s.setString(2, r.key());
    s.setTimestamp(3, new Timestamp(r.windowStart()));
    s.setTimestamp(4, new Timestamp(r.windowEnd()));
    s.setLong(5, r.impressions());
    s.setLong(6, r.clicks());
    s.setDouble(7, r.ctr());
    s.setString(8, r.timing());
    s.setLong(9, r.paneIndex());
    s.setBoolean(10, r.isFinal());
  }

  /** Fills {@link #upsertAlert}'s parameters from an alert. */
  public static void setAlert(AlertRecord a, PreparedStatement s) throws SQLException {
    s.setString(1, a.dimension());
    s.setString(2, a.key());
    s.setTimestamp(3, new Timestamp(a.windowStart()));
    s.setTimestamp(4, new Timestamp(a.windowEnd()));
    s.setString(5, a.status());
    s.setString(6, a.kind());
    s.setString(7, a.severity());
    s.setString(8, a.baseline());
    s.setLong(9, a.impressions());
    s.setLong(10, a.clicks());
    s.setDouble(11, a.ctr());
    s.setDouble(12, a.baselineImpressions());
    s.setDouble(13, a.baselineClicks());
    s.setDouble(14, a.baselineCtr());
    s.setDouble(15, a.z());
    s.setDouble(16, a.pValue());
    if (Double.isNaN(a.relativeChange())) {
      s.setNull(17, Types.DOUBLE);
    } else {
      s.setDouble(17, a.relativeChange());
    }
  }

  /**
   * Creates both tables where they do not exist ({@code --createTable}), at submission.
   *
   * @throws SQLException if the server cannot be reached or refuses the DDL
   */
  public static void create(PostgresConnection postgres) throws SQLException {
    try (Connection c = postgres.connect();
        Statement s = c.createStatement()) {
      s.execute(createResults(postgres.resultsTable()));
      s.execute(createAlerts(postgres.alertsTable()));
    }
  }
}
