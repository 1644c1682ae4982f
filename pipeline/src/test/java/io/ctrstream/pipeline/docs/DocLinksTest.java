package io.ctrstream.pipeline.docs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Every relative link and {@code #anchor} in the README, CONTRIBUTING, CHANGELOG and docs/
 * resolves: the file exists, and the anchor is a heading of it as GitHub names headings (lower
 * case, spaces to hyphens, punctuation dropped, repeats numbered).
 */
public class DocLinksTest {
  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  /** GitHub's anchor of a heading's text. */
  static String slug(String heading) {
    String text = heading.replaceAll("`", "").replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
    StringBuilder s = new StringBuilder();
    for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        s.append(c);
      } else if (c == ' ') {
        s.append('-');
      }
    }
    return s.toString();
  }

  /** The anchors of a Markdown text's headings, outside fenced code. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : markdown.split("\n")) {
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      Matcher h = HEADING.matcher(line);
      if (!fenced && h.matches()) {
        String base = slug(h.group(1));
        int n = seen.merge(base, 1, Integer::sum);
        anchors.add(n == 1 ? base : base + "-" + (n - 1));
      }
    }
    return anchors;
  }

  /** The broken relative links of one file: "file: target (why)". */
  static List<String> brokenLinks(Path file) {
    List<String> broken = new ArrayList<>();
    boolean fenced = false;
    for (String line : Docs.read(file).split("\n")) {
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        String where = Docs.ROOT.relativize(file) + ": " + target;
        if (!Files.exists(resolved)) {
          broken.add(where + " (no such file)");
        } else if (anchor != null && !anchors(Docs.read(resolved)).contains(anchor)) {
          broken.add(where + " (no such heading)");
        }
      }
    }
    return broken;
  }

  @Test
  public void everyRelativeLinkAndAnchorResolves() {
    List<String> broken = new ArrayList<>();
    int files = 0;
    for (Path file : Docs.markdownFiles()) {
      broken.addAll(brokenLinks(file));
      files++;
    }
    assertThat(files, greaterThan(10));
    assertThat("broken links", broken, empty());
  }

  @Test
  public void anchorsAreGitHubs() {
    assertThat(
        slug("Upgrading a running job: savepoints"), equalTo("upgrading-a-running-job-savepoints"));
    assertThat(slug("The `ctr` CLI"), equalTo("the-ctr-cli"));
    assertThat(slug("Method: `deploy/bench.sh`"), equalTo("method-deploybenchsh"));
    assertThat(
        anchors("# A\n## Same\n```\n## Not a heading\n```\n## Same\n"),
        equalTo(Set.of("a", "same", "same-1")));
  }
}
