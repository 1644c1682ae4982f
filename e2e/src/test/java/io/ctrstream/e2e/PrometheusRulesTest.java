package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The monitoring files of {@code deploy/prometheus/}: the alert rules pass {@code promtool check
 * rules} and their unit tests ({@code promtool test rules}), every alert has a test case and a
 * runbook section in docs/operations.md, and every query of the Grafana dashboard is valid PromQL
 * ({@code promtool} checks it as a recording rule). Needs Debian's {@code prometheus} package
 * (promtool), which deploy/test.sh installs.
 */
public class PrometheusRulesTest {
  private static final Path ROOT =
      Paths.get(System.getProperty("ctrstream.root", "..")).toAbsolutePath().normalize();
  private static final Path DIR = ROOT.resolve("deploy/prometheus");

  private static String promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is missing: install Debian's prometheus package (deploy/test.sh does)", e);
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(String.join(" ", command) + ":\n" + out, p.waitFor(), equalTo(0));
    return out;
  }

  private static Set<String> all(Pattern pattern, String text) {
    Set<String> found = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  public void alertRulesAreValidAndPassTheirUnitTests() throws Exception {
    assertThat(promtool("check", "rules", "ctrstream-alerts.yml"), containsString("SUCCESS"));
    assertThat(promtool("test", "rules", "ctrstream-alerts.test.yml"), containsString("SUCCESS"));
  }

  @Test
  public void everyAlertHasATestCaseAndARunbookSection() throws IOException {
    Set<String> alerts =
        all(
            Pattern.compile("(?m)^\\s*- alert: (\\w+)"),
            Files.readString(DIR.resolve("ctrstream-alerts.yml")));
    assertThat(alerts.size(), greaterThan(0));
    Set<String> tested =
        all(
            Pattern.compile("(?m)^\\s*alertname: (\\w+)"),
            Files.readString(DIR.resolve("ctrstream-alerts.test.yml")));
    assertThat("alerts tested by ctrstream-alerts.test.yml", tested, equalTo(alerts));
    Set<String> runbooks =
        all(
            Pattern.compile("(?m)^### (\\w+)$"),
            Files.readString(ROOT.resolve("docs/operations.md")));
    Set<String> missing = new TreeSet<>(alerts);
    missing.removeAll(runbooks);
    assertThat("alerts without a '### <alert>' runbook in docs/operations.md", missing, empty());
    Set<String> links =
        all(
            Pattern.compile("runbook: docs/operations.md#(\\w+)"),
            Files.readString(DIR.resolve("ctrstream-alerts.yml")));
    Set<String> anchors = new TreeSet<>();
    alerts.forEach(a -> anchors.add(a.toLowerCase(Locale.ROOT)));
    assertThat("each alert's runbook annotation", links, equalTo(anchors));
  }

  @Test
  public void everyDashboardQueryIsValidPromQl() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
    assertThat(dashboard.get("title").asText(), equalTo("ctrstream"));
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("title").asText().isEmpty(), equalTo(false));
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.get("expr").asText());
      }
    }
    assertThat(exprs.size(), greaterThan(0));
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      String expr = exprs.get(i).replace("$__rate_interval", "5m").replace("\"", "\\\"");
      rules.append("      - record: dashboard:panel").append(i).append('\n');
      rules.append("        expr: \"").append(expr).append("\"\n");
    }
    Path file = Files.createTempFile("dashboard-queries", ".yml");
    try {
      Files.writeString(file, rules);
      assertThat(
          promtool("check", "rules", file.toString()),
          containsString("SUCCESS: " + exprs.size() + " rules found"));
    } finally {
      Files.delete(file);
    }
  }
}
