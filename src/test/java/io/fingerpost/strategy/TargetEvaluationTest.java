package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fingerpost.model.Period;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A real case: Dudley male life expectancy (tidy-series, Fingertips 90366) against the bundled target. */
class TargetEvaluationTest {

  private static final SeriesKey DUDLEY = new SeriesKey("90366", "E08000027", "Male", "<1 yr", "", "");

  private static List<Observation> series(SeriesKey key, String[] periods, double[] values) {
    List<Observation> list = new ArrayList<>();
    for (int i = 0; i < periods.length; i++) {
      list.add(new Observation(key, Period.parse(periods[i]), values[i], null, null, null, null, null, null,
          null));
    }
    return list;
  }

  private static final String[] PERIODS = {"2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20", "2019 - 21",
      "2020 - 22", "2021 - 23", "2022 - 24", "2023 - 25"};

  private static TargetEvaluation.Inputs inputs(double latest) {
    TargetDefinition target = TargetsLoader.loadResource(DudleyTargetsFileTest.RESOURCE).stream()
        .filter(t -> t.id().equals("le-birth-male")).findFirst().orElseThrow();
    List<Observation> dudley = series(DUDLEY, PERIODS,
        new double[] {78.9, 79.0, 79.5, 78.9, 78.8, 78.3, 78.6, 78.9, latest});
    List<Observation> england = series(DUDLEY.inArea("E92000001"), PERIODS,
        new double[] {79.5, 79.6, 79.7, 79.3, 79.0, 78.9, 79.1, 79.5, 79.7});
    return new TargetEvaluation.Inputs(target, "Dudley",
        new TargetEvaluation.IndicatorInfo("Life expectancy at birth", "Years", null, null), 7L, dudley,
        Map.of("2023 - 25", 1), england, List.of(), england);
  }

  // Baseline "2018 - 20" (t₀ = 2019.5) at its published value b = 78.9; England 2018 - 20 = 79.3 = g by
  // "2031 - 33" (t₁ = 2032.5). Latest "2023 - 25" (t = 2024.5): expected = 78.9 + 0.4·5/13 = 79.053846;
  // d = 79.0 − 79.053846 = −0.053846 ≥ −0.25 → ON_TRACK.
  // Projection (OLS, no CIs) over 2018 - 20 … 2023 - 25: t = 2019.5 … 2024.5, y = 78.9, 78.8, 78.3, 78.6,
  // 78.9, 79.0: slope 0.0314286, ŷ(2032.5) = 79.08, SE = 0.770108 (4 df, t = 2.776445) → (76.94, 81.22);
  // P(Y ≥ 79.3) = 0.394655 (numpy.polyfit, scipy.stats.t).
  @Test
  void dudleyMaleLifeExpectancy() {
    Evaluation r = TargetEvaluation.evaluate(inputs(79.0));
    assertEquals("ON_TRACK", r.status().name());
    assertEquals("2023 - 25", r.period());
    assertEquals(2024.5, r.periodT());
    assertEquals(1, r.observationRevision());
    assertEquals(78.9, r.trajectory().baselineValue(), 1e-12);
    assertEquals(79.3, r.trajectory().targetValue(), 1e-12);
    assertEquals(78.9 + 0.4 * 5 / 13, r.trajectory().expected(), 1e-9);
    assertEquals(79.0 - (78.9 + 0.4 * 5 / 13), r.trajectory().deviation(), 1e-9);
    assertEquals(0.25, r.trajectory().amberTolerance());
    assertEquals(0.5, r.trajectory().redTolerance());
    assertEquals(79.08, r.projection().value(), 1e-9);
    assertEquals(76.941837, r.projection().lower(), 1e-6);
    assertEquals(81.218163, r.projection().upper(), 1e-6);
    assertEquals(0.394655, r.projection().probabilityOfMeeting(), 1e-6);
    assertEquals("Not compared", r.verdicts().comparedToEngland().label()); // no CIs in the bundled data
    assertNull(r.verdicts().comparedToRegion());
    assertNull(r.trajectory().notSignificant());
    assertEquals("Dudley, Life expectancy at birth, male (years) 2023 - 25: 79 years, 0.05 below its"
        + " trajectory to 79.3 by 2031 - 33 (on track; expected 79.05); projected 79.08 (76.94–81.22) in"
        + " 2031 - 33, 39% chance of reaching the target.", r.explanation());
  }

  // Issue 13: the strategy's printed baseline fed as a source of its own. Life expectancy at 65, male: printed
  // 2020, Dudley 17.48, "reach England" 18.11 by 2033. With only that value, the target is NOT_ENOUGH_DATA
  // with its baseline and goal (not ON_TRACK by a deviation of 0); a value after the baseline rates it:
  // 2021 at 17.40, expected 17.48 + 0.63·1/13 = 17.528462, d = −0.128462, amber 25% of 0.63 = 0.1575 → ON_TRACK.
  @Test
  void theBaselinePeriodAloneIsNotEnoughDataAndKeepsItsBaseline() {
    TargetDefinition target = TargetsLoader.loadResource(DudleyTargetsFileTest.RESOURCE).stream()
        .filter(t -> t.id().equals("le-65-male")).findFirst().orElseThrow();
    SeriesKey key = new SeriesKey("dudley-his.le-65", "E08000027", "Male", "", "", "");
    TargetEvaluation.IndicatorInfo info = new TargetEvaluation.IndicatorInfo("Life expectancy at 65", null, null, null);
    Evaluation printed = TargetEvaluation.evaluate(new TargetEvaluation.Inputs(target, "Dudley", info, 9L,
        series(key, new String[] {"2020"}, new double[] {17.48}), Map.of("2020", 1), List.of(), List.of(), List.of()));
    assertEquals("NOT_ENOUGH_DATA", printed.status().name());
    assertEquals(17.48, printed.trajectory().baselineValue());
    assertEquals(18.11, printed.trajectory().targetValue());
    assertNull(printed.period());
    assertNull(printed.trajectory().deviation());
    assertEquals("Dudley, Life expectancy at 65, male (years): only the baseline period 2020 so far, so it cannot"
        + " be held against its trajectory yet.", printed.explanation());

    Evaluation later = TargetEvaluation.evaluate(new TargetEvaluation.Inputs(target, "Dudley", info, 9L,
        series(key, new String[] {"2020", "2021"}, new double[] {17.48, 17.40}), Map.of("2021", 1), List.of(),
        List.of(), List.of()));
    assertEquals("ON_TRACK", later.status().name());
    assertEquals("2021", later.period());
    assertEquals(17.48 + 0.63 / 13, later.trajectory().expected(), 1e-9);
    assertEquals(17.40 - (17.48 + 0.63 / 13), later.trajectory().deviation(), 1e-9);
  }

