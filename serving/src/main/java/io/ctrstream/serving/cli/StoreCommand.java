package io.ctrstream.serving.cli;

import io.ctrstream.contract.ResultRecord;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import io.ctrstream.serving.view.ResultJson;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A {@code ctr} command that reads Redis and prints a table, or JSON with {@code --json}. */
abstract class StoreCommand implements Callable<Integer> {
  @Mixin RedisOptions redis;

  @Option(names = "--json", description = "Print JSON (the HTTP API's shapes) instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    try (ResultStore store = redis.open()) {
      print(store, spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** Reads and prints; throws {@link NotFoundException} or the store's exceptions. */
  abstract void print(ResultStore store, PrintWriter out);

  /**
   * Prints results as the window table (first column named after the series' dimension), or as
   * {@code {"count", "results"}} JSON.
   */
  void printResults(Series series, Collection<ResultRecord> results, PrintWriter out) {
    if (json) {
      out.println(ResultJson.write(ResultJson.results(results)));
      return;
    }
    Table t =
        new Table(
            series.dimension(),
            "window_start",
            "window_end",
            ">impressions",
            ">clicks",
            ">ctr",
            "timing",
            ">pane",
            "final");
    for (ResultRecord r : results) {
      t.row(
          r.key(),
          Formats.time(r.windowStart()),
          Formats.time(r.windowEnd()),
          r.impressions(),
          r.clicks(),
          Formats.percent(r.ctr()),
          r.timing(),
          r.paneIndex(),
          r.isFinal());
    }
    out.print(t);
  }
}
