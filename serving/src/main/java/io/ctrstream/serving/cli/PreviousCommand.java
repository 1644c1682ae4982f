package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ctr previous}: every campaign's (or breakdown value's) complete window before the newest
 * ({@code ctr:previous}).
 */
@Command(
    name = "previous",
    mixinStandardHelpOptions = true,
    description =
        "Every campaign's (or --dimension value's) complete window before its newest one, by id.")
final class PreviousCommand extends StoreCommand {
  @Mixin SeriesOptions series;

  @Override
  void print(ResultStore store, PrintWriter out) {
    Series s = series.require(store);
    printResults(s, store.previous(s).values(), out);
  }
}
