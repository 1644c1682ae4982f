package io.ctrstream.pipeline.io;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where results and alerts go in PostgreSQL. The password is not part of it: each worker reads it
 * when it connects ({@link WorkerSecret}), so it never enters the job's flags or its graph.
 *
 * @param url the JDBC URL, {@code jdbc:postgresql://host[:port]/database[?properties]}
 * @param user the database user, or {@code null} for the driver's default (the OS user)
 * @param passwordFile a file holding the password, read on the worker at each connect, or {@code
 *     null}: then the worker's environment variable {@value #PASSWORD_ENV}, if set, else none
 * @param resultsTable the table of result panes, one row per (dimension, key, window_start)
 * @param alertsTable the table of alerts, one row per (dimension, key, window_start, status)
 */
public record PostgresConnection(
    String url, String user, String passwordFile, String resultsTable, String alertsTable)
    implements Serializable {

  /** The environment variable a worker takes the password from when no password file is given. */
  public static final String PASSWORD_ENV = "CTR_JDBC_PASSWORD";

  /** The password, read now (file, else {@value #PASSWORD_ENV}); {@code null} for none. */
  String password() {
    return new WorkerSecret("PostgreSQL", passwordFile, PASSWORD_ENV, "jdbcPasswordFile").read();
  }

  /**
   * A data source that connects with the password read now; JdbcIO's writers call this once per
   * instance, on the worker.
   */
  public DataSource dataSource() {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setURL(url);
    if (user != null && !user.isEmpty()) {
      source.setUser(user);
    }
    String password = password();
    if (password != null) {
      source.setPassword(password);
    }
    source.setApplicationName("ctrstream");
    source.setConnectTimeout(10);
    return source;
  }

  /**
   * Opens a connection (auto-commit on); the caller closes it.
   *
   * @throws SQLException if the server cannot be reached or refuses the login
   */
  public Connection connect() throws SQLException {
    return dataSource().getConnection();
  }
}
