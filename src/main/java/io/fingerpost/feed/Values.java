package io.fingerpost.feed;

import java.util.regex.Pattern;

/** Parsing of the numbers feeds carry. */
final class Values {
  private Values() {}

  /**
   * A plain decimal number: Java's own parser also takes "5d", "0x1p3", "Infinity" and "NaN", which no
   * indicator file means as numbers.
   */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /**
   * Blank is null (the source has no value); anything else must be a finite decimal number.
   *
   * @throws IllegalArgumentException naming the column and the text
   */
  static Double number(String text, String column) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (!DECIMAL.matcher(text).matches()) {
      String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
      throw new IllegalArgumentException(column + " '" + shown + "' is not a number");
    }
    double d = Double.parseDouble(text);
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(column + " '" + text + "' is not a finite number");
    }
    return d;
  }
}
