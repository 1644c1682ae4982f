package io.ctrstream.pipeline.docs;

import io.ctrstream.pipeline.testing.JobHelp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code docs/flags.md} from the job's {@code --help}: one table per ctrstream option
 * interface, in the order the data flows, with each flag's type, default and description exactly as
 * {@code --help=io.ctrstream.pipeline.options.CtrOptions} prints them.
 */
final class FlagsDoc {
  /** The ctrstream option interfaces, in the order the data flows, with their section titles. */
  private static final Map<String, String> CONCERNS = new LinkedHashMap<>();

  static {
    CONCERNS.put("io.ctrstream.pipeline.options.SourceOptions", "Source");
    CONCERNS.put("io.ctrstream.pipeline.options.EventTimeOptions", "Event time");
    CONCERNS.put("io.ctrstream.pipeline.options.BreakdownOptions", "Breakdowns and trend");
    CONCERNS.put("io.ctrstream.pipeline.options.AlertOptions", "Alerts");
    CONCERNS.put("io.ctrstream.pipeline.options.SinkOptions", "Sinks");
  }

  private static final Pattern FLAG = Pattern.compile("^  --(\\w+)=<(.*)>$");

  private FlagsDoc() {}

  /** What Beam prints for {@code --help=<CtrOptions>}. */
  static String help() {
    return JobHelp.text();
  }

  /** The Markdown of {@code docs/flags.md} for {@code help}. */
  static String render(String help) {
    Map<String, String> sections = JobHelp.sections(help);
    StringBuilder md = new StringBuilder();
    md.append("# Flags\n\n")
        .append("<!-- Generated from the job's --help by FlagsDocTest; edit the options' ")
        .append("@Description, not this file. -->\n\n")
        .append("Every flag of the job, as ")
        .append("`--help=io.ctrstream.pipeline.options.CtrOptions` prints it. Durations read as ")
        .append("people write them: `500ms`, `30s`, `15m`, `1h`, `7d`, `1h30m`, or ISO-8601 ")
        .append("`PT30S`. A bad value stops the job with one line naming the flag. Runner flags ")
        .append("are Beam's own (`--runner`, `--flinkMaster`, `--parallelism`, ")
        .append("`--checkpointingInterval`, …), and so are the rest of `--help`'s sections.\n\n");
    for (Map.Entry<String, String> concern : CONCERNS.entrySet()) {
      String title = concern.getValue();
      String simple = concern.getKey().substring(concern.getKey().lastIndexOf('.') + 1);
      md.append("- [")
          .append(title)
          .append(" (`")
          .append(simple)
          .append("`)](#")
          .append(title.toLowerCase().replace(' ', '-'))
          .append("-")
          .append(simple.toLowerCase())
          .append(")\n");
    }
    for (Map.Entry<String, String> concern : CONCERNS.entrySet()) {
      String section = sections.get(concern.getKey());
      if (section == null) {
        throw new IllegalStateException("--help has no section " + concern.getKey());
      }
      String simple = concern.getKey().substring(concern.getKey().lastIndexOf('.') + 1);
      md.append("\n## ").append(concern.getValue()).append(" (`").append(simple).append("`)\n\n");
      md.append("| flag | type | default | meaning |\n| --- | --- | --- | --- |\n");
      for (Flag f : flags(section)) {
        md.append("| `--")
            .append(f.name)
            .append("` | ")
            .append(cell(f.type))
            .append(" | ")
            .append(f.defaultValue.isEmpty() ? "" : "`" + f.defaultValue + "`")
            .append(" | ")
            .append(cell(f.description))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  private record Flag(String name, String type, String defaultValue, String description) {}

  private static List<Flag> flags(String section) {
    List<Flag> flags = new ArrayList<>();
    String name = null;
    String type = null;
    String def = "";
    StringBuilder description = new StringBuilder();
    for (String line : section.split("\n", -1)) {
      Matcher m = FLAG.matcher(line);
      if (m.matches()) {
        if (name != null) {
          flags.add(new Flag(name, type, def, description.toString().trim()));
        }
        name = m.group(1);
        type = m.group(2);
        def = "";
        description.setLength(0);
      } else if (line.startsWith("    Default: ")) {
        def = line.substring("    Default: ".length()).trim();
      } else if (line.startsWith("    ")) {
        description.append(' ').append(line.trim());
      }
    }
    if (name != null) {
      flags.add(new Flag(name, type, def, description.toString().trim()));
    }
    return flags;
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
