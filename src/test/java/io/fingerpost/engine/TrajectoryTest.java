package io.fingerpost.engine;

import io.fingerpost.model.Period;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.engine.TrajectorySpec.Sense;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases of docs/design.md "Trajectory method, precisely" for every target form and status.
 * Times are period midpoints: "2020" → 2020.5, "2020/21" → 2020.75, "2018 - 20" → 2019.5.
 */
class TrajectoryTest {

  private static final double EPS = 1e-9;
  private static final SeriesKey KEY = new SeriesKey("90366", "E08000027", "Male", "", "", "");

  private static Observation obs(String period, Double value) {
    return obs(period, value, null, null);
  }

  private static Observation obs(String period, Double value, Double lower, Double upper) {
    return new Observation(KEY, Period.parse(period), value, lower, upper, null, null, null, null, null);
  }

  private static TrajectorySpec spec(Sense sense, String baseline, Double b, String target, Double g,
      List<TrajectoryPoint> milestones, Tolerance amber, Tolerance red, boolean ciCounts) {
    return new TrajectorySpec(sense, Period.parse(baseline).t(), b, Period.parse(target).t(), g,
        milestones, amber, red, ciCounts, null, null);
  }

  // --- absolute value at a period -------------------------------------------------------------------
  // Baseline "2018 - 20" (t₀ = 2019.5) b = 78.0, target 79.4 by "2033" (t₁ = 2033.5), increase.
  // Latest "2022 - 24": t = 2023.5, expected = 78.0 + 1.4·(2023.5 − 2019.5)/14 = 78.0 + 0.4 = 78.4.
  // Tolerance amber 0.3, red 0.6 (units).
  private static Trajectory absolute(boolean ciCounts) {
    return new Trajectory(spec(Sense.INCREASE, "2018 - 20", 78.0, "2033", 79.4, List.of(),
        Tolerance.units(0.3), Tolerance.units(0.6), ciCounts));
  }

  @Test
  void absoluteOnTrack() {
    // d = +1·(78.3 − 78.4) = −0.1 ≥ −0.3 → ON_TRACK
    TrajectoryResult r = absolute(true).evaluate(List.of(obs("2017 - 19", 80.0), obs("2022 - 24", 78.3)));
    assertEquals(TrajectoryStatus.ON_TRACK, r.status());
    assertEquals(78.4, r.expected(), EPS);
    assertEquals(-0.1, r.deviation(), EPS);
    assertEquals("2022 - 24", r.period().label());
    assertNull(r.notSignificant(), "no CI, no significance");
  }

  @Test
  void absoluteAtRisk() {
    // d = 78.0 − 78.4 = −0.4: −0.6 ≤ d < −0.3 → AT_RISK
    TrajectoryResult r = absolute(true).evaluate(List.of(obs("2022 - 24", 78.0)));
    assertEquals(TrajectoryStatus.AT_RISK, r.status());
    assertEquals(-0.4, r.deviation(), EPS);
    assertEquals(0.3, r.amberTolerance(), EPS);
    assertEquals(0.6, r.redTolerance(), EPS);
  }

  @Test
  void absoluteOffTrack() {
    // d = 77.7 − 78.4 = −0.7 < −0.6 → OFF_TRACK
    TrajectoryResult r = absolute(true).evaluate(List.of(obs("2022 - 24", 77.7)));
    assertEquals(TrajectoryStatus.OFF_TRACK, r.status());
    assertEquals(TrajectoryStatus.OFF_TRACK, r.statusByTolerance());
  }

  @Test
  void ciContainingExpectedCountsAsOnTrackWhenAllowed() {
    // 77.7 (77.2–78.5) contains expected 78.4: not significantly off → ON_TRACK
    TrajectoryResult r = absolute(true).evaluate(List.of(obs("2022 - 24", 77.7, 77.2, 78.5)));
    assertEquals(TrajectoryStatus.ON_TRACK, r.status());
    assertEquals(TrajectoryStatus.OFF_TRACK, r.statusByTolerance());
    assertTrue(r.notSignificant());
    // … but not when the target says so (ciCountsAsOnTrack: false)
    TrajectoryResult strict = absolute(false).evaluate(List.of(obs("2022 - 24", 77.7, 77.2, 78.5)));
    assertEquals(TrajectoryStatus.OFF_TRACK, strict.status());
    assertTrue(strict.notSignificant());
    // 77.7 (77.2–78.2) excludes 78.4: significantly off
    TrajectoryResult sig = absolute(true).evaluate(List.of(obs("2022 - 24", 77.7, 77.2, 78.2)));
    assertEquals(TrajectoryStatus.OFF_TRACK, sig.status());
    assertFalse(sig.notSignificant());
  }

