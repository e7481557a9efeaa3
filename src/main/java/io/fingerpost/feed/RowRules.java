package io.fingerpost.feed;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
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
    private final String[] texts = new String[13];
  }

  /** As {@link #check(Observation, Indicator, Area)}, skipping the texts {@code passed} holds (null: none). */
  static List<String> check(Observation o, Indicator indicator, Area area, Passed passed) {
    return check(new RowParts().of(o, indicator, area), passed);
  }

  /**
   * The rules on a row's parts (its numbers unboxed; the CSV reader's pass 1 builds no {@link Observation}):
   * the one implementation, so a row is rejected, or warned about, alike on every path.
   */
  static List<String> check(RowParts o, Passed passed) {
    String[] ok = passed == null ? new String[13] : passed.texts;
    SeriesKey k = o.key;
    key(ok, 0, "indicatorId", k.indicatorId(), MAX_ID);
    key(ok, 1, "areaCode", k.areaCode(), MAX_ID);
    key(ok, 2, "sex", k.sex(), MAX_ID);
    key(ok, 3, "age", k.age(), MAX_ID);
    key(ok, 4, "categoryType", k.categoryType(), MAX_CATEGORY);
    key(ok, 5, "category", k.category(), MAX_CATEGORY);
    key(ok, 6, "period", o.period.label(), MAX_ID);
    int from = (int) Math.floor(o.period.start());
    int to = (int) Math.ceil(o.period.end()) - 1;
    if (from < FIRST_YEAR || to > LAST_YEAR) {
      throw new IllegalArgumentException("period '" + o.period.label() + "' is outside the years "
          + FIRST_YEAR + "–" + LAST_YEAR);
    }
    text(ok, 7, "valueNote", o.note, MAX_NOTE);
    Indicator indicator = o.indicator;
    if (indicator != null) {
      text(ok, 8, "indicatorName", indicator.name(), MAX_NAME);
      text("unit", indicator.unit(), MAX_NAME);
    }
    Area area = o.area;
    if (area != null) {
      text(ok, 9, "areaName", area.name(), MAX_NAME);
      text(ok, 10, "areaType", area.type(), MAX_NAME);
      key(ok, 11, "parentCode", area.parentCode() == null ? "" : area.parentCode(), MAX_ID);
    }
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
        List<String> warnings = new ArrayList<>(1);
        warnings.add("value " + num(v) + " is outside its own 95% confidence interval "
            + num(o.number(RowParts.LOWER95)) + " – " + num(o.number(RowParts.UPPER95)) + " (stored as given)");
        return warnings;
      }
    }
    return List.of();
  }

  private static void key(String[] ok, int i, String field, String s, int max) {
    if (ok[i] != s || s == null) {
      key(field, s, max);
      ok[i] = s;
    }
  }

  private static void text(String[] ok, int i, String field, String s, int max) {
    if (ok[i] != s || s == null) {
      text(field, s, max);
      ok[i] = s;
    }
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
