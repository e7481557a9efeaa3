package io.fingerpost.model;

import java.util.Objects;

/**
 * Identifies one series: indicator × area × sex × age × category type × category.
 * Missing parts are empty strings, never null, so keys compare and store uniformly
 * (category type and category are empty for the whole population of the area).
 */
public record SeriesKey(
    String indicatorId, String areaCode, String sex, String age, String categoryType, String category) {

  public SeriesKey {
    Objects.requireNonNull(indicatorId, "indicatorId");
    Objects.requireNonNull(areaCode, "areaCode");
    sex = sex == null ? "" : sex;
    age = age == null ? "" : age;
    categoryType = categoryType == null ? "" : categoryType;
    category = category == null ? "" : category;
  }

  /** The same breakdown (sex, age, category) in another area: the benchmark's series. */
  public SeriesKey inArea(String otherAreaCode) {
    return new SeriesKey(indicatorId, otherAreaCode, sex, age, categoryType, category);
  }

  /** A breakdown by deprivation, ethnicity etc. rather than the whole population. */
  public boolean hasCategory() {
    return !categoryType.isEmpty() || !category.isEmpty();
  }
}