  @Test
  void boundariesAreInclusiveAsTheMethodSays() {
    // Binary-exact numbers: b = 10 at "2020" (2020.5), g = 20 at "2030" (2030.5); at "2025" expected = 15.
    Trajectory tr = new Trajectory(spec(Sense.INCREASE, "2020", 10.0, "2030", 20.0, List.of(),
        Tolerance.units(1), Tolerance.units(2), true));
    assertEquals(15.0, tr.expected(Period.parse("2025").t()), 0);
    // d = −1 = −a → ON_TRACK; d = −2 = −r → AT_RISK; d = −2.5 < −r → OFF_TRACK
    assertEquals(TrajectoryStatus.ON_TRACK, tr.evaluate(List.of(obs("2025", 14.0))).status());
    assertEquals(TrajectoryStatus.AT_RISK, tr.evaluate(List.of(obs("2025", 13.0))).status());
    assertEquals(TrajectoryStatus.OFF_TRACK, tr.evaluate(List.of(obs("2025", 12.5))).status());
    // ahead of the trajectory: d = +3
    assertEquals(3.0, tr.evaluate(List.of(obs("2025", 18.0))).deviation(), 0);
    // constant before t₀ and after t₁
    assertEquals(10.0, tr.expected(2015), 0);
    assertEquals(20.0, tr.expected(2040), 0);
  }

  // --- relative change (−10% by 2027/28) ------------------------------------------------------------
  // Baseline "2020/21" (t₀ = 2020.75) b = 20; g = 20·(1 − 0.10) = 18 at "2027/28" (t₁ = 2027.75); decrease.
  // Tolerance 10% / 25% of |g − b| = 2 → a = 0.2, r = 0.5.
  // Latest "2023/24" (t = 2023.75): expected = 20 − 2·3/7 = 19.142857…
  private static Trajectory relative() {
    return new Trajectory(spec(Sense.DECREASE, "2020/21", 20.0, "2027/28", 18.0, List.of(),
        Tolerance.percent(10), Tolerance.percent(25), true));
  }

  @Test
  void relativeChangeStatuses() {
    double expected = 20 - 2.0 * 3 / 7;
    TrajectoryResult ahead = relative().evaluate(List.of(obs("2023/24", 19.0)));
    assertEquals(expected, ahead.expected(), EPS);
    assertEquals(-(19.0 - expected), ahead.deviation(), EPS); // s = −1: +0.142857, ahead
    assertEquals(TrajectoryStatus.ON_TRACK, ahead.status());
    assertEquals(0.2, ahead.amberTolerance(), EPS);
    assertEquals(0.5, ahead.redTolerance(), EPS);
    // 19.3: d = −0.157 ≥ −0.2 → ON_TRACK; 19.5: d = −0.357 → AT_RISK; 19.7: d = −0.557 → OFF_TRACK
    assertEquals(TrajectoryStatus.ON_TRACK, relative().evaluate(List.of(obs("2023/24", 19.3))).status());
    assertEquals(TrajectoryStatus.AT_RISK, relative().evaluate(List.of(obs("2023/24", 19.5))).status());
    assertEquals(TrajectoryStatus.OFF_TRACK, relative().evaluate(List.of(obs("2023/24", 19.7))).status());
  }

  // --- reach the benchmark ---------------------------------------------------------------------------
  // Dudley male life expectancy "2018 - 20" b = 78.9; England's value for the same period 79.3 is the
  // target by "2033". t₀ = 2019.5, t₁ = 2033.5. Latest "2023 - 25" (t = 2024.5): expected = 78.9 + 0.4·5/14
  // = 79.042857…; value 79.0 → d = −0.042857. Tolerance 50%/100% of |g − b| = 0.4 → a = 0.2, r = 0.4.
  @Test
  void reachBenchmark() {
    Trajectory tr = new Trajectory(spec(Sense.INCREASE, "2018 - 20", 78.9, "2033", 79.3, List.of(),
        Tolerance.percent(50), Tolerance.percent(100), true));
    TrajectoryResult r = tr.evaluate(List.of(obs("2018 - 20", 78.9), obs("2023 - 25", 79.0)));
    assertEquals(78.9 + 0.4 * 5 / 14, r.expected(), EPS);
    assertEquals(79.0 - (78.9 + 0.4 * 5 / 14), r.deviation(), EPS);
    assertEquals(TrajectoryStatus.ON_TRACK, r.status());
    // 78.7: d = −0.342857 → AT_RISK; 78.5: d = −0.542857 → OFF_TRACK
    assertEquals(TrajectoryStatus.AT_RISK, tr.evaluate(List.of(obs("2023 - 25", 78.7))).status());
    assertEquals(TrajectoryStatus.OFF_TRACK, tr.evaluate(List.of(obs("2023 - 25", 78.5))).status());
  }

