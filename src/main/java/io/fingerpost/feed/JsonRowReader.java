package io.fingerpost.feed;

import io.fingerpost.model.Period;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
      long first = seen.firstLineOf(key, period, line);
      if (first >= 0) {
        throw new IllegalArgumentException("duplicates the series and period of element " + first);
      }
      return new ParsedRow(line, obs,
          new Indicator(ind, FingertipsCsvReader.blankToNull(text(o, "indicatorName")), null, null, null),
          new Area(area, FingertipsCsvReader.blankToNull(text(o, "areaName")),
              FingertipsCsvReader.blankToNull(text(o, "areaType")),
              FingertipsCsvReader.blankToNull(text(o, "parentCode"))),
          PublishedVerdicts.NONE);
    } catch (IllegalArgumentException | ClassCastException e) {
      return new RejectedRow(line, e.getMessage(), content.length() > 400 ? content.substring(0, 400) + "…" : content);
    }
  }

  private static String text(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return "";
    }
    if (v instanceof String s) {
      return s.trim();
    }
    if (v instanceof Number n) {
      return n.toString();
    }
    throw new IllegalArgumentException(field + " must be a string");
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
      return Values.number(s.trim(), field);
    }
    throw new IllegalArgumentException(field + " must be a number");
  }

  @Override
  public void close() {}
}
