package io.ctrstream.producer;

import io.ctrstream.contract.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ctr-producer replay|generate}: feeds the impressions and clicks topics.
 *
 * <p>Exit status: 0 done, 1 the broker was unreachable or sends failed, 2 a usage error.
 */
@Command(
    name = "ctr-producer",
    mixinStandardHelpOptions = true,
    versionProvider = ProducerCli.BuildVersion.class,
    subcommands = {ReplayCommand.class, GenerateCommand.class},
    description = "Feed ctrstream's Kafka topics: replay ad logs, or generate a synthetic stream.")
public final class ProducerCli implements Runnable {

  /** The version {@code --version} prints: this build's, from {@link Version}. */
  static final class BuildVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ctrstream producer " + Version.current()};
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status; progress goes to standard output. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), args);
  }

  /**
   * Runs the command line and returns its exit status.
   *
   * @param out where progress lines and the final count (with the last send error, if any) go
   */
  public static int execute(PrintWriter out, String... args) {
    CommandLine cli = new CommandLine(new ProducerCli());
    cli.setOut(out);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof EventPublisher.KafkaUnavailableException) {
            commandLine.getErr().println("ctr-producer: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }
}
