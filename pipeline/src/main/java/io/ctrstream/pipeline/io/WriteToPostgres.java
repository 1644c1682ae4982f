package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes result panes and alerts to PostgreSQL with Beam's {@link JdbcIO}, as the upserts of {@link
 * PostgresTables}: batches of up to {@value #BATCH_SIZE} rows, one transaction each, sent at the
 * latest {@value #MAX_BUFFERING_MS} ms after their first row (unbounded input) or at a bundle's end
 * (bounded input).
 *
 * <p>The elements are re-windowed into the global window first: on unbounded input JdbcIO batches
 * with {@code GroupIntoBatches}, a stateful step, which would otherwise keep state and a timer per
 * CTR window. A failed batch is retried by JdbcIO on a serialization failure (SQLSTATE 40001) and
 * otherwise fails its bundle, so the runner replays it (Flink: from the last checkpoint); the
 * upserts make the replay an overwrite that never puts an older pane over a newer one.
 */
public final class WriteToPostgres {
  /** Rows per batch (JdbcIO's default). */
  public static final long BATCH_SIZE = 1_000;

  /** How long an unbounded batch waits for more rows, in ms (JdbcIO's default). */
  public static final long MAX_BUFFERING_MS = 200;

  private WriteToPostgres() {}

  /** Upserts every result pane into {@link PostgresConnection#resultsTable()}. */
  public static PTransform<PCollection<CtrResult>, PDone> results(PostgresConnection postgres) {
    return new Upsert<>(
        postgres,
        PostgresTables.upsertResult(postgres.resultsTable()),
        (r, statement) -> PostgresTables.setResult(r.toRecord(), statement));
  }

  /** Upserts every alert into {@link PostgresConnection#alertsTable()}. */
  public static PTransform<PCollection<Alert>, PDone> alerts(PostgresConnection postgres) {
    return new Upsert<>(
        postgres,
        PostgresTables.upsertAlert(postgres.alertsTable()),
        (a, statement) -> PostgresTables.setAlert(a.toRecord(), statement));
  }

  private static final class Upsert<T> extends PTransform<PCollection<T>, PDone> {
    private final PostgresConnection postgres;
    private final String statement;
    private final JdbcIO.PreparedStatementSetter<T> setter;

    Upsert(
        PostgresConnection postgres, String statement, JdbcIO.PreparedStatementSetter<T> setter) {
      this.postgres = postgres;
      this.statement = statement;
      this.setter = setter;
    }

    @Override
    public PDone expand(PCollection<T> input) {
      PostgresConnection target = postgres;
      return input
          .apply("GlobalWindow", Window.<T>into(new GlobalWindows()))
          .apply(
              "Upsert",
              JdbcIO.<T>write()
                  .withDataSourceProviderFn(ignored -> target.dataSource())
                  .withStatement(statement)
                  .withPreparedStatementSetter(setter)
                  .withBatchSize(BATCH_SIZE)
                  .withMaxBatchBufferingDuration(MAX_BUFFERING_MS));
    }
  }
}
