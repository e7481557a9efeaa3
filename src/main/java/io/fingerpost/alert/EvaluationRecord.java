package io.fingerpost.alert;

import java.time.Instant;

/**
 * One row of the {@code evaluation} table (docs/internals.md) with its target's context: the input of
 * the alert rules. Nullable numbers and verdicts are null when the engine could not compute them.
 */
public record EvaluationRecord(
    long id,
    String targetId,
    Long seriesId,
    String period,
    Double periodT,
    int observationRevision,
    Instant evaluatedAt,
    boolean initialLoad,
    String status,
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
    String explanation,
    TargetContext target) {}