  // --- direction only --------------------------------------------------------------------------------
  // Increase, baseline "2020" b = 50, horizon "2028"; expected(t) = 50 everywhere.
  // Tolerance 2% / 5% of |b| = 50 → a = 1, r = 2.5.
  @Test
  void directionOnly() {
    Trajectory tr = new Trajectory(spec(Sense.INCREASE, "2020", 50.0, "2028", null, List.of(),
        Tolerance.percent(2), Tolerance.percent(5), true));
    assertTrue(tr.spec().directionOnly());
    assertEquals(50.0, tr.expected(2027.5), 0);
    assertEquals(1.0, tr.amberUnits(), EPS);
    assertEquals(2.5, tr.redUnits(), EPS);
    // 49.5: d = −0.5 → ON_TRACK; 48.5: d = −1.5 → AT_RISK; 47: d = −3 → OFF_TRACK; 55: d = +5
    assertEquals(TrajectoryStatus.ON_TRACK, tr.evaluate(List.of(obs("2023", 49.5))).status());
    assertEquals(TrajectoryStatus.AT_RISK, tr.evaluate(List.of(obs("2023", 48.5))).status());
    assertEquals(TrajectoryStatus.OFF_TRACK, tr.evaluate(List.of(obs("2023", 47.0))).status());
    assertEquals(5.0, tr.evaluate(List.of(obs("2023", 55.0))).deviation(), EPS);
  }

  // --- milestones ------------------------------------------------------------------------------------
  // Decrease: (2020.5, 100) → milestone (2025.5, 90) → target (2030.5, 85).
  // expected(2023.5) = 100 − 10·3/5 = 94; expected(2027.5) = 90 − 5·2/5 = 88.
  @Test
  void milestonesMakeThePiecewiseLine() {
    Trajectory tr = new Trajectory(spec(Sense.DECREASE, "2020", 100.0, "2030", 85.0,
        List.of(new TrajectoryPoint(Period.parse("2025").t(), 90.0)),
        Tolerance.units(1), Tolerance.units(3), true));
    assertEquals(94.0, tr.expected(2023.5), EPS);
    assertEquals(90.0, tr.expected(2025.5), EPS);
    assertEquals(88.0, tr.expected(2027.5), EPS);
    assertEquals(100.0, tr.expected(2019.5), EPS);
    assertEquals(85.0, tr.expected(2032.5), EPS);
    assertEquals(3, tr.points().size());
    // 2027: 88.5 → d = −0.5 ON_TRACK; 90 → d = −2 AT_RISK; 91.5 → d = −3.5 OFF_TRACK
    assertEquals(TrajectoryStatus.ON_TRACK, tr.evaluate(List.of(obs("2027", 88.5))).status());
    assertEquals(TrajectoryStatus.AT_RISK, tr.evaluate(List.of(obs("2027", 90.0))).status());
    assertEquals(TrajectoryStatus.OFF_TRACK, tr.evaluate(List.of(obs("2027", 91.5))).status());
  }

  // --- band ("stay within") --------------------------------------------------------------------------
  // [40, 60], tolerance 10% / 25% of the width 20 → a = 2, r = 5. d = min(v − 40, 60 − v).
  @Test
  void band() {
    Trajectory tr = new Trajectory(new TrajectorySpec(Sense.WITHIN, 2020.5, null, 2028.5, null,
        List.of(), Tolerance.percent(10), Tolerance.percent(25), true, 40.0, 60.0));
    TrajectoryResult inside = tr.evaluate(List.of(obs("2023", 50.0)));
    assertEquals(TrajectoryStatus.ON_TRACK, inside.status());
    assertEquals(10.0, inside.deviation(), EPS);
    assertEquals(50.0, inside.expected(), EPS);
    TrajectoryResult justOut = tr.evaluate(List.of(obs("2023", 61.0)));
    assertEquals(-1.0, justOut.deviation(), EPS);
    assertEquals(60.0, justOut.expected(), EPS);
    assertEquals(TrajectoryStatus.ON_TRACK, justOut.status());
    assertEquals(TrajectoryStatus.AT_RISK, tr.evaluate(List.of(obs("2023", 63.5))).status());
    assertEquals(TrajectoryStatus.AT_RISK, tr.evaluate(List.of(obs("2023", 35.0))).status()); // d = −5 = −r
    assertEquals(TrajectoryStatus.OFF_TRACK, tr.evaluate(List.of(obs("2023", 66.0))).status());
    // 66 (59–73) overlaps the band: not significantly off
    TrajectoryResult overlap = tr.evaluate(List.of(obs("2023", 66.0, 59.0, 73.0)));
    assertEquals(TrajectoryStatus.ON_TRACK, overlap.status());
    assertTrue(overlap.notSignificant());
  }

