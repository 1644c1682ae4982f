package io.ctrstream.serving.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: text left-aligned, columns declared numeric
 * right-aligned, two spaces between columns, a header and a rule.
 */
final class Table {
  private final String[] headers;
  private final boolean[] numeric;
  private final List<String[]> rows = new ArrayList<>();

  /**
   * @param columns names; a name starting with {@code >} is a right-aligned (numeric) column
   */
  Table(String... columns) {
    headers = new String[columns.length];
    numeric = new boolean[columns.length];
    for (int i = 0; i < columns.length; i++) {
      numeric[i] = columns[i].startsWith(">");
      headers[i] = numeric[i] ? columns[i].substring(1) : columns[i];
    }
  }

  Table row(Object... cells) {
    if (cells.length != headers.length) {
      throw new IllegalArgumentException(
          "expected " + headers.length + " cells, got " + cells.length);
    }
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = String.valueOf(cells[i]);
    }
    rows.add(r);
    return this;
  }

  int size() {
    return rows.size();
  }

  /** The table as lines, without trailing spaces. */
  List<String> lines() {
    int[] width = new int[headers.length];
    for (int i = 0; i < headers.length; i++) {
      width[i] = headers[i].length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    List<String> out = new ArrayList<>();
    out.add(line(headers, width));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    out.add(rule.toString());
    for (String[] r : rows) {
      out.add(line(r, width));
    }
    return out;
  }

  @Override
  public String toString() {
    return String.join(System.lineSeparator(), lines()) + System.lineSeparator();
  }

  private String line(String[] cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        b.append("  ");
      }
      String pad = " ".repeat(width[i] - cells[i].length());
      b.append(numeric[i] ? pad + cells[i] : cells[i] + pad);
    }
    return b.toString().stripTrailing();
  }
}
