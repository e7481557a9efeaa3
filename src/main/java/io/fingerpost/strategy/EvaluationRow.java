package io.fingerpost.strategy;

import io.vertx.sqlclient.Row;

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
    String fingerprint) {

  /** Reads the evaluation columns of a query row ({@code SELECT e.* FROM evaluation e …}): the one reader other parts use. */
  public static EvaluationRow of(Row r) {
    return new EvaluationRow(r.getString("target_id"), r.getLong("series_id"), r.getString("period"),
        r.getDouble("period_t"), r.getInteger("observation_revision"), r.getString("status"),
        r.getString("status_by_tolerance"), r.getBoolean("not_significant"), r.getDouble("value"),
        r.getDouble("lower_ci95"), r.getDouble("upper_ci95"), r.getDouble("expected"), r.getDouble("deviation"),
        r.getDouble("amber_tolerance"), r.getDouble("red_tolerance"), r.getDouble("projection"),
        r.getDouble("projection_lower"), r.getDouble("projection_upper"), r.getDouble("probability_of_meeting"),
        r.getString("compared_to_england"), r.getString("compared_to_region"), r.getString("recent_trend"),
        r.getString("spc_point_type"), r.getString("spc_assurance"), r.getDouble("gap_absolute"),
        r.getDouble("gap_relative"), r.getDouble("sii"), r.getBoolean("gap_widening"), r.getDouble("baseline_value"),
        r.getDouble("target_value"), r.getString("explanation"), null, r.getString("fingerprint"));
  }
}