  // --- not enough data -------------------------------------------------------------------------------
  @Test
  void notEnoughDataWithoutAnObservationFromTheBaselineOn() {
    Trajectory tr = absolute(true);
    assertEquals(TrajectoryStatus.NOT_ENOUGH_DATA, tr.evaluate(List.of()).status());
    // "2017 - 19" (t = 2018.5) is before the baseline "2018 - 20" (t₀ = 2019.5); a missing value is no value
    TrajectoryResult r = tr.evaluate(List.of(obs("2017 - 19", 79.0), obs("2022 - 24", null)));
    assertEquals(TrajectoryStatus.NOT_ENOUGH_DATA, r.status());
    assertNull(r.value());
    assertNull(r.projection());
    // the baseline period itself counts
    assertEquals(TrajectoryStatus.ON_TRACK, tr.evaluate(List.of(obs("2018 - 20", 78.0))).status());
  }

  // --- projection ------------------------------------------------------------------------------------
  // OLS (no CIs): t = 2020.5 … 2023.5, y = 10, 12, 11, 14; t̄ = 2022, Sxx = 5, ȳ = 11.75, Sxy = 5.5,
  // slope = 1.1; fitted 10.1, 11.2, 12.3, 13.4; residuals −0.1, 0.8, −1.3, 0.6; RSS = 2.70, σ̂² = 1.35.
  // ŷ(2028.5) = 11.75 + 1.1·6.5 = 18.9. SE² = 1.35·(1 + 1/4 + 6.5²/5) = 1.35·9.7 = 13.095, SE = 3.618701.
  // t(0.975, 2) = 4.302653 → 18.9 ± 15.570016 = (3.329984, 34.470016).
  // P(Y ≥ 18) = 1 − F₂((18 − 18.9)/3.618701) = F₂(0.248708); for 2 df F(x) = ½ + x/(2√(2 + x²)) = 0.586603.
  // (Checked with numpy.polyfit and scipy.stats.t.)
  @Test
  void projectionOrdinaryLeastSquares() {
    Trajectory tr = new Trajectory(spec(Sense.INCREASE, "2020", 10.0, "2028", 18.0, List.of(),
        Tolerance.units(1), Tolerance.units(2), true));
    List<Observation> series = List.of(obs("2019", 3.0), // before the baseline: not fitted
        obs("2020", 10.0), obs("2021", 12.0), obs("2022", 11.0), obs("2023", 14.0));
    Projection p = tr.evaluate(series).projection();
    assertEquals(4, p.n());
    assertFalse(p.weighted());
    assertEquals(2, p.degreesOfFreedom());
    assertEquals(1.1, p.slope(), 1e-9);
    assertEquals(2028.5, p.t(), 0);
    assertEquals(18.9, p.value(), 1e-9);
    assertEquals(Math.sqrt(13.095), p.standardError(), 1e-9);
    assertEquals(3.329984, p.lower(), 1e-6);
    assertEquals(34.470016, p.upper(), 1e-6);
    double x = 0.9 / Math.sqrt(13.095);
    assertEquals(0.5 + x / (2 * Math.sqrt(2 + x * x)), p.probabilityOfMeeting(), 1e-9);
    assertEquals(0.586603, p.probabilityOfMeeting(), 1e-6);

    // the same series, decrease: P(Y ≤ 18) = 1 − 0.586603
    Trajectory down = new Trajectory(spec(Sense.DECREASE, "2020", 10.0, "2028", 18.0, List.of(),
        Tolerance.units(1), Tolerance.units(2), true));
    assertEquals(0.413397, down.evaluate(series).projection().probabilityOfMeeting(), 1e-6);
  }

