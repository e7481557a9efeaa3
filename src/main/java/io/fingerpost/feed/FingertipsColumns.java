package io.fingerpost.feed;

import static io.fingerpost.feed.FingertipsCsvReader.AREA_CODE;
import static io.fingerpost.feed.FingertipsCsvReader.COMPARED_TO_ENGLAND;
import static io.fingerpost.feed.FingertipsCsvReader.INDICATOR_ID;
import static io.fingerpost.feed.FingertipsCsvReader.TIME_PERIOD;
import static io.fingerpost.feed.FingertipsCsvReader.VALUE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each column of a Fingertips export is ({@link FingertipsCsvReader}): found by header name, not position
 * (-1: absent). The second comparator column, whose name varies ("Compared to Region value or percentiles",
 * "Compared to Counties &amp; UAs … value or percentiles"), is the "Compared to … value or percentiles" column that
 * is not England's. Real exports leave the last, empty column ("Compared to goal" or "Time period range") off their
 * data rows: {@link #lastColumnOptional}.
 */
final class FingertipsColumns {
  final int width;
  final int indicatorId;
  final int indicatorName;
  final int parentCode;
  final int areaCode;
  final int areaName;
  final int areaType;
  final int sex;
  final int age;
  final int categoryType;
  final int category;
  final int timePeriod;
  final int value;
  final int lower95;
  final int upper95;
  final int lower998;
  final int upper998;
  final int count;
  final int denominator;
  final int valueNote;
  final int recentTrend;
  final int comparedToEngland;
  final int comparedToParent;
  final int comparedToGoal;
  final int polarity;
  /** The second comparator column's name as written, or null. */
  final String parentColumn;
  final boolean lastColumnOptional;

  /** The columns of {@code h}; a header without one of the required columns is refused at line 1. */
  static FingertipsColumns of(List<String> h) {
    return new FingertipsColumns(h);
  }

  private FingertipsColumns(List<String> h) {
    this.width = h.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < h.size(); i++) {
      index.putIfAbsent(h.get(i).trim().toLowerCase(Locale.ROOT), i);
    }
    List<String> missing = new ArrayList<>();
    for (String required : List.of(INDICATOR_ID, AREA_CODE, TIME_PERIOD, VALUE)) {
      if (!index.containsKey(required.toLowerCase(Locale.ROOT))) {
        missing.add(required);
      }
    }
    if (!missing.isEmpty()) {
      throw new FeedFormatException(1, "header has no column " + String.join(", ", missing)
          + " (a Fingertips all_data CSV starts with 'Indicator ID,Indicator Name,Parent Code,…')");
    }
    indicatorId = col(index, INDICATOR_ID);
    indicatorName = col(index, "Indicator Name");
    parentCode = col(index, "Parent Code");
    areaCode = col(index, AREA_CODE);
    areaName = col(index, "Area Name");
    areaType = col(index, "Area Type");
    sex = col(index, "Sex");
    age = col(index, "Age");
    categoryType = col(index, "Category Type");
    category = col(index, "Category");
    timePeriod = col(index, TIME_PERIOD);
    value = col(index, VALUE);
    lower95 = col(index, "Lower CI 95.0 limit");
    upper95 = col(index, "Upper CI 95.0 limit");
    lower998 = col(index, "Lower CI 99.8 limit");
    upper998 = col(index, "Upper CI 99.8 limit");
    count = col(index, "Count");
    denominator = col(index, "Denominator");
    valueNote = col(index, "Value note");
    recentTrend = col(index, "Recent Trend");
    comparedToEngland = col(index, COMPARED_TO_ENGLAND);
    comparedToGoal = col(index, "Compared to goal");
    polarity = col(index, "Polarity");
    int parent = -1;
    for (int i = 0; i < h.size(); i++) {
      String lower = h.get(i).trim().toLowerCase(Locale.ROOT);
      if (lower.startsWith("compared to ") && lower.endsWith(" value or percentiles") && i != comparedToEngland) {
        parent = i;
        break;
      }
    }
    comparedToParent = parent;
    String last = h.get(h.size() - 1).trim().toLowerCase(Locale.ROOT);
    lastColumnOptional = last.equals("compared to goal") || last.equals("time period range");
    parentColumn = parent < 0 ? null : h.get(parent).trim();
  }

  private static int col(Map<String, Integer> index, String name) {
    return index.getOrDefault(name.toLowerCase(Locale.ROOT), -1);
  }
}
