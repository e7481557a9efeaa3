package io.fingerpost.target;

/**
 * One row of the {@code evaluation} table, as computed (id and time are the database's). Columns as in
 * docs/internals.md; null where a verdict does not apply.
 */
public record EvaluationRow(
    String targetId,
    Long seriesId,
    String period,
    Double periodT,
    Integer observationRevision,
    String status,
    String statusByTolerance,
    Boolean notSignificant,
    Double value,
    Double lowerCi95,
    Double upperCi95,
    Double expected,
    Double deviation,
    Double amberTolerance,
    Double redTolerance,
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
    Double baselineValue,
    Double targetValue,
    String explanation,
    String verdictsJson,
    String fingerprint) {}
