package io.ctrstream.serving.cli;

import io.ctrstream.contract.ResultRecord;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.Series;
import io.ctrstream.serving.store.StoreUnavailableException;
import io.ctrstream.serving.view.Comparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ctr watch}: a terminal table refreshed every few seconds. Per campaign, its newest window
 * (often an EARLY pane of a window still open) next to its newest complete window and the change
 * against the complete window before it. Campaigns with the most impressions in their newest window
 * come first. Redis going away is shown in place; the watch goes on until Ctrl-C.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "A refreshing table: each campaign's newest window and its newest complete window vs the one before.")
final class WatchCommand implements Callable<Integer> {
  @Mixin RedisOptions redis;

  @Mixin SeriesOptions series;

  @Option(
      names = "--every",
      defaultValue = "2",
      paramLabel = "SECONDS",
      description = "Refresh interval in seconds (default: ${DEFAULT-VALUE}).")
  double everySeconds;

  @Option(
      names = "--limit",
      defaultValue = "15",
      description = "Show this many campaigns (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--tail",
      paramLabel = "FILE",
      description =
          "Show the last line of this log file above the table (repeatable), e.g. the producer's progress.")
  List<Path> tails = new ArrayList<>();

  @Option(
      names = "--once",
      description = "Print the table once, without clearing the screen, and exit.")
  boolean once;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (everySeconds < 0.1) {
      throw new ParameterException(
          spec.commandLine(), "--every must be at least 0.1 seconds, not " + everySeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ResultStore store = redis.open()) {
      Series s = series.require(store);
      if (once) {
        table(store, s, limit).lines().forEach(out::println);
        out.flush();
        return 0;
      }
      while (true) {
        StringBuilder screen = new StringBuilder("\033[H\033[2J");
        screen
            .append("ctrstream live CTR")
            .append(s.isCampaign() && !s.trend() ? "" : " by " + s.describe())
            .append("  ")
            .append(LocalTime.now().truncatedTo(ChronoUnit.SECONDS))
            .append("  (")
            .append(store.address())
            .append("; Ctrl-C to stop)\n");
        tails.forEach(f -> screen.append(lastLine(f)).append('\n'));
        screen.append('\n');
        try {
          table(store, s, limit).lines().forEach(l -> screen.append(l).append('\n'));
        } catch (StoreUnavailableException e) {
          screen.append(e.getMessage()).append('\n');
        }
        out.print(screen);
        out.flush();
        Thread.sleep((long) (everySeconds * 1000));
      }
    }
  }

  /** The watch table of the keys (campaigns) with the most impressions in their newest window. */
  static Table table(ResultStore store, Series series, int limit) {
    Map<String, ResultRecord> newest = store.newestWindows(series);
    Map<String, ResultRecord> latest = store.latest(series);
    Map<String, ResultRecord> previous = store.previous(series);
    Table t =
        new Table(
            series.dimension(),
            "newest_window",
            "pane",
            ">impressions",
            ">clicks",
            ">ctr",
            ">nowcast",
            "complete_window",
            ">impressions",
            ">clicks",
            ">ctr",
            ">vs_previous");
    newest.values().stream()
        .sorted(
            Comparator.comparingLong(ResultRecord::impressions)
                .reversed()
                .thenComparing(ResultRecord::key))
        .limit(limit)
        .forEach(
            n -> {
              Comparison c =
                  new Comparison(
                      n.dimension(), n.key(), latest.get(n.key()), previous.get(n.key()), n);
              ResultRecord l = c.latest();
              t.row(
                  n.key(),
                  Formats.time(n.windowStart()),
                  n.timing(),
                  n.impressions(),
                  n.clicks(),
                  Formats.percent(n.ctr()),
                  Formats.nowcast(n.nowcast()),
                  l == null ? "(none yet)" : Formats.time(l.windowStart()),
                  l == null ? "" : l.impressions(),
                  l == null ? "" : l.clicks(),
                  l == null ? "" : Formats.percent(l.ctr()),
                  Formats.change(c.relativeChange()));
            });
    return t;
  }

  private static String lastLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
      String last = lines.isEmpty() ? file + ": (nothing yet)" : lines.get(lines.size() - 1);
      return last.length() > 150 ? last.substring(0, 150) : last;
    } catch (IOException e) {
      return file + ": (not there yet)";
    }
  }
}
