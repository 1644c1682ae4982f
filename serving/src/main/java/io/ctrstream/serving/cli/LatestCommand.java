package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.ResultStore;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ctr latest}: every campaign's newest complete window ({@code ctr:latest}). */
@Command(name = "latest", mixinStandardHelpOptions = true,
    description = "Every campaign's newest complete window (ON_TIME or LATE pane), by campaign id.")
final class LatestCommand extends StoreCommand {
  @Override
  void print(ResultStore store, PrintWriter out) {
    printResults(store.latest().values(), out);
  }
}
