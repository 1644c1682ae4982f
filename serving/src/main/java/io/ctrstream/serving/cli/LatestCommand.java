package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ctr latest}: every campaign's (or breakdown value's) newest complete window ({@code
 * ctr:latest}).
 */
@Command(
    name = "latest",
    mixinStandardHelpOptions = true,
    description =
        "Every campaign's (or --dimension value's) newest complete window (ON_TIME or LATE pane), by id.")
final class LatestCommand extends StoreCommand {
  @Mixin SeriesOptions series;

  @Override
  void print(ResultStore store, PrintWriter out) {
    Series s = series.require(store);
    printResults(s, store.latest(s).values(), out);
  }
}