  // WLS (every point has a CI): t = 2020.5, 2021.5, 2022.5, y = 10, 11, 13, SE = 1, 1, 0.5 (CI = y ± 1.96·SE,
  // and SE = (upper − lower)/3.92)
  // → w = 1, 1, 4. Σw = 6, t̄w = 2022, ȳw = 73/6, Sxx = 2.25 + 0.25 + 4·0.25 = 3.5,
  // Sxy = (−1.5)(−13/6) + (−0.5)(−7/6) + 4·0.5·(5/6) = 5.5, slope = 11/7.
  // Fitted 9.809524, 11.380952, 12.952381; weighted RSS = 0.190476 = 4/21 = σ̂² (1 df).
  // ŷ(2025.5) = 73/6 + 11/7·3.5 = 17.666667. SE² = σ̂²·(mean(1/w) + 1/Σw + 3.5²/3.5)
  // = (4/21)·(0.75 + 1/6 + 3.5) = 0.841270, SE = 0.917208. t(0.975, 1) = 12.706205 → (6.012439, 29.320895).
  // P(Y ≥ 17) = 1 − F₁(−0.726844) = ½ + atan(0.726844)/π = 0.700063.
  @Test
  void projectionWeightedLeastSquares() {
    Trajectory tr = new Trajectory(spec(Sense.INCREASE, "2020", 10.0, "2025", 17.0, List.of(),
        Tolerance.units(1), Tolerance.units(2), true));
    double[] ses = {1, 1, 0.5};
    double[] ys = {10, 11, 13};
    List<Observation> series = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      double h = 1.96 * ses[i];
      series.add(obs(Integer.toString(2020 + i), ys[i], ys[i] - h, ys[i] + h));
    }
    Projection p = tr.evaluate(series).projection();
    assertTrue(p.weighted());
    assertEquals(11.0 / 7, p.slope(), 1e-9);
    assertEquals(53.0 / 3, p.value(), 1e-9);
    assertEquals(Math.sqrt(4.0 / 21 * (0.75 + 1.0 / 6 + 3.5)), p.standardError(), 1e-9);
    assertEquals(6.012439, p.lower(), 1e-5);
    assertEquals(29.320895, p.upper(), 1e-5);
    double x = (17 - 53.0 / 3) / p.standardError();
    assertEquals(0.5 - Math.atan(x) / Math.PI, p.probabilityOfMeeting(), 1e-9);
    assertEquals(0.700063, p.probabilityOfMeeting(), 1e-6);

    // one point without a CI → ordinary least squares for all
    series.set(1, obs("2021", 11.0));
    assertFalse(tr.evaluate(series).projection().weighted());
  }

  @Test
  void projectionNeedsThreePointsFromTheBaseline() {
    Trajectory tr = absolute(true);
    assertNull(tr.evaluate(List.of(obs("2018 - 20", 78.0), obs("2019 - 21", 78.1))).projection());
    assertEquals(3, tr.evaluate(List.of(obs("2018 - 20", 78.0), obs("2019 - 21", 78.1),
        obs("2020 - 22", 78.3))).projection().n());
  }

  @Test
  void directionOnlyProjectionIsTheChanceOfBeatingTheBaseline() {
    // Decrease, b = 12 at "2020", the OLS series above (rising): ŷ(2028.5) = 18.9, SE = 3.618701.
    // P(Y ≤ 12) = F₂((12 − 18.9)/3.618701) = F₂(−1.906762) = ½ − x/(2√(2 + x²)), x = 1.906762 → 0.098403.
    Trajectory tr = new Trajectory(spec(Sense.DECREASE, "2020", 12.0, "2028", null, List.of(),
        Tolerance.units(1), Tolerance.units(2), true));
    Projection p = tr.evaluate(List.of(obs("2020", 10.0), obs("2021", 12.0), obs("2022", 11.0),
        obs("2023", 14.0))).projection();
    double x = 6.9 / Math.sqrt(13.095);
    assertEquals(0.5 - x / (2 * Math.sqrt(2 + x * x)), p.probabilityOfMeeting(), 1e-9);
    assertEquals(0.098403, p.probabilityOfMeeting(), 1e-6);
  }

  @Test
  void specRejectsInconsistentDefinitions() {
    assertThrows(IllegalArgumentException.class, () -> spec(Sense.INCREASE, "2030", 1.0, "2020", 2.0,
        List.of(), Tolerance.units(1), Tolerance.units(2), true));
    assertThrows(IllegalArgumentException.class, () -> spec(Sense.INCREASE, "2020", 1.0, "2030", 2.0,
        List.of(new TrajectoryPoint(2035, 1.5)), Tolerance.units(1), Tolerance.units(2), true));
    assertThrows(IllegalArgumentException.class, () -> Tolerance.units(-1));
  }
}
