package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.AlertEntry;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.view.ResultJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code ctr alerts}: the newest SPIKE/DROP alerts from the stream {@code ctr:alerts}. */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = "The newest SPIKE/DROP alerts (and their corrections), newest first.")
final class AlertsCommand extends StoreCommand {
  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "How many alerts (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  void print(ResultStore store, PrintWriter out) {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
    }
    List<AlertEntry> alerts = store.alerts(limit);
    if (json) {
      out.println(ResultJson.write(ResultJson.alerts(alerts)));
      return;
    }
    Table t =
        new Table(
            "window_start",
            "dimension",
            "key",
            "kind",
            "severity",
            "status",
            ">impressions",
            ">ctr",
            ">baseline_ctr",
            ">change",
            ">z",
            ">p_value");
    for (AlertEntry a : alerts) {
      Map<String, String> f = a.fields();
      String change = f.get("relative_change");
      t.row(
          Formats.time(Long.parseLong(f.get("window_start"))),
          f.get("dimension"),
          f.get("key"),
          f.get("kind"),
          f.get("severity"),
          f.get("status"),
          f.get("impressions"),
          Formats.percent(Double.parseDouble(f.get("ctr"))),
          Formats.percent(Double.parseDouble(f.get("baseline_ctr"))),
          Formats.change(
              change == null || change.equals("null") ? null : Double.parseDouble(change)),
          String.format(Locale.ROOT, "%.2f", Double.parseDouble(f.get("z"))),
          String.format(Locale.ROOT, "%.2g", Double.parseDouble(f.get("p_value"))));
    }
    out.print(t);
  }
}
