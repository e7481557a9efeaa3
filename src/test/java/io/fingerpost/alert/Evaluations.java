package io.fingerpost.alert;

import java.time.Instant;

/** Builds evaluation rows for tests. */
final class Evaluations {
  static final TargetContext TARGET = new TargetContext("dudley-le-male", "Life expectancy at birth (male)",
      "90366", "Life expectancy at birth", "years", "E08000027", "Dudley", "Male", "All ages", "", "",
      "ICS long term", "Population health", "2033", 80.0);

  private Evaluations() {}

  static EvaluationRecord trajectory(long id, String period, int revision, String status, double value,
      double expected, boolean initialLoad, Instant at) {
    return new EvaluationRecord(id, TARGET.targetId(), 7L, period, 2020.5, revision, at, initialLoad,
        status, false, value, value - 0.4, value + 0.4, expected, value - expected, 0.5, 1.0, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, TARGET);
  }

  static EvaluationRecord verdicts(long id, String england, String region, String trend, String spc,
      Boolean gap, Double probability) {
    return new EvaluationRecord(id, TARGET.targetId(), 7L, "2021", 2021.5, 1, Instant.parse("2026-11-23T09:00:00Z"),
        false, "ON_TRACK", false, 78.1, 77.7, 78.5, 78.0, 0.1, 0.5, 1.0, 78.9, 78.2, 79.6, probability,
        england, region, trend, spc, null, 2.5, 1.03, 3.1, gap, "Explained.", TARGET);
  }
}
