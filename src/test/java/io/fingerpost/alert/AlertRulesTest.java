package io.fingerpost.alert;

import io.fingerpost.config.RulesConfig;
import io.fingerpost.model.Severity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.alert.Signal.Condition;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdicts.Comparison;
import io.fingerpost.strategy.Verdicts.SpcPoint;
import io.fingerpost.strategy.Verdicts.Trend;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
  private static final Instant AT = Instant.parse("2026-11-23T09:00:00Z");
  private final AlertRules rules = new AlertRules(RulesConfig.defaults(), "http://127.0.0.1:8080/");

  @Test
  void offTrajectoryMapsAmberToWarningAndRedToCritical() {
    Signal red = rules.offTrajectory(Evaluations.trajectory(1, "2021", 1, TargetStatus.OFF_TRACK, 76.0, 78.0, false, AT));
    assertEquals(Condition.ACTIVE, red.condition());
    assertEquals(Severity.CRITICAL, red.severity());
    assertEquals("critical", red.labels().get("severity"));
    Signal amber = rules.offTrajectory(Evaluations.trajectory(2, "2021", 1, TargetStatus.AT_RISK, 77.3, 78.0, false, AT));
    assertEquals(Severity.WARNING, amber.severity());
    assertEquals(Condition.CLEAR,
        rules.offTrajectory(Evaluations.trajectory(3, "2021", 1, TargetStatus.ON_TRACK, 78.0, 78.0, false, AT)).condition());
    assertEquals(Condition.UNKNOWN,
        rules.offTrajectory(Evaluations.trajectory(4, "2021", 1, TargetStatus.NOT_ENOUGH_DATA, 78.0, 78.0, false, AT)).condition());
    RulesConfig redOnly = new RulesConfig(new RulesConfig.OffTrajectory(true, false), null, null, null, null, null, null);
    assertEquals(Condition.CLEAR, new AlertRules(redOnly, "http://x")
        .offTrajectory(Evaluations.trajectory(2, "2021", 1, TargetStatus.AT_RISK, 77.3, 78.0, false, AT)).condition());
  }

  @Test
  void labelsAndAnnotationsNameTheSeriesAndTheNumbers() {
    Signal s = rules.offTrajectory(Evaluations.trajectory(1, "2021", 1, TargetStatus.OFF_TRACK, 76.0, 78.0, false, AT));
    assertEquals(Map.of("alertname", "OffTrajectory", "rule", "off_trajectory", "indicator", "90366",
        "area", "E08000027", "breakdown", "Male", "target", "dudley-le-male", "team", "Population health",
        "group", "ICS long term", "severity", "critical"), s.labels());
    String d = s.annotations().get("description");
    assertTrue(d.startsWith("Life expectancy at birth in Dudley (Male) was 76 years in 2021 (95% CI 75.6–76.4);"
        + " the trajectory to 80 by 2033 expected 78, so it is 2 behind the trajectory (amber tolerance 0.5,"
        + " red tolerance 1)."), d);
    assertEquals("http://127.0.0.1:8080/api/targets/dudley-le-male", s.annotations().get("link"));
    assertEquals("Life expectancy at birth in Dudley (Male) is off track (red) against its trajectory in 2021",
        s.annotations().get("summary"));
    assertEquals("2021#1", s.step());
  }

  @Test
  void fingerprintIsStablePerRuleAndTarget() {
    Signal a = rules.offTrajectory(Evaluations.trajectory(1, "2021", 1, TargetStatus.OFF_TRACK, 76.0, 78.0, false, AT));
    Signal b = rules.offTrajectory(Evaluations.trajectory(9, "2022", 2, TargetStatus.AT_RISK, 77.0, 78.0, false, AT));
    assertEquals(a.fingerprint(), b.fingerprint());
    assertEquals(16, a.fingerprint().length());
    assertNotEquals(a.fingerprint(), Fingerprints.forTarget(Rule.SPC_CONCERN, "dudley-le-male"));
  }

  @Test
  void verdictRules() {
    EvaluationRecord worse = Evaluations.verdicts(1, Comparison.WORSE, Comparison.SIMILAR, Trend.DECREASING_GETTING_WORSE,
        SpcPoint.SPECIAL_CAUSE_CONCERN, true, 0.05);
    List<Signal> all = rules.signals(worse);
    assertEquals(6, all.size());
    assertEquals(Condition.CLEAR, all.get(0).condition()); // ON_TRACK
    all.subList(1, 6).forEach(s -> assertEquals(Condition.ACTIVE, s.condition(), s.rule().toString()));
    EvaluationRecord fine = Evaluations.verdicts(2, Comparison.BETTER, Comparison.WORSE, Trend.DECREASING_GETTING_BETTER,
        SpcPoint.COMMON_CAUSE, false, 0.7);
    rules.signals(fine).forEach(s -> assertEquals(Condition.CLEAR, s.condition(), s.rule().toString()));
    EvaluationRecord unknown = Evaluations.verdicts(3, Comparison.NOT_COMPARED, null, Trend.CANNOT_BE_CALCULATED, null, null, 0.3);
    List<Signal> u = rules.signals(unknown);
    assertEquals(Condition.CLEAR, u.get(0).condition()); // ON_TRACK
    u.subList(1, 6).forEach(s -> assertEquals(Condition.UNKNOWN, s.condition(), s.rule().toString()));
    assertNull(u.get(1).severity());
  }

  @Test
  void worstIsCriticalAndRegionCanBeTheBenchmark() {
    Signal worst = rules.worseThanBenchmark(Evaluations.verdicts(1, Comparison.WORST, null, null, null, null, null));
    assertEquals(Severity.CRITICAL, worst.severity());
    RulesConfig region = new RulesConfig(null, null, null,
        new RulesConfig.Benchmark(true, Severity.WARNING, Severity.CRITICAL, "region"), null, null, null);
    Signal s = new AlertRules(region, "http://x")
        .worseThanBenchmark(Evaluations.verdicts(2, Comparison.BETTER, Comparison.WORSE, null, null, null, null));
    assertEquals(Condition.ACTIVE, s.condition());
    assertTrue(s.annotations().get("summary").contains("worse than the region"));
  }

  @Test
  void disabledRulesGiveNoSignal() {
    RulesConfig off = new RulesConfig(new RulesConfig.OffTrajectory(false, true),
        new RulesConfig.ProjectedMiss(false, Severity.WARNING, 0.1, 0.5), new RulesConfig.Simple(false, Severity.WARNING),
        null, new RulesConfig.Simple(false, Severity.WARNING), new RulesConfig.Simple(false, Severity.WARNING), null);
    List<Signal> s = new AlertRules(off, "http://x").signals(Evaluations.verdicts(1, Comparison.WORSE, null, null, null, null, null));
    assertEquals(List.of(Rule.WORSE_THAN_BENCHMARK), s.stream().map(Signal::rule).toList());
  }

  @Test
  void projectedMissHasHysteresis() {
    assertEquals(Condition.ACTIVE, rules.projectedMiss(Evaluations.verdicts(1, null, null, null, null, null, 0.1)).condition());
    assertEquals(Condition.UNKNOWN, rules.projectedMiss(Evaluations.verdicts(1, null, null, null, null, null, 0.3)).condition());
    assertEquals(Condition.CLEAR, rules.projectedMiss(Evaluations.verdicts(1, null, null, null, null, null, 0.5)).condition());
  }

  @Test
  void notEnoughDataWithoutAPeriodGivesUnknownSignals() {
    EvaluationRecord none = Evaluations.record(5, "dudley-le-male", null, null, null, 0, AT, false,
        TargetStatus.NOT_ENOUGH_DATA, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, "No data.", Evaluations.TARGET);
    rules.signals(none).forEach(s -> assertEquals(Condition.UNKNOWN, s.condition(), s.rule().toString()));
  }
}
