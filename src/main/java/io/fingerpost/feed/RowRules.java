package io.fingerpost.feed;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * The one validation every row passes before anything is written, whichever reader made it (push JSON or
 * CSV, {@code fingertips-csv}, {@code tidy-csv}): text is storable (valid UTF-8, no NUL or other control
 * character), keys and names within their length limits, numbers plausible and consistent. A rule broken
 * rejects the row ({@link IllegalArgumentException} with the reason); something plausible but odd (a value
 * outside its own confidence interval) is stored and comes back as a warning. The limits are documented in
 * openapi.yaml ({@code PushedObservation}) and the README.
 */
final class RowRules {
  private RowRules() {}

  /** Longest key parts, in characters: the series' unique index must stay within PostgreSQL's row limit. */
  static final int MAX_ID = 64;
  static final int MAX_CATEGORY = 150;
  static final int MAX_NAME = 500;
  static final int MAX_NOTE = 1000;
  /** Largest magnitude of any number: beyond it a value is a unit or parsing slip (1e300 made Infinity). */
  static final double MAX_MAGNITUDE = 1e15;
  /** Years a period may fall in. */
  static final int FIRST_YEAR = 1800;
  static final int LAST_YEAR = 2200;

  /**
   * Why a raw text (as the source gave it, before trimming) cannot be stored, or null: a NUL, bytes that
   * were not UTF-8 ({@link CsvRecords#NOT_UTF8}), a lone surrogate (a JSON {@code \ud800}), a noncharacter,
   * or a control character other than tab and line breaks. A U+FFFD the source wrote as UTF-8 is text.
   */
  static String badText(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == 0) {
        return "holds a NUL byte";
      }
      if (c == CsvRecords.NOT_UTF8) {
        return "holds bytes that are not UTF-8";
      }
      if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
        k++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        return "holds a lone surrogate (U+" + hex(c) + "), which is not text";
      }
      if ((c >= '\uFDD0' && c <= '\uFDEF') || c == '\uFFFE' || c == '\uFFFF') {
        return "holds the noncharacter U+" + hex(c);
      }
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
        return "holds the control character U+" + hex(c);
      }
    }
    return null;
  }

  /**
   * Checks a parsed row; returns its warnings (usually none).
   *
   * @throws IllegalArgumentException with the reason when the row must not be stored
   */
  static List<String> check(Observation o, Indicator indicator, Area area) {
    return check(o, indicator, area, null);
  }

  /**
   * The texts of a reader's rows that passed, by field (issue 14): a row whose text in a field is the same
   * String as the last one that passed there is not checked again (the CSV reader's caches make the texts
   * repeated row after row one String). The rules are pure functions of the text, so the outcome is the same.
   */
  static final class Passed {
    private final String[] texts = new String[FIELDS.length];
    private final String[] row = new String[FIELDS.length]; // the row being checked, by field
  }

  /** The checked text fields in the order checked; those before {@link #NOTE} and {@link #PARENT} are key parts. */
  private static final String[] FIELDS = {"indicatorId", "areaCode", "sex", "age", "categoryType", "category",
      "period", "valueNote", "indicatorName", "unit", "areaName", "areaType", "parentCode"};
  private static final int[] MAX = {MAX_ID, MAX_ID, MAX_ID, MAX_ID, MAX_CATEGORY, MAX_CATEGORY, MAX_ID, MAX_NOTE,
      MAX_NAME, MAX_NAME, MAX_NAME, MAX_NAME, MAX_ID};
  private static final int NOTE = 7;
  private static final int PARENT = 12;
  /**
   * The fields checked as key parts: the key's, the period and the parent code. A table, not {@code i < NOTE || i ==
   * PARENT}: a file of one region has one parent code, checked on a reader's first row only, so that branch was never
   * seen when the check was compiled, and a new reader's first row undid it (issue 14: JFR unstable_if in the re-read).
   */
  private static final boolean[] KEY_RULES = {true, true, true, true, true, true, true, false, false, false, false,
      false, true};

  /** As {@link #check(Observation, Indicator, Area)}, skipping the texts {@code passed} holds (null: none). */
  static List<String> check(Observation o, Indicator indicator, Area area, Passed passed) {
    return check(new RowParts().of(o, indicator, area), passed);
  }

  /**
   * The rules on a row's parts (its numbers unboxed; the CSV reader's pass 1 builds no {@link Observation}):
   * the one implementation, so a row is rejected, or warned about, alike on every path.
   */
  static List<String> check(RowParts o, Passed passed) {
    Passed p = passed == null ? new Passed() : passed;
    String[] t = p.row;
    RowParts.keyParts(o.key, t);
    t[6] = o.period.label();
    t[NOTE] = o.note;
    Indicator indicator = o.indicator;
    t[8] = indicator == null ? null : indicator.name();
    t[9] = indicator == null ? null : indicator.unit();
    Area area = o.area;
    t[10] = area == null ? null : area.name();
    t[11] = area == null ? null : area.type();
    t[PARENT] = area == null ? null : area.parentCode() == null ? "" : area.parentCode();
    texts(t, p.texts, 0, NOTE);
    // floor(start) >= FIRST_YEAR and ceil(end) - 1 <= LAST_YEAR, without Math.floor and ceil: here they are
    // StrictMath's Java code, whose branches on the value trapped in the compiled reader (issue 14, JFR); NaN fails
    if (!(o.period.start() >= FIRST_YEAR) || !(o.period.end() <= LAST_YEAR + 1)) {
      throw new IllegalArgumentException("period '" + o.period.label() + "' is outside the years "
          + FIRST_YEAR + "–" + LAST_YEAR);
    }
    texts(t, p.texts, NOTE, FIELDS.length);
    plausible("value", o, RowParts.VALUE);
    plausible("lowerCi95", o, RowParts.LOWER95);
    plausible("upperCi95", o, RowParts.UPPER95);
    plausible("lowerCi998", o, RowParts.LOWER998);
    plausible("upperCi998", o, RowParts.UPPER998);
    plausible("count", o, RowParts.COUNT);
    plausible("denominator", o, RowParts.DENOMINATOR);
    notNegative("count", o, RowParts.COUNT);
    notNegative("denominator", o, RowParts.DENOMINATOR);
    ordered("95", o, RowParts.LOWER95, RowParts.UPPER95);
    ordered("99.8", o, RowParts.LOWER998, RowParts.UPPER998);
    if (o.has(RowParts.VALUE)) {
      double v = o.numbers[RowParts.VALUE];
      if ((o.has(RowParts.LOWER95) && v < o.numbers[RowParts.LOWER95])
          || (o.has(RowParts.UPPER95) && v > o.numbers[RowParts.UPPER95])) {
        return outsideInterval(o, v);
      }
    }
    return List.of();
  }

  /**
   * Fields {@code from} to {@code to} of {@code t} not checked before ({@code ok}): one loop, so that the compiled
   * check holds the text rules once, not once a field (the JIT compiled 10 KB for the twelve calls, issue 14).
   */
  private static void texts(String[] t, String[] ok, int from, int to) {
    for (int i = from; i < to; i++) {
      String s = t[i];
      if (s != ok[i]) {
        if (s != null) { // null: no text, nothing to check (a key part is never null)
          text(i, s);
        }
        ok[i] = s;
      }
    }
  }

  private static void text(int i, String s) {
    if (KEY_RULES[i]) {
      key(FIELDS[i], s, MAX[i]);
    } else {
      text(FIELDS[i], s, MAX[i]);
    }
  }

  private static List<String> outsideInterval(RowParts o, double v) {
    List<String> warnings = new ArrayList<>(1);
    warnings.add("value " + num(v) + " is outside its own 95% confidence interval "
        + num(o.number(RowParts.LOWER95)) + " – " + num(o.number(RowParts.UPPER95)) + " (stored as given)");
    return warnings;
  }

  /** A part of a key: storable text on one line, at most {@code max} characters. */
  private static void key(String field, String s, int max) {
    text(field, s, max);
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x20) {
        throw new IllegalArgumentException(field + " holds the control character U+" + hex(s.charAt(i)));
      }
    }
  }

  private static void text(String field, String s, int max) {
    if (s == null) {
      return;
    }
    String bad = badText(s);
    if (bad != null) {
      throw new IllegalArgumentException(field + " " + bad);
    }
    if (s.length() > max) {
      throw new IllegalArgumentException(field + " has " + s.length() + " characters, at most " + max
          + " are allowed");
    }
  }

  private static void plausible(String field, RowParts o, int i) {
    if (o.has(i) && !(Math.abs(o.numbers[i]) <= MAX_MAGNITUDE)) {
      throw new IllegalArgumentException(field + " " + num(o.numbers[i])
          + " is beyond ±1e15, not a plausible indicator value");
    }
  }

  private static void notNegative(String field, RowParts o, int i) {
    if (o.has(i) && o.numbers[i] < 0) {
      throw new IllegalArgumentException(field + " " + num(o.numbers[i]) + " is negative");
    }
  }

  private static void ordered(String level, RowParts o, int lower, int upper) {
    if (o.has(lower) && o.has(upper) && o.numbers[lower] > o.numbers[upper]) {
      throw new IllegalArgumentException("the lower " + level + "% limit " + num(o.numbers[lower])
          + " is above the upper " + num(o.numbers[upper]));
    }
  }

  private static String num(Double d) {
    return d == null ? "?" : num(d.doubleValue());
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }
}
