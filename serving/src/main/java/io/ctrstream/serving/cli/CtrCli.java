package io.ctrstream.serving.cli;

import io.ctrstream.contract.Version;
import io.ctrstream.serving.store.StoreUnavailableException;
import io.ctrstream.serving.store.UnknownSeriesException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ctr}: reads the CTR results the pipeline writes to Redis.
 *
 * <p>Exit status: 0 done, 1 Redis unreachable (or the server could not listen), 2 a usage error, 3
 * an unknown campaign (or breakdown value, or dimension).
 */
@Command(
    name = "ctr",
    mixinStandardHelpOptions = true,
    versionProvider = CtrCli.BuildVersion.class,
    subcommands = {
      LatestCommand.class,
      PreviousCommand.class,
      ShowCommand.class,
      TopCommand.class,
      WatchCommand.class,
      DimensionsCommand.class,
      AlertsCommand.class,
      ServeCommand.class,
      TokenCommand.class
    },
    description =
        "Read ctrstream's CTR results from Redis: tables, JSON, a live watch, the HTTP API and dashboard.")
public final class CtrCli implements Runnable {
  /** Exit status when Redis cannot be reached. */
  public static final int EXIT_UNAVAILABLE = 1;

  /** Exit status for an unknown campaign, breakdown value or dimension. */
  public static final int EXIT_NOT_FOUND = 3;

  /** The version {@code --version} prints: this build's, from {@link Version}. */
  static final class BuildVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ctrstream ctr " + Version.current()};
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with expected errors turned into one line on stderr and an exit status. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CtrCli());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof StoreUnavailableException) {
            commandLine.getErr().println("ctr: " + e.getMessage());
            return EXIT_UNAVAILABLE;
          }
          if (e instanceof NotFoundException || e instanceof UnknownSeriesException) {
            commandLine.getErr().println("ctr: " + e.getMessage());
            return EXIT_NOT_FOUND;
          }
          throw e;
        });
    return cli;
  }
}
