package io.fingerpost.feed;

import io.fingerpost.model.Period;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Rows of a pushed JSON array, one object per observation with the API's field names
 * ({@code indicatorId, areaCode, sex, age, categoryType, category, period, value, lowerCi95, upperCi95,
 * lowerCi998, upperCi998, count, denominator, valueNote}, optionally {@code indicatorName, areaName,
 * areaType, parentCode}). {@link FeedRow#line()} is the element's position, from 1.
 */
final class JsonRowReader implements RowReader {

  static final Set<String> FIELDS = Set.of("indicatorId", "indicatorName", "areaCode", "areaName", "areaType",
      "parentCode", "sex", "age", "categoryType", "category", "period", "value", "lowerCi95", "upperCi95",
      "lowerCi998", "upperCi998", "count", "denominator", "valueNote");

  private final JsonArray array;
  private final DuplicateKeys seen = new DuplicateKeys();
  private final Map<Long, Set<String>> omitted = new HashMap<>();
  private int next;

  JsonRowReader(JsonArray array) {
    this.array = array;
  }

  @Override
  public boolean hasNext() {
    return next < array.size();
  }

  @Override
  public FeedRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    long line = next + 1;
    Object element = array.getValue(next++);
    if (!(element instanceof JsonObject o)) {
      return new RejectedRow(line, "element " + line + " is not an object", String.valueOf(element));
    }
    String content = o.encode();
    try {
      for (String field : o.fieldNames()) {
        if (!FIELDS.contains(field)) {
          throw new IllegalArgumentException("unknown field '" + field + "'");
        }
      }
      String ind = text(o, "indicatorId");
      String area = text(o, "areaCode");
      String period = text(o, "period");
      if (ind.isEmpty()) {
        throw new IllegalArgumentException("no indicatorId");
      }
      if (area.isEmpty()) {
        throw new IllegalArgumentException("no areaCode");
      }
      if (period.isEmpty()) {
        throw new IllegalArgumentException("no period");
      }
      SeriesKey key = new SeriesKey(ind, area, text(o, "sex"), text(o, "age"), text(o, "categoryType"),
          text(o, "category"));
      String note = text(o, "valueNote");
      Observation obs = new Observation(key, Period.parse(period), number(o, "value"), number(o, "lowerCi95"),
          number(o, "upperCi95"), number(o, "lowerCi998"), number(o, "upperCi998"), number(o, "count"),
          number(o, "denominator"), note.isEmpty() ? null : note);
      Indicator indicator = new Indicator(ind, FingertipsCsvReader.blankToNull(text(o, "indicatorName")), null, null, null);
      Area a = new Area(area, FingertipsCsvReader.blankToNull(text(o, "areaName")),
          FingertipsCsvReader.blankToNull(text(o, "areaType")), FingertipsCsvReader.blankToNull(text(o, "parentCode")));
      List<String> warnings = RowRules.check(obs, indicator, a);
      long first = seen.firstLineOf(key, period, line);
      if (first >= 0) {
        throw new IllegalArgumentException("duplicates the series and period of element " + first);
      }
      Set<String> open = new HashSet<>();
      for (String part : SeriesParts.NAMES) {
        if (o.getValue(part) == null) {
          open.add(part);
        }
      }
      if (!open.isEmpty()) {
        omitted.put(line, open);
      }
      return new ParsedRow(line, obs, indicator, a, PublishedVerdicts.NONE, warnings);
    } catch (IllegalArgumentException | ClassCastException e) {
      return new RejectedRow(line, e.getMessage(), shown(content));
    }
  }

  /** The series parts (sex, age, categoryType, category) element {@code line} left out or null. */
  Set<String> omitted(long line) {
    return omitted.getOrDefault(line, Set.of());
  }

  /** The element for a rejection: at most 400 characters, NULs and bad text made visible. */
  private static String shown(String content) {
    String c = content.length() > 400 ? content.substring(0, 400) + "…" : content;
    StringBuilder sb = new StringBuilder(c.length());
    for (int i = 0; i < c.length(); i++) {
      char ch = c.charAt(i);
      sb.append(ch == 0 ? '\u2400' : Character.isSurrogate(ch) || ch == CsvRecords.NOT_UTF8 ? '\uFFFD' : ch);
    }
    return sb.toString();
  }

  /**
   * A text field: a string (checked as given, before trimming, so a trailing NUL is not trimmed away) or,
   * for ids and codes, an integer (90366); a number with a fraction or exponent (90366.0) is refused rather
   * than made into a new id.
   */
  private static String text(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return "";
    }
    if (v instanceof String s) {
      String bad = RowRules.badText(s);
      if (bad != null) {
        throw new IllegalArgumentException(field + " " + bad);
      }
      return s.trim();
    }
    if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
      return v.toString();
    }
    throw new IllegalArgumentException(field + " must be a string" + (v instanceof Number
        ? " (or a whole number); the number " + v + " is neither" : ""));
  }

  private static Double number(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return Values.number(n.toString(), field);
    }
    if (v instanceof String s) {
      String bad = RowRules.badText(s);
      if (bad != null) {
        throw new IllegalArgumentException(field + " " + bad);
      }
      return Values.number(s.trim(), field);
    }
    throw new IllegalArgumentException(field + " must be a number");
  }

  @Override
  public void expectRows(long rows) {
    seen.expect(rows);
  }

  @Override
  public void close() {}
}
