package io.fingerpost.feed;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;

/** Parsing of the numbers feeds carry. */
final class Values {
  private Values() {}

  /**
   * Blank is null (the source has no value); anything else must be a finite decimal number.
   *
   * @throws IllegalArgumentException naming the column and the text
   */
  static Double number(String text, String column) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    char[] a = text.toCharArray();
    return number(a, 0, a.length, column);
  }

  /**
   * {@link #number(String, String)} of the text {@code a[from, to)}, without making a String of it (issue 14:
   * the CSV reader's seven numbers a row). A plain decimal number only, {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?}
   * ({@link #decimal}): Java's own parser also takes "5d", "0x1p3", "Infinity" and "NaN", which no indicator
   * file means as numbers. The value is FastDoubleParser's, which gives {@link Double#parseDouble}'s double
   * bit for bit (correctly rounded, Clinger's fast path and Eisel-Lemire, with a fallback).
   */
  static Double number(char[] a, int from, int to, String column) {
    return from == to ? null : finite(a, from, to, column);
  }

  /** {@link #number(char[], int, int, String)} of a text that is not blank, unboxed (pass 1, {@link RowParts}). */
  static double finite(char[] a, int from, int to, String column) {
    double d = simple(a, from, to); // checks its own grammar: one pass over the usual number, not two
    if (d == d) {
      return d;
    }
    if (!decimal(a, from, to)) {
      String text = new String(a, from, to - from);
      String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
      throw new IllegalArgumentException(column + " '" + shown + "' is not a number");
    }
    try {
      d = JavaDoubleParser.parseDouble(a, from, to - from);
    } catch (NumberFormatException e) { // not expected for text of the grammar; Java's parser then decides
      d = Double.parseDouble(new String(a, from, to - from));
    }
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(column + " '" + new String(a, from, to - from) + "' is not a finite number");
    }
    return d;
  }

  private static final double[] POWERS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
      1e14, 1e15};

  /**
   * The usual case, {@code [+-]?\d+(\.\d+)?} with at most 15 digits, by Clinger's fast path: the digits as a
   * whole number m below 2^53 and 10^k are both exact doubles, so m / 10^k is the correctly rounded value, as
   * {@link Double#parseDouble} gives (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990).
   * NaN for anything else ({@link #decimal} and FastDoubleParser then decide): what it takes, {@link #decimal} takes.
   */
  private static double simple(char[] a, int from, int to) {
    int i = from;
    boolean negative = a[i] == '-';
    if (negative || a[i] == '+') {
      i++;
    }
    if (to - i > 16) {
      return Double.NaN;
    }
    // the whole part, then the fraction, each its own loop: no test a digit of which part (issue 14: pass 1's
    // seven numbers a row were a sixth of its thread)
    long m = 0;
    int wholeStart = i;
    int d;
    while (i < to && (d = a[i] - '0') >= 0 && d <= 9) {
      m = m * 10 + d;
      i++;
    }
    int digits = i - wholeStart;
    int fraction = 0;
    if (i < to && a[i] == '.') {
      int fractionStart = ++i;
      while (i < to && (d = a[i] - '0') >= 0 && d <= 9) {
        m = m * 10 + d;
        i++;
      }
      fraction = i - fractionStart;
      digits += fraction;
    }
    if (i != to || digits > 15 || digits == 0) {
      return Double.NaN; // a second point, an exponent, not a number; too many digits; none
    }
    double v = fraction > 0 ? m / POWERS[fraction] : m;
    return negative ? -v : v;
  }

  /** Whether {@code a[from, to)} is {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?} (ASCII digits only, as the regex). */
  static boolean decimal(char[] a, int from, int to) {
    int i = from;
    if (i < to && (a[i] == '+' || a[i] == '-')) {
      i++;
    }
    int digits = i;
    while (i < to && digit(a[i])) {
      i++;
    }
    boolean whole = i > digits;
    if (i < to && a[i] == '.') {
      i++;
      int fraction = i;
      while (i < to && digit(a[i])) {
        i++;
      }
      if (!whole && i == fraction) {
        return false; // "." or "-.": no digit at all
      }
    } else if (!whole) {
      return false;
    }
    if (i < to && (a[i] == 'e' || a[i] == 'E')) {
      i++;
      if (i < to && (a[i] == '+' || a[i] == '-')) {
        i++;
      }
      int exponent = i;
      while (i < to && digit(a[i])) {
        i++;
      }
      if (i == exponent) {
        return false;
      }
    }
    return i == to;
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }
}
