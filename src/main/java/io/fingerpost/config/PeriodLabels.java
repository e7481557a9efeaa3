package io.fingerpost.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Period labels in other publishers' forms, rewritten to the Fingertips form {@link
 * io.fingerpost.model.Period} reads, so that a series from another source lines up with the bundled ones
 * and with the periods targets files name ({@code 2018 - 20}, {@code 2019/20}). Used by a tidy-csv
 * column mapping's {@code format}.
 *
 * <ul>
 *   <li>{@code iso-interval}: an ISO 8601 start and duration in years, as ONS's local statistics publish
 *       ({@code 2018-01-01/P3Y}). Starting on 1 January: {@code 2020-01-01/P1Y} → {@code 2020},
 *       {@code 2018-01-01/P3Y} → {@code 2018 - 20}. Starting later in the year (financial, academic or
 *       survey years, e.g. {@code 2021-09-01/P1Y}, {@code 2019-11-16/P1Y}): labelled as Fingertips labels
 *       such years, {@code 2021/22}, and pooled ones {@code 2017/18 - 19/20}.
 *   <li>{@code year-range}: a pooled calendar range written without spaces ({@code 2015-17}, as the
 *       Trafford Data Lab extracts write it), which {@link io.fingerpost.model.Period} would read as a
 *       month, → {@code 2015 - 17}.
 * </ul>
 */
public final class PeriodLabels {

  public static final String ISO_INTERVAL = "iso-interval";
  public static final String YEAR_RANGE = "year-range";

  private static final Pattern ISO = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})/P(\\d{1,2})Y");
  private static final Pattern RANGE = Pattern.compile("(\\d{4})-(\\d{2})");

  private PeriodLabels() {}

  /** True for a format this class knows. */
  public static boolean known(String format) {
    return ISO_INTERVAL.equals(format) || YEAR_RANGE.equals(format);
  }

  /**
   * The Fingertips form of a label in the given format.
   *
   * @throws IllegalArgumentException when the label is not of that format (the row is rejected)
   */
  public static String rewrite(String format, String label) {
    if (label == null || label.isEmpty()) {
      return label;
    }
    Matcher m;
    if (ISO_INTERVAL.equals(format) && (m = ISO.matcher(label)).matches()) {
      int year = Integer.parseInt(m.group(1));
      int years = Integer.parseInt(m.group(4));
      boolean calendar = m.group(2).equals("01") && m.group(3).equals("01");
      if (years < 1) {
        throw new IllegalArgumentException("time period '" + label + "' has no length");
      }
      int last = year + years - 1;
      if (calendar) {
        return years == 1 ? String.valueOf(year) : year + " - " + twoDigits(last);
      }
      String first = year + "/" + twoDigits(year + 1);
      return years == 1 ? first : first + " - " + twoDigits(last) + "/" + twoDigits(last + 1);
    }
    if (YEAR_RANGE.equals(format) && (m = RANGE.matcher(label)).matches()) {
      return m.group(1) + " - " + m.group(2);
    }
    throw new IllegalArgumentException("time period '" + label + "' is not of the form " + format
        + (ISO_INTERVAL.equals(format) ? " (2018-01-01/P3Y)" : " (2015-17)"));
  }

  private static String twoDigits(int year) {
    return String.format("%02d", year % 100);
  }
}
