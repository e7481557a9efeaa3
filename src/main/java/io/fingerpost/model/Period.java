package io.fingerpost.model;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A published time period and the interval [start, end) it covers, in years.
 *
 * <p>Follows docs/design.md "Trajectory method, precisely": {@code 2020} → [2020, 2021); {@code 2020/21}
 * (financial year, April to March) → [2020.25, 2021.25); {@code 2018 - 20} → [2018, 2021);
 * {@code 2018/19 - 20/21} → [2018.25, 2021.25); {@code 2018/19 Q1} → [2018.25, 2018.5); months
 * likewise. The period's time {@link #t()} is the midpoint of the interval. Labels are kept exactly
 * as published.
 */
public record Period(String label, double start, double end) implements Comparable<Period> {

  private static final String YEAR = "(\\d{4})";
  private static final String FIN_YEAR = "(\\d{4})/(\\d{2})";
  private static final Pattern CALENDAR = Pattern.compile(YEAR);
  private static final Pattern FINANCIAL = Pattern.compile(FIN_YEAR);
  private static final Pattern CALENDAR_RANGE = Pattern.compile(YEAR + "\\s+-\\s+(\\d{2}|\\d{4})");
  private static final Pattern FINANCIAL_RANGE =
      Pattern.compile(FIN_YEAR + "\\s*-\\s*(\\d{2}|\\d{4})/(\\d{2})");
  private static final Pattern FINANCIAL_QUARTER = Pattern.compile(FIN_YEAR + "\\s*Q([1-4])");
  private static final Pattern FINANCIAL_QUARTER_RANGE =
      Pattern.compile(FIN_YEAR + "\\s*Q([1-4])\\s*-\\s*" + FIN_YEAR + "\\s*Q([1-4])");
  private static final Pattern CALENDAR_QUARTER = Pattern.compile(YEAR + "\\s*Q([1-4])");
  private static final Pattern YEAR_MONTH = Pattern.compile(YEAR + "\\s+([A-Za-z]{3})[A-Za-z]*");
  private static final Pattern MONTH_YEAR = Pattern.compile("([A-Za-z]{3})[A-Za-z]*\\s+" + YEAR);
  private static final Pattern ISO_MONTH = Pattern.compile(YEAR + "-(\\d{2})");
  /** A pooled period longer than this is a typo, not data ("2021 - 19"). */
  private static final int MAX_RANGE_YEARS = 30;
  private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

  public Period {
    Objects.requireNonNull(label, "label");
    if (!(end > start)) {
      throw new IllegalArgumentException("period " + label + " ends before it starts");
    }
  }

  /** Midpoint of the period, in years: the time used by trajectories and regressions. */
  public double t() {
    return (start + end) / 2.0;
  }

  /** Length of the period in years (1 for a calendar or financial year, 3 for a 3-year pool). */
  public double length() {
    return end - start;
  }

  /** A single calendar or financial year, the only periods Fingertips' recent trend accepts. */
  public boolean isSingleYear() {
    return Math.abs(length() - 1.0) < 1e-9;
  }

