package io.ctrstream.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Moves one campaign's CTR through phases over time, repeating: {@code
 * <campaign>:<phase>=<duration>[,<phase>=<duration>…]} with phases {@code normal}, {@code low} and
 * {@code high}, e.g. {@code c1:normal=2m,low=1m,high=1m}. Durations: {@code 30s}, {@code 2m},
 * {@code 1h}.
 */
final class PhaseScript {
  /** A phase and how long it lasts. */
  record Step(String phase, Duration length) {}

  final String campaign;
  final List<Step> steps;
  private final long cycleMillis;

  private PhaseScript(String campaign, List<Step> steps) {
    this.campaign = campaign;
    this.steps = steps;
    this.cycleMillis = steps.stream().mapToLong(s -> s.length.toMillis()).sum();
  }

  /**
   * @throws IllegalArgumentException with what is wrong in {@code spec}
   */
  static PhaseScript parse(String spec) {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "expected <campaign>:<phase>=<duration>,..., e.g. c1:normal=2m,low=1m,high=1m; got '"
              + spec
              + "'");
    }
    List<Step> steps = new ArrayList<>();
    for (String part : spec.substring(colon + 1).split(",")) {
      String[] kv = part.split("=", 2);
      String phase = kv[0].trim().toLowerCase(Locale.ROOT);
      if (!List.of("normal", "low", "high").contains(phase) || kv.length != 2) {
        throw new IllegalArgumentException(
            "phase '" + part + "' is not normal=, low= or high=<duration>");
      }
      steps.add(new Step(phase, duration(kv[1].trim())));
    }
    return new PhaseScript(spec.substring(0, colon), steps);
  }

  /** The phase at {@code elapsed} since the start of the stream. */
  String phaseAt(Duration elapsed) {
    long t = Math.floorMod(elapsed.toMillis(), cycleMillis);
    for (Step s : steps) {
      if (t < s.length.toMillis()) {
        return s.phase;
      }
      t -= s.length.toMillis();
    }
    return steps.get(steps.size() - 1).phase;
  }

  static Duration duration(String s) {
    String v = s.toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'" + s + "' is not a duration such as 500ms, 30s, 2m, 1h");
    }
  }
}
