package io.ctrstream.pipeline.options;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Checks the values of typed flags (enums, numbers, booleans) before Beam parses them, so that a
 * bad one is one line naming the flag ({@code --ewmaAlpha=abc: expected a number}) rather than
 * Beam's two-line Jackson message that names only the type.
 */
public final class TypedFlags {
  private TypedFlags() {}

  /**
   * Checks every {@code --name=value} of {@code args} whose property {@code options} declares with
   * an enum, number or boolean type; other flags and bare {@code --name} are left to Beam.
   *
   * @throws InvalidFlagException naming the first flag whose value does not convert
   */
  public static void check(String[] args, Class<? extends PipelineOptions> options) {
    Map<String, Class<?>> types = propertyTypes(options);
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        continue;
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      Class<?> type = types.get(name);
      String problem = type == null ? null : problem(type, value);
      if (problem != null) {
        throw new InvalidFlagException(name, value, problem);
      }
    }
  }

  /** What is wrong with {@code value} as a {@code type}, or {@code null} if it converts. */
  static String problem(Class<?> type, String value) {
    if (type.isEnum()) {
      List<String> names =
          Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
      return names.contains(value) ? null : "expected " + either(names);
    }
    if (type == double.class || type == Double.class) {
      try {
        double d = Double.parseDouble(value.trim());
        return Double.isFinite(d) ? null : "expected a finite number";
      } catch (NumberFormatException e) {
        return "expected a number";
      }
    }
    if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
      try {
        long n = Long.parseLong(value.trim());
        boolean isInt = type == int.class || type == Integer.class;
        return !isInt || (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE)
            ? null
            : "expected a whole number";
      } catch (NumberFormatException e) {
        return "expected a whole number";
      }
    }
    if (type == boolean.class || type == Boolean.class) {
      return value.equals("true") || value.equals("false") ? null : "expected true or false";
    }
    return null;
  }

  private static String either(List<String> names) {
    return names.size() == 1
        ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1))
            + " or "
            + names.get(names.size() - 1);
  }

  private static Map<String, Class<?>> propertyTypes(Class<? extends PipelineOptions> options) {
    Map<String, Class<?>> types = new HashMap<>();
    for (Method m : options.getMethods()) {
      String n = m.getName();
      if (m.getParameterCount() != 0) {
        continue;
      }
      if (n.startsWith("get") && n.length() > 3) {
        types.put(Introspector.decapitalize(n.substring(3)), m.getReturnType());
      } else if (n.startsWith("is") && n.length() > 2) {
        types.put(Introspector.decapitalize(n.substring(2)), m.getReturnType());
      }
    }
    return types;
  }
}
