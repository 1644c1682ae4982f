package io.ctrstream.pipeline.options;

import io.ctrstream.pipeline.model.Breakdown;
import java.util.ArrayList;
import java.util.List;

/** {@code --breakdowns}, checked. */
final class Breakdowns {
  private Breakdowns() {}

  /**
   * The breakdowns in the order given (empty for none).
   *
   * @throws InvalidFlagException for a spec {@link Breakdown#parse} refuses or one given twice
   */
  static List<Breakdown> from(BreakdownOptions o) {
    String value = o.getBreakdowns();
    List<Breakdown> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String spec : value.split(",")) {
      Breakdown b;
      try {
        b = Breakdown.parse(spec);
      } catch (IllegalArgumentException e) {
        throw new InvalidFlagException("breakdowns", value, e.getMessage());
      }
      if (out.contains(b)) {
        throw new InvalidFlagException("breakdowns", value, "'" + b.name() + "' is given twice");
      }
      out.add(b);
    }
    return List.copyOf(out);
  }
}
