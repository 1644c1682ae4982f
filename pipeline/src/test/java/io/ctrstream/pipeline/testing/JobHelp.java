package io.ctrstream.pipeline.testing;

import io.ctrstream.pipeline.options.CtrOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** The job's {@code --help=io.ctrstream.pipeline.options.CtrOptions}, as Beam prints it. */
public final class JobHelp {
  /** Beam heads each option interface's section with {@code <interface name>:}. */
  private static final Pattern HEADER = Pattern.compile("(?m)^(\\S+):$");

  private JobHelp() {}

  /** The whole text. */
  public static String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PipelineOptionsFactory.printHelp(
        new PrintStream(out, true, StandardCharsets.UTF_8), CtrOptions.class);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Each option interface's section, by the interface's full name, in the order printed. */
  public static Map<String, String> sections(String help) {
    Map<String, String> sections = new LinkedHashMap<>();
    Matcher headers = HEADER.matcher(help);
    String name = null;
    int from = 0;
    while (headers.find()) {
      if (name != null) {
        sections.put(name, help.substring(from, headers.start()));
      }
      name = headers.group(1);
      from = headers.end();
    }
    if (name != null) {
      sections.put(name, help.substring(from));
    }
    return sections;
  }
}
