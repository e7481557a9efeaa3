package io.fingerpost.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.model.Period;
import io.fingerpost.strategy.Evaluation;
import org.junit.jupiter.api.Test;

/** The report's rules for a projection: held to the value type's range, and not beyond ten years. */
class ShownProjectionTest {

  private static Evaluation evaluated(String period, double value, double lower, double upper, double p) {
    return new Evaluation("t", 1L, period, Period.parse(period).t(), null, null, null, null, null,
        new Evaluation.Projection(value, lower, upper, p), "", "{}", null);
  }

  @Test
  void aRateIsNotShownBelowZero() {
    // the bundled alcohol-admissions target (2017/18 data, 2027/28 target): the fitted line goes below zero
    ShownProjection.Shown s = ShownProjection.of(evaluated("2017/18", -475.66, -1536.2, 584.87, 0.976),
        "2027/28", "directly standardised rate", "per 100,000");
    assertEquals(0.0, s.value());
    assertEquals(0.0, s.lower());
    assertEquals(584.87, s.upper());
    assertEquals(0.976, s.probability(), "the probability is the fit's: clamping does not move mass across a goal");
    assertTrue(s.clamped());
    String cell = ReportHtml.projection(s, "2027/28");
    assertTrue(cell.startsWith("0.00 [0.00, 584.9] 2027/28") && cell.contains("(in range)"), cell);
  }

  @Test
  void aProportionInPercentStaysWithin0To100AndARatioInPercentOnlyAbove0() {
    ShownProjection.Shown prop = ShownProjection.of(evaluated("2022", 104, 96, 112, 0.5), "2028", "proportion", "%");
    assertEquals(100.0, prop.value());
    assertEquals(96.0, prop.lower());
    assertEquals(100.0, prop.upper());
    // excess under-75 mortality in SMI is a percentage of the expected deaths: well above 100 is possible
    ShownProjection.Shown ratio = ShownProjection.of(evaluated("2022", 450, -20, 920, 0.1), "2028", "ratio", "%");
    assertEquals(450.0, ratio.value());
    assertEquals(0.0, ratio.lower());
    assertEquals(920.0, ratio.upper());
  }

  @Test
  void aGapOrAnyOtherValueIsNotClamped() {
    ShownProjection.Shown sii = ShownProjection.of(evaluated("2022 - 24", -1.5, -6, 3, 0.7), "2031 - 33",
        "slope index of inequality", "Years");
    assertEquals(-1.5, sii.value());
    assertEquals(-6.0, sii.lower());
    assertFalse(sii.clamped());
    ShownProjection.Shown other = ShownProjection.of(evaluated("2022", -2, -4, 0, 0.2), "2028", null, "score");
    assertEquals(-4.0, other.lower());
  }

  @Test
  void moreThanTenYearsBeyondTheLatestValueIsTooFarToProject() {
    // excess-u75-smi: data end 2014/15, target 2027/28 (12 years on)
    ShownProjection.Shown far = ShownProjection.of(evaluated("2014/15", 1137.5, -6069.5, 8344.4, 0.19), "2027/28",
        "ratio", "%");
    assertTrue(far.tooFar());
    assertNull(far.value());
    assertNull(far.probability(), "no probability either");
    assertEquals("too far to project (13 years beyond the latest value)", far.note());
    assertTrue(ReportHtml.projection(far, "2027/28").contains("too far to project"));
    // 9.2 years on: projected
    ShownProjection.Shown near = ShownProjection.of(evaluated("2017/18", 100, 80, 120, 0.5), "2027/28",
        "directly standardised rate", "per 100,000");
    assertFalse(near.tooFar());
    assertEquals(100.0, near.value());
    assertFalse(near.clamped());
  }
}
