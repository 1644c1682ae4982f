package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.ResultStore;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ctr previous}: every campaign's complete window before the newest ({@code ctr:previous}). */
@Command(name = "previous", mixinStandardHelpOptions = true,
    description = "Every campaign's complete window before its newest one, by campaign id.")
final class PreviousCommand extends StoreCommand {
  @Override
  void print(ResultStore store, PrintWriter out) {
    printResults(store.previous().values(), out);
  }
}
