package io.ctrstream.pipeline.docs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;

import io.ctrstream.pipeline.model.DeadLetter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * Every counter the job counts and every dead-letter reason is in the docs: the counters in
 * docs/operations.md's metrics table, the reasons in docs/semantics.md's dead-letter table.
 */
public class MetricsDocTest {
  /** A counter named by a literal, as every ctrstream counter is ({@code CtrMetrics.counter}). */
  private static final Pattern COUNTER = Pattern.compile("counter\\(\\s*\"([a-z_]+)\"\\s*\\)");

  /** The counter names in the job's sources. */
  static Set<String> countersInCode() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Docs.ROOT.resolve("pipeline/src/main/java"))) {
      for (Path p :
          (Iterable<Path>) sources.filter(f -> f.toString().endsWith(".java"))::iterator) {
        Matcher m = COUNTER.matcher(Docs.read(p));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  @Test
  public void everyCounterIsDocumented() throws IOException {
    Set<String> counters = countersInCode();
    // the scan itself works: these are counted in the join, the parser and the alerts
    assertThat(counters, hasItems("impressions_parsed", "join_keys_live", "alerts_retracted"));
    String operations = Docs.read(Docs.ROOT.resolve("docs/operations.md"));
    List<String> missing = new ArrayList<>();
    for (String counter : counters) {
      if (!operations.contains("`" + counter + "`")) {
        missing.add(counter);
      }
    }
    assertThat("counters missing from docs/operations.md, Metrics", missing, empty());
  }

  @Test
  public void everyDeadLetterReasonIsDocumented() {
    String semantics = Docs.read(Docs.ROOT.resolve("docs/semantics.md"));
    String operations = Docs.read(Docs.ROOT.resolve("docs/operations.md"));
    List<String> missing = new ArrayList<>();
    for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
      if (!semantics.contains("| `" + reason.name() + "` |")) {
        missing.add(reason.name() + " (docs/semantics.md)");
      }
      if (!operations.contains("`dead_letters_" + reason.name() + "`")) {
        missing.add("dead_letters_" + reason.name() + " (docs/operations.md)");
      }
    }
    assertThat("dead-letter reasons missing from the docs", missing, empty());
  }
}
