package io.ctrstream.serving.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The decoded parameters of a request's query string; unknown or repeated names are a 400. Values
 * are percent-decoded, but a {@code +} stays a {@code +} (breakdown names such as {@code
 * campaign_id+device} have one; no name or value of this API has a space).
 */
final class Query {
  private final Map<String, String> params = new LinkedHashMap<>();

  private Query() {}

  /**
   * Parses {@code a=1&b=2}, allowing only {@code allowed} names.
   *
   * @throws ApiException 400 naming an unknown or repeated parameter
   */
  static Query parse(String rawQuery, Set<String> allowed) {
    Query q = new Query();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return q;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!allowed.contains(name)) {
        throw ApiException.badRequest(
            "unknown parameter '"
                + name
                + "'"
                + (allowed.isEmpty()
                    ? ": this path takes none"
                    : "; allowed: " + String.join(", ", new TreeSet<>(allowed))));
      }
      if (q.params.put(name, value) != null) {
        throw ApiException.badRequest("parameter '" + name + "' is given twice");
      }
    }
    return q;
  }

  /**
   * Percent-decodes a query name or value or a path segment, keeping {@code +} as it is.
   *
   * @throws ApiException 400 for a broken escape such as {@code %zz} or a lone {@code %}
   */
  static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("malformed percent escape in '" + raw + "'");
    }
  }

  String get(String name) {
    return params.get(name);
  }
}
