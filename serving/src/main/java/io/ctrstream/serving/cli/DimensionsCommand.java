package io.ctrstream.serving.cli;

import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.view.ResultJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ctr dimensions}: the dimensions with results (campaign and breakdowns) and their keys. */
@Command(
    name = "dimensions",
    mixinStandardHelpOptions = true,
    description =
        "The dimensions with results (campaign, and each --breakdowns entry of the job), with their keys.")
final class DimensionsCommand extends StoreCommand {
  /** Keys shown per dimension in the table (all of them with --json). */
  private static final int SHOWN_KEYS = 8;

  @Option(
      names = "--trend",
      description = "The trend windows' dimensions instead of the fixed windows'.")
  boolean trend;

  @Override
  void print(ResultStore store, PrintWriter out) {
    Map<String, List<String>> keysByDimension = store.keysByDimension(trend);
    if (json) {
      out.println(ResultJson.write(ResultJson.dimensions(trend, keysByDimension)));
      return;
    }
    Table t = new Table("dimension", ">keys", "first_keys");
    keysByDimension.forEach(
        (dimension, keys) ->
            t.row(
                dimension,
                keys.size(),
                String.join(", ", keys.subList(0, Math.min(SHOWN_KEYS, keys.size())))
                    + (keys.size() > SHOWN_KEYS ? ", …" : "")));
    out.print(t);
  }
}
