package io.fingerpost.alert;

import io.fingerpost.TestDatabase;
import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import io.fingerpost.strategy.Verdicts.Comparison;
import io.fingerpost.strategy.Verdicts.SpcPoint;
import io.fingerpost.strategy.Verdicts.Trend;
import io.fingerpost.strategy.TargetContext;
import java.time.Instant;

/** Builds evaluation rows and targets for tests (the tables are the real migrations', V10__targets.sql). */
final class Evaluations {
  static final TargetContext TARGET = new TargetContext("dudley-le-male", "Life expectancy at birth (male)",
      "90366", "Life expectancy at birth", "years", "E08000027", "Dudley", "Male", "All ages", "", "",
      "ICS long term", "Population health", "2033", 80.0, "10", "increase");

  private Evaluations() {}

  static EvaluationRecord trajectory(long id, String period, int revision, TargetStatus status, double value,
      double expected, boolean initialLoad, Instant at) {
    return record(id, TARGET.targetId(), 7L, period, 2020.5, revision, at, initialLoad,
        status, false, value, value - 0.4, value + 0.4, expected, value - expected, 0.5, 1.0, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, TARGET);
  }

  static EvaluationRecord verdicts(long id, Comparison england, Comparison region, Trend trend, SpcPoint spc,
      Boolean gap, Double probability) {
    return record(id, TARGET.targetId(), 7L, "2021", 2021.5, 1, Instant.parse("2026-11-23T09:00:00Z"),
        false, TargetStatus.ON_TRACK, false, 78.1, 77.7, 78.5, 78.0, 0.1, 0.5, 1.0, 78.9, 78.2, 79.6, probability,
        england, region, trend, spc, null, 2.5, 1.03, 3.1, gap, "Explained.", TARGET);
  }

  /** An evaluation as the alert part reads it, field by field (the evaluation columns in the table's order). */
  static EvaluationRecord record(long id, String targetId, Long seriesId, String period, Double periodT, int revision,
      Instant evaluatedAt, boolean initialLoad, TargetStatus status, Boolean notSignificant, Double value,
      Double lowerCi95, Double upperCi95, Double expected, Double deviation, Double amberTolerance,
      Double redTolerance, Double projection, Double projectionLower, Double projectionUpper,
      Double probabilityOfMeeting, Comparison comparedToEngland, Comparison comparedToRegion, Trend recentTrend,
      SpcPoint spcPointType, Verdicts.Assurance spcAssurance, Double gapAbsolute, Double gapRelative, Double sii,
      Boolean gapWidening, String explanation, TargetContext target) {
    Evaluation e = new Evaluation(targetId, seriesId, period, periodT, revision,
        new Evaluation.Trajectory(status, status, notSignificant, expected, deviation, amberTolerance, redTolerance,
            null, target.targetValue()),
        new Evaluation.Observed(value, lowerCi95, upperCi95),
        new Verdicts(Verdict.of(comparedToEngland), Verdict.of(comparedToRegion), Verdict.of(recentTrend),
            Verdict.of(spcPointType), Verdict.of(spcAssurance)),
        new Evaluation.Gap(gapAbsolute, gapRelative, sii, gapWidening),
        new Evaluation.Projection(projection, projectionLower, projectionUpper, probabilityOfMeeting),
        explanation, null, null);
    return new EvaluationRecord(id, evaluatedAt, initialLoad, e, target);
  }

  /** A target row with the columns V10 requires, as the targets loader would store it. */
  static void insertTarget(TestDatabase.Db db, String id, String name, String indicator, String area, String sex,
      String team, String group, String targetPeriod, double targetValue) {
    db.execute("INSERT INTO target (id, name, indicator_id, area_code, sex, strategy_group, team, direction,"
        + " baseline_period, target_period, target_value, definition, form) VALUES ('" + id + "', '" + name + "', '"
        + indicator + "', '" + area + "', '" + sex + "', '" + group + "', '" + team + "', 'increase', '2018', '"
        + targetPeriod + "', " + targetValue + ", '{}', 'ABSOLUTE')");
  }
}
