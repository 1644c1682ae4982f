package io.ctrstream.serving.cli;

import io.ctrstream.contract.ResultRecord;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ctr top --by ctr|impressions|clicks}: campaigns (or breakdown values) ranked by their
 * newest complete window.
 */
@Command(
    name = "top",
    mixinStandardHelpOptions = true,
    description =
        "Campaigns (or --dimension values) ranked by their newest complete window; ties by id.")
final class TopCommand extends StoreCommand {
  @Mixin SeriesOptions series;

  /** What to rank by. */
  enum By {
    ctr(ResultRecord::ctr),
    impressions(ResultRecord::impressions),
    clicks(ResultRecord::clicks);

    final ToDoubleFunction<ResultRecord> value;

    By(ToDoubleFunction<ResultRecord> value) {
      this.value = value;
    }
  }

  @Option(
      names = "--by",
      defaultValue = "ctr",
      description = "ctr, impressions or clicks (default: ${DEFAULT-VALUE}).")
  By by;

  @Option(
      names = "--limit",
      defaultValue = "10",
      description = "How many campaigns (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--min-impressions",
      defaultValue = "0",
      description =
          "Leave out windows with fewer impressions, so 1 click in 1 impression does not top a CTR ranking (default: ${DEFAULT-VALUE}).")
  long minImpressions;

  @Override
  void print(ResultStore store, PrintWriter out) {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
    }
    Series s = series.require(store);
    List<ResultRecord> ranked =
        store.latest(s).values().stream()
            .filter(r -> r.impressions() >= minImpressions)
            .sorted(
                Comparator.comparingDouble(by.value).reversed().thenComparing(ResultRecord::key))
            .limit(limit)
            .toList();
    if (json) {
      printResults(s, ranked, out);
      return;
    }
    Table t =
        new Table(
            ">rank", s.dimension(), "window_start", ">impressions", ">clicks", ">ctr", "timing");
    int rank = 1;
    for (ResultRecord r : ranked) {
      t.row(
          rank++,
          r.key(),
          Formats.time(r.windowStart()),
          r.impressions(),
          r.clicks(),
          Formats.percent(r.ctr()),
          r.timing());
    }
    out.print(t);
  }
}
