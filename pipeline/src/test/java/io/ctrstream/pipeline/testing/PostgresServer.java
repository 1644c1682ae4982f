package io.ctrstream.pipeline.testing;

import io.ctrstream.pipeline.io.PostgresConnection;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.rules.ExternalResource;

/**
 * A real PostgreSQL server on a free localhost port for the duration of a test class, started and
 * stopped by {@code deploy/stack.sh start|stop postgres} in a run directory of its own: Debian's
 * server binaries (the script installs them where missing), user {@code ctrstream}, database {@code
 * ctrstream}, password login with a generated password in {@link #passwordFile()}.
 */
public class PostgresServer extends ExternalResource {
  private static final Path STACK_SCRIPT = repository().resolve("deploy/stack.sh");

  private Path runDir;
  private int port;
  private final Properties flags = new Properties();

  /** {@code jdbc:postgresql://127.0.0.1:<port>/ctrstream}. */
  public String url() {
    return flags.getProperty("jdbcUrl");
  }

  public String user() {
    return flags.getProperty("jdbcUser");
  }

  /** The file holding the password, as {@code --jdbcPasswordFile} takes it. */
  public Path passwordFile() {
    return Paths.get(flags.getProperty("jdbcPasswordFile"));
  }

  /**
   * The job's flags to write here: {@code --jdbcUrl}, {@code --jdbcUser}, {@code
   * --jdbcPasswordFile}.
   */
  public List<String> jobFlags() {
    return jobFlags(flags);
  }

  /** Where the job writes here, into {@code ctr_results} and {@code ctr_alerts}. */
  public PostgresConnection connection() {
    return new PostgresConnection(
        url(), user(), passwordFile().toString(), "ctr_results", "ctr_alerts");
  }

  /** A new connection; the caller closes it. */
  public Connection connect() throws SQLException {
    return connect(flags);
  }

  /**
   * What {@code deploy/stack.sh start postgres} wrote of its server in {@code runDir}: the job's
   * flags by name ({@code jdbcUrl}, {@code jdbcUser}, {@code jdbcPasswordFile}).
   */
  public static Properties stackFlags(Path runDir) throws IOException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(runDir.resolve("postgres.properties"))) {
      props.load(in);
    }
    return props;
  }

  /** The job's flags for the server {@code stack} (as {@link #stackFlags} read them) names. */
  public static List<String> jobFlags(Properties stack) {
    return List.of(
        "--jdbcUrl=" + stack.getProperty("jdbcUrl"),
        "--jdbcUser=" + stack.getProperty("jdbcUser"),
        "--jdbcPasswordFile=" + stack.getProperty("jdbcPasswordFile"));
  }

  /** A new connection, with the password from its file, to the server {@code stack} names. */
  public static Connection connect(Properties stack) throws SQLException {
    Path passwordFile = Paths.get(stack.getProperty("jdbcPasswordFile"));
    Properties login = new Properties();
    login.setProperty("user", stack.getProperty("jdbcUser"));
    try {
      login.setProperty("password", Files.readString(passwordFile).strip());
    } catch (IOException e) {
      throw new SQLException("cannot read " + passwordFile, e);
    }
    return DriverManager.getConnection(stack.getProperty("jdbcUrl"), login);
  }

  /**
   * The campaign rows of a results table that are final, as {@link ReferenceCtr#counts} has them:
   * {@code "campaign|window_start_ms"} → [impressions, clicks].
   */
  public Map<String, List<Long>> finalCampaignCounts(String table) throws SQLException {
    try (Connection c = connect()) {
      return finalCampaignCounts(c, table);
    }
  }

  /** {@link #finalCampaignCounts(String)} over a connection of the caller's. */
  public static Map<String, List<Long>> finalCampaignCounts(Connection c, String table)
      throws SQLException {
    Map<String, List<Long>> counts = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT key, window_start, impressions, clicks FROM "
                    + table
                    + " WHERE dimension = 'campaign' AND final")) {
      while (rows.next()) {
        counts.put(
            rows.getString(1) + "|" + rows.getTimestamp(2).getTime(),
            List.of(rows.getLong(3), rows.getLong(4)));
      }
    }
    return counts;
  }

  @Override
  protected void before() throws Throwable {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    runDir = Files.createTempDirectory("ctrstream-pg-test-");
    // the server runs as the postgres OS user when the tests run as root: it must reach the dir
    Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    stack("start");
    flags.putAll(stackFlags(runDir));
  }

  @Override
  protected void after() {
    try {
      stack("stop");
      try (var paths = Files.walk(runDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("could not stop PostgreSQL", e);
    }
  }

  private void stack(String command) throws IOException, InterruptedException {
    Path log = runDir.resolve("stack-" + command + ".log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", STACK_SCRIPT.toString(), command, "postgres")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("CTR_RUN_DIR", runDir.toString());
    pb.environment().put("POSTGRES_PORT", Integer.toString(port));
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "deploy/stack.sh " + command + " postgres failed: " + Files.readString(log));
    }
  }

  private static Path repository() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("deploy/stack.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "deploy/stack.sh not found above " + new File("").getAbsolutePath());
    }
    return dir;
  }
}
