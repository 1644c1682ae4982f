package io.ctrstream.serving.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The decoded parameters of a request's query string; unknown or repeated names are a 400. */
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
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!allowed.contains(name)) {
        throw ApiException.badRequest("unknown parameter '" + name + "'"
            + (allowed.isEmpty() ? ": this path takes none" : "; allowed: " + String.join(", ", allowed)));
      }
      if (q.params.put(name, value) != null) {
        throw ApiException.badRequest("parameter '" + name + "' is given twice");
      }
    }
    return q;
  }

  String get(String name) {
    return params.get(name);
  }
}
