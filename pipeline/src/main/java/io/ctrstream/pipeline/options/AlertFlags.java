package io.ctrstream.pipeline.options;

import io.ctrstream.pipeline.alerts.AlertSettings;
import io.ctrstream.pipeline.model.Breakdown;
import io.ctrstream.pipeline.model.CtrResult;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@link AlertOptions}, checked into {@link AlertSettings}. */
final class AlertFlags {
  private AlertFlags() {}

  /**
   * The alert settings, or {@code null} with {@code --alerts=false}.
   *
   * @param breakdowns the job's breakdowns, which {@code --alertDimensions} may name
   * @throws InvalidFlagException naming the first flag whose value is out of its range
   */
  static AlertSettings from(AlertOptions o, List<Breakdown> breakdowns) {
    if (!o.getAlerts()) {
      return null;
    }
    if (!(o.getEwmaAlpha() > 0 && o.getEwmaAlpha() <= 1)) {
      throw invalid("ewmaAlpha", o.getEwmaAlpha(), "expected a number in (0, 1]");
    }
    if (!(o.getAlertSignificance() > 0 && o.getAlertSignificance() < 1)) {
      throw invalid(
          "alertSignificance", o.getAlertSignificance(), "expected a number in (0, 1), e.g. 0.001");
    }
    if (!(o.getCriticalZ() > 0)) {
      throw invalid("criticalZ", o.getCriticalZ(), "expected a positive number");
    }
    if (!(o.getCriticalRelativeChange() > 0)) {
      throw invalid(
          "criticalRelativeChange",
          o.getCriticalRelativeChange(),
          "expected a positive fraction, e.g. 0.5");
    }
    if (o.getMinImpressions() < 1) {
      throw new InvalidFlagException(
          "minImpressions",
          Long.toString(o.getMinImpressions()),
          "expected a whole number of at least 1");
    }
    Set<String> dimensions = new LinkedHashSet<>();
    for (String d : o.getAlertDimensions().split(",")) {
      String name = d.trim();
      if (!name.equals(CtrResult.CAMPAIGN)
          && breakdowns.stream().noneMatch(b -> b.name().equals(name))) {
        throw new InvalidFlagException(
            "alertDimensions",
            o.getAlertDimensions(),
            "'" + name + "' is neither campaign nor one of --breakdowns");
      }
      dimensions.add(name);
    }
    return new AlertSettings(
        o.getBaseline().name(),
        o.getEwmaAlpha(),
        o.getAlertSignificance(),
        o.getCriticalZ(),
        o.getCriticalRelativeChange(),
        o.getMinImpressions(),
        Durations.parse("alertCooldown", o.getAlertCooldown()),
        Set.copyOf(dimensions),
        o.getAlertOnNowcast());
  }

  private static InvalidFlagException invalid(String flag, double value, String problem) {
    return new InvalidFlagException(flag, formatted(value), problem);
  }

  /** A double as a user would have written it: {@code 2} rather than {@code 2.0}. */
  private static String formatted(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
