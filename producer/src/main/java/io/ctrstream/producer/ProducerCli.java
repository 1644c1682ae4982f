package io.ctrstream.producer;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ctr-producer replay|generate}: feeds the impressions and clicks topics.
 *
 * <p>Exit status: 0 done, 1 the broker was unreachable or sends failed, 2 a usage error.
 */
@Command(name = "ctr-producer", mixinStandardHelpOptions = true, version = "ctrstream producer 0.1.0",
    subcommands = {ReplayCommand.class, GenerateCommand.class},
    description = "Feed ctrstream's Kafka topics: replay ad logs, or generate a synthetic stream.")
public final class ProducerCli implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new ProducerCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof EventPublisher.BrokerUnreachableException) {
        commandLine.getErr().println("ctr-producer: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
