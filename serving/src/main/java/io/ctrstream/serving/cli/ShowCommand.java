package io.ctrstream.serving.cli;

import io.ctrstream.contract.ResultRecord;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import io.ctrstream.serving.view.ResultJson;
import io.ctrstream.serving.view.TimeBound;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code ctr show <campaign> [--from --to]}: one campaign's (or breakdown value's) window history.
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "One campaign's (or --dimension value's) windows, oldest first: impressions, clicks, CTR, pane timing, final flag.")
final class ShowCommand extends StoreCommand {
  @Parameters(
      index = "0",
      paramLabel = "KEY",
      description = "Campaign id, or with --dimension a value of it (e.g. mobile).")
  String key;

  @Mixin SeriesOptions series;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description =
          "Windows starting at or after TIME: ISO-8601 (2024-03-01T12:00:00Z) or epoch ms.")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "Windows starting before TIME (same forms).")
  String to;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description = "At most this many windows, the newest (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  void print(ResultStore store, PrintWriter out) {
    long fromMs = bound("--from", from, Long.MIN_VALUE);
    long toMs = bound("--to", to, Long.MAX_VALUE);
    if (fromMs >= toMs) {
      throw new ParameterException(spec.commandLine(), "--from must be before --to");
    }
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
    }
    Series s = series.require(store);
    if (!store.isKnown(s, key)) {
      throw new NotFoundException(
          "unknown "
              + s.describe()
              + " '"
              + key
              + "' (ctr latest"
              + (s.isCampaign() ? "" : " --dimension " + s.dimension())
              + (s.trend() ? " --trend" : "")
              + " lists the known ones)");
    }
    List<ResultRecord> windows = store.windows(s, key, fromMs, toMs, limit);
    if (json) {
      var body = ResultJson.object();
      ResultJson.identify(body, s.dimension(), key);
      body.setAll(ResultJson.results(windows));
      out.println(ResultJson.write(body));
      return;
    }
    Table t =
        new Table(
            "window_start",
            "window_end",
            ">impressions",
            ">clicks",
            ">ctr",
            ">nowcast",
            "timing",
            ">pane",
            "final",
            "updated_at");
    for (ResultRecord w : windows) {
      t.row(
          Formats.time(w.windowStart()),
          Formats.time(w.windowEnd()),
          w.impressions(),
          w.clicks(),
          Formats.percent(w.ctr()),
          Formats.nowcast(w.nowcast()),
          w.timing(),
          w.paneIndex(),
          w.isFinal(),
          Formats.time(w.updatedAt()));
    }
    out.print(t);
  }

  private long bound(String name, String value, long none) {
    if (value == null) {
      return none;
    }
    try {
      return TimeBound.parse(name, value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