  @Test
  void amberAndRedExplainTheirTolerance() {
    // 78.7: d = −0.353846 → AT_RISK (amber 0.25); 78.4: d = −0.653846 → OFF_TRACK (red 0.5)
    Evaluation amber = TargetEvaluation.evaluate(inputs(78.7));
    assertEquals("AT_RISK", amber.status().name());
    assertEquals(true, amber.explanation().contains("0.35 below its trajectory to 79.3 by 2031 - 33"
        + " (amber, tolerance 0.25; expected 79.05)"), amber.explanation());
    Evaluation red = TargetEvaluation.evaluate(inputs(78.4));
    assertEquals("OFF_TRACK", red.status().name());
    assertEquals(true, red.explanation().contains("(red, tolerance 0.5; expected 79.05)"), red.explanation());
  }

  @Test
  void sameDataSameFingerprintOtherDataAnother() {
    assertEquals(TargetEvaluation.evaluate(inputs(79.0)).fingerprint(),
        TargetEvaluation.evaluate(inputs(79.0)).fingerprint());
    assertNotEquals(TargetEvaluation.evaluate(inputs(79.0)).fingerprint(),
        TargetEvaluation.evaluate(inputs(79.1)).fingerprint());
  }

  @Test
  void aMissingBaselineValueIsReportedNotThrown() {
    TargetEvaluation.Inputs in = inputs(79.0);
    TargetEvaluation.Inputs noBaseline = new TargetEvaluation.Inputs(in.target(), "Dudley", in.indicator(), 7L,
        in.observations().stream().filter(o -> !o.period().label().equals("2018 - 20")).toList(), Map.of(),
        in.england(), List.of(), in.england());
    Evaluation r = TargetEvaluation.evaluate(noBaseline);
    assertEquals("NOT_ENOUGH_DATA", r.status().name());
    assertEquals("Dudley, Life expectancy at birth, male (years): cannot be evaluated yet: no published value"
        + " for the baseline period 2018 - 20.", r.explanation());
  }

  // Gap: most deprived 30 (28–32), least 20 (19–21) in 2023 - 25 → absolute 10, relative 1.5; in 2022 - 24
  // most 26 (24–28), least 20 (19–21) → 6. Each gap's SE = √((4/3.92)² + (2/3.92)²) = 1.140851, so the
  // difference 4 has SE √2·1.140851 = 1.613410, z = 2.479 > 1.96 and |10| > |6|: widened significantly.
  @Test
  void deprivationGapAndWidening() {
    TargetEvaluation.Inputs in = inputs(79.0);
    List<Observation> dep = new ArrayList<>();
    dep.add(group("Most deprived quintile", "2023 - 25", 30, 28, 32));
    dep.add(group("Least deprived quintile", "2023 - 25", 20, 19, 21));
    dep.add(group("Most deprived quintile", "2022 - 24", 26, 24, 28));
    dep.add(group("Least deprived quintile", "2022 - 24", 20, 19, 21));
    dep.add(group("Second most deprived quintile", "2023 - 25", 99, 98, 100));
    Evaluation r = TargetEvaluation.evaluate(new TargetEvaluation.Inputs(in.target(), in.areaName(),
        in.indicator(), in.seriesId(), in.observations(), in.revisions(), in.england(), in.region(),
        in.benchmark(), dep));
    assertEquals(10.0, r.gap().absolute(), 1e-12);
    assertEquals(1.5, r.gap().relative(), 1e-12);
    assertEquals(true, r.gap().widening());
    // narrower than before: not widening
    dep.set(0, group("Most deprived quintile", "2023 - 25", 25, 23, 27));
    Evaluation narrower = TargetEvaluation.evaluate(new TargetEvaluation.Inputs(in.target(), in.areaName(),
        in.indicator(), in.seriesId(), in.observations(), in.revisions(), in.england(), in.region(),
        in.benchmark(), dep));
    assertEquals(5.0, narrower.gap().absolute(), 1e-12);
    assertEquals(false, narrower.gap().widening());
    assertNotEquals(r.fingerprint(), narrower.fingerprint());
    // no breakdown: no gap
    assertNull(TargetEvaluation.evaluate(in).gap().absolute());
  }

  private static Observation group(String category, String period, double v, double lo, double hi) {
    return new Observation(new SeriesKey("90366", "E08000027", "Male", "<1 yr", "Deprivation quintile", category),
        Period.parse(period), v, lo, hi, null, null, null, null, null);
  }
}