  /**
   * Parses a published period label.
   *
   * @throws IllegalArgumentException when the label has no known form
   */
  public static Period parse(String label) {
    if (label == null) {
      throw new IllegalArgumentException("missing time period");
    }
    String s = label.trim();
    Matcher m;
    if ((m = CALENDAR.matcher(s)).matches()) {
      int y = Integer.parseInt(m.group(1));
      return new Period(label, y, y + 1);
    }
    if ((m = FINANCIAL.matcher(s)).matches()) {
      int y = Integer.parseInt(m.group(1));
      checkNextYear(label, y, m.group(2));
      return new Period(label, y + 0.25, y + 1.25);
    }
    if ((m = CALENDAR_RANGE.matcher(s)).matches()) {
      int from = Integer.parseInt(m.group(1));
      int to = expandYear(from, m.group(2));
      return range(label, from, to + 1);
    }
    if ((m = FINANCIAL_RANGE.matcher(s)).matches()) {
      int from = Integer.parseInt(m.group(1));
      checkNextYear(label, from, m.group(2));
      int to = expandYear(from, m.group(3));
      checkNextYear(label, to, m.group(4));
      return range(label, from + 0.25, to + 1.25);
    }
    if ((m = FINANCIAL_QUARTER.matcher(s)).matches()) {
      int y = Integer.parseInt(m.group(1));
      checkNextYear(label, y, m.group(2));
      double start = y + 0.25 * Integer.parseInt(m.group(3));
      return new Period(label, start, start + 0.25);
    }
    if ((m = FINANCIAL_QUARTER_RANGE.matcher(s)).matches()) {
      int y1 = Integer.parseInt(m.group(1));
      checkNextYear(label, y1, m.group(2));
      int y2 = Integer.parseInt(m.group(4));
      checkNextYear(label, y2, m.group(5));
      double start = y1 + 0.25 * Integer.parseInt(m.group(3));
      double end = y2 + 0.25 * Integer.parseInt(m.group(6)) + 0.25;
      return range(label, start, end);
    }
    if ((m = CALENDAR_QUARTER.matcher(s)).matches()) {
      int y = Integer.parseInt(m.group(1));
      double start = y + 0.25 * (Integer.parseInt(m.group(2)) - 1);
      return new Period(label, start, start + 0.25);
    }
    if ((m = YEAR_MONTH.matcher(s)).matches()) {
      return month(label, Integer.parseInt(m.group(1)), monthIndex(label, m.group(2)));
    }
    if ((m = MONTH_YEAR.matcher(s)).matches()) {
      return month(label, Integer.parseInt(m.group(2)), monthIndex(label, m.group(1)));
    }
    if ((m = ISO_MONTH.matcher(s)).matches()) {
      int month = Integer.parseInt(m.group(2));
      if (month < 1 || month > 12) {
        throw new IllegalArgumentException("time period '" + label + "' has no month " + month);
      }
      return month(label, Integer.parseInt(m.group(1)), month - 1);
    }
    throw new IllegalArgumentException("time period '" + label + "' is not a recognised form"
        + " (2020, 2020/21, 2018 - 20, 2018/19 - 20/21, 2018/19 Q1, 2020 Q1, 2020 Jan)");
  }

  private static Period range(String label, double start, double end) {
    if (!(end > start) || end - start > MAX_RANGE_YEARS) {
      throw new IllegalArgumentException("time period '" + label + "' is not a valid range");
    }
    return new Period(label, start, end);
  }

  private static Period month(String label, int year, int monthIndex) {
    double start = year + monthIndex / 12.0;
    return new Period(label, start, start + 1 / 12.0);
  }

  private static int monthIndex(String label, String name) {
    int i = MONTHS.indexOf(name.toLowerCase(Locale.ROOT));
    if (i < 0 || i % 3 != 0) {
      throw new IllegalArgumentException("time period '" + label + "' has no month '" + name + "'");
    }
    return i / 3;
  }

  /** "2018 - 20" → 2020; "2019 - 2020" → 2020. */
  private static int expandYear(int from, String to) {
    if (to.length() == 4) {
      return Integer.parseInt(to);
    }
    int century = from / 100 * 100;
    int year = century + Integer.parseInt(to);
    return year < from ? year + 100 : year;
  }

  private static void checkNextYear(String label, int year, String twoDigits) {
    if ((year + 1) % 100 != Integer.parseInt(twoDigits)) {
      throw new IllegalArgumentException(
          "time period '" + label + "': " + year + "/" + twoDigits + " is not a financial year");
    }
  }

  /** Orders by start, then end, then label. */
  @Override
  public int compareTo(Period o) {
    int c = Double.compare(start, o.start);
    if (c == 0) {
      c = Double.compare(end, o.end);
    }
    return c != 0 ? c : label.compareTo(o.label);
  }
}
