package io.fingerpost.metrics;

import java.time.Instant;

/**
 * The current state of one monitored series against one target: the latest evaluation row with the names
 * of its target, indicator and area. A series exported without a target (metrics scope {@code all}) has
 * empty target fields and only the observation values. Absent numbers are null and their samples are
 * left out of the exposition (absent, not NaN, so PromQL comparisons stay simple).
 */
public record IndicatorState(
    String targetId,
    String targetName,
    String group,
    String horizonYears,
    String team,
    String direction,
    String indicatorId,
    String indicatorName,
    String unit,
    String areaCode,
    String areaName,
    String sex,
    String age,
    String categoryType,
    String category,
    String period,
    Double periodYear,
    Double value,
    Double lowerCi95,
    Double upperCi95,
    String status,
    String previousStatus,
    Boolean notSignificant,
    Double expected,
    Double deviation,
    Double projection,
    Double projectionLower,
    Double projectionUpper,
    Double probabilityOfMeeting,
    String comparedToEngland,
    String comparedToRegion,
    String recentTrend,
    String spcPointType,
    String spcAssurance,
    Double gapAbsolute,
    Double gapRelative,
    Double sii,
    Boolean gapWidening,
    Instant evaluatedAt) {

  /** The identity of this state in the exposition: one target, or one untargeted series. */
  public String key() {
    return targetId.isEmpty()
        ? String.join("\u001f", indicatorId, areaCode, sex, age, categoryType, category)
        : targetId;
  }
}
