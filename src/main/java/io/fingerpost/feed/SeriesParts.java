package io.fingerpost.feed;

import io.fingerpost.model.SeriesKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pushed row names its series by indicator and area; the breakdown (sex, age, category type, category)
 * may be left out. As {@code GET /api/observations} matches any part not given, a push that leaves parts
 * out goes to the one stored series of its indicator and area that matches the parts it gives: the series
 * with those parts empty when it exists (the whole population), else the only match; a new series (the
 * parts empty) when nothing matches. When several match, the row is rejected with the values to choose
 * from. A part given as {@code ""} means "none", not "any".
 */
final class SeriesParts {
  private SeriesParts() {}

  static final List<String> NAMES = List.of("sex", "age", "categoryType", "category");

  /** The series a row goes to, among the stored series of its indicator and area. */
  static SeriesKey resolve(SeriesKey given, Set<String> omitted, Collection<SeriesKey> stored) {
    if (omitted.isEmpty()) {
      return given;
    }
    List<SeriesKey> matches = new ArrayList<>();
    for (SeriesKey s : stored) {
      if (s.equals(given)) {
        return given;
      }
      boolean match = s.indicatorId().equals(given.indicatorId()) && s.areaCode().equals(given.areaCode());
      for (String part : NAMES) {
        match &= omitted.contains(part) || part(s, part).equals(part(given, part));
      }
      if (match) {
        matches.add(s);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      return given;
    }
    StringBuilder choices = new StringBuilder();
    for (String part : NAMES) {
      if (omitted.contains(part)) {
        Set<String> values = new TreeSet<>();
        matches.forEach(m -> values.add(part(m, part)));
        if (values.size() > 1) {
          choices.append(choices.isEmpty() ? "" : "; ").append(part).append(": ")
              .append(String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList()));
        }
      }
    }
    throw new IllegalArgumentException(matches.size() + " series of indicator " + given.indicatorId()
        + " in area " + given.areaCode() + " match the parts given; say which (" + choices + ")");
  }

  static String part(SeriesKey k, String name) {
    return switch (name) {
      case "sex" -> k.sex();
      case "age" -> k.age();
      case "categoryType" -> k.categoryType();
      case "category" -> k.category();
      default -> throw new IllegalArgumentException(name);
    };
  }
}
