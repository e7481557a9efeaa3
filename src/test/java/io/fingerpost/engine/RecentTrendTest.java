package io.fingerpost.engine;

import io.fingerpost.model.Period;

import io.fingerpost.model.Polarity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.engine.RecentTrend.Eligibility;
import io.fingerpost.engine.RecentTrend.Marker;
import io.fingerpost.engine.RecentTrend.Method;
import io.fingerpost.engine.RecentTrend.Point;
import io.fingerpost.engine.RecentTrend.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentTrendTest {

  /**
   * fingertips-open TrendMarkerCalculatorTest: χ² as the test asserts it (2 dp) for both methods, and
   * significance. Every row is used: the 5 rows of a set are its 5 points.
   */
  @Test
  void fingertipsOpenVectors() {
    Map<String, List<Reference.Row>> sets = group(Reference.csv("reference/fingertips/trend_test_vectors_fingertips_open.csv"), "set");
    assertEquals(2, sets.size());
    for (Map.Entry<String, List<Reference.Row>> e : sets.entrySet()) {
      List<Point> points = new ArrayList<>();
      for (Reference.Row r : e.getValue()) {
        points.add(new Point(Period.parse(r.get("year")), r.num("value"), r.num("lower_ci95"),
            r.num("upper_ci95"), r.num("count"), r.num("denominator")));
      }
      Reference.Row first = e.getValue().get(0);
      boolean significant = Boolean.parseBoolean(first.get("expected_significant"));
      for (Method method : Method.values()) {
        Result res = RecentTrend.evaluate(points, ValueType.PROPORTION, Polarity.HIGH_IS_GOOD, method);
        assertEquals(significant, res.significant(), e.getKey() + " " + method);
        assertEquals(5, res.pointsUsed());
        String expectedChi2 = first.get(method == Method.CI ? "expected_chi2_ci_method" : "expected_chi2_proportion_method");
        assertNotNull(res.chi2());
        if (expectedChi2 != null) {
          // the source asserts the value rounded to 2 dp
          assertEquals(Double.parseDouble(expectedChi2), Math.round(res.chi2() * 100) / 100.0, 1e-9,
              e.getKey() + " " + method + " chi2 " + res.chi2());
        } else {
          assertTrue(res.chi2() <= RecentTrend.CHI_SQUARED_998 || !res.significant());
        }
        if (significant) {
          assertEquals(Marker.INCREASING, res.marker());
          assertEquals("Increasing and getting better", res.label());
        } else {
          assertEquals("No significant change", res.label());
        }
      }
    }
  }

  /**
   * FingertipsNext TrendCalculatorTests: real series with the live site's verdict. FingertipsNext
   * runs only the CI method (its mapper sets the proportions comparator but the ported calculator
   * ignores it) and accepts directly standardised rates, so these use {@link Eligibility#FINGERTIPS_NEXT}.
   */
  @Test
  void fingertipsNextLiveSiteVerdicts() {
    Map<String, List<Reference.Row>> cases = group(Reference.csv("reference/fingertips/trend_test_vectors_from_FingertipsNext.csv"), "case");
    assertEquals(6, cases.size());
    for (Map.Entry<String, List<Reference.Row>> e : cases.entrySet()) {
      Reference.Row first = e.getValue().get(0);
      Polarity polarity = Polarity.parse(first.get("polarity"));
      String valueTypeName = first.get("value_type");
      ValueType valueType = valueTypeName.equals("Indirectly standardised proportion") ? ValueType.OTHER
          : ValueType.parse(valueTypeName);
      List<Point> points = points(e.getValue(), false);
      Result res = RecentTrend.evaluate(points, valueType, polarity, Method.CI, Eligibility.FINGERTIPS_NEXT);
      String expected = expectedLabel(first.get("expected_trend_as_on_fingertips_website"));
      assertEquals(expected, res.label(), e.getKey() + " chi2=" + res.chi2());

      if (e.getKey().equals("Under75CancerMortality")) {
        // The source's latest value is the C# expression 120/7742, integer division = 0; the live
        // site's value was 120.7742. The verdict is the same either way.
        Result intended = RecentTrend.evaluate(points(e.getValue(), true), valueType, polarity, Method.CI,
            Eligibility.FINGERTIPS_NEXT);
        assertEquals(expected, intended.label(), "with the intended 120.7742, chi2=" + intended.chi2());
        // fingertips-open accepts only proportions and crude rates
        assertEquals("Cannot be calculated",
            RecentTrend.evaluate(points, valueType, polarity, Method.CI, Eligibility.FINGERTIPS).label());
      }
      if (e.getKey().equals("GpRegisteredPopulationOver65")) {
        // no CIs at all: Fingertips' sums are NaN, so "No significant change" and no χ²
        assertNull(res.chi2());
      }
    }
  }

  @Test
  void eligibility() {
    List<Point> ok = new ArrayList<>();
    for (int y = 2015; y < 2021; y++) {
      ok.add(new Point(Period.parse(Integer.toString(y)), 10.0 + y - 2015, 9.0 + y - 2015, 11.0 + y - 2015, 100.0, 1000.0));
    }
    assertEquals(Marker.CANNOT_BE_CALCULATED,
        RecentTrend.evaluate(ok, ValueType.DSR, Polarity.LOW_IS_GOOD, Method.CI).marker());
    assertEquals(Marker.CANNOT_BE_CALCULATED,
        RecentTrend.evaluate(ok.subList(0, 4), ValueType.PROPORTION, Polarity.LOW_IS_GOOD, Method.CI).marker());
    // a break in the latest run: only 2 valid points after the gap
    List<Point> gap = new ArrayList<>(ok);
    gap.set(3, new Point(gap.get(3).period(), null, null, null, null, null));
    assertEquals(Marker.CANNOT_BE_CALCULATED,
        RecentTrend.evaluate(gap, ValueType.PROPORTION, Polarity.LOW_IS_GOOD, Method.CI).marker());
    // count equal to denominator
    List<Point> eq = new ArrayList<>(ok);
    eq.set(5, new Point(eq.get(5).period(), 1.0, 0.9, 1.0, 1000.0, 1000.0));
    assertEquals(Marker.CANNOT_BE_CALCULATED,
        RecentTrend.evaluate(eq, ValueType.PROPORTION, Polarity.LOW_IS_GOOD, Method.CI).marker());
    // pooled periods are not single years
    List<Point> pooled = new ArrayList<>();
    for (int y = 2010; y < 2016; y++) {
      pooled.add(new Point(Period.parse(y + " - " + (y + 2) % 100), 10.0, 9.0, 11.0, 100.0, 1000.0));
    }
    assertEquals(Marker.CANNOT_BE_CALCULATED,
        RecentTrend.evaluate(pooled, ValueType.PROPORTION, Polarity.LOW_IS_GOOD, Method.CI).marker());
    Result rising = RecentTrend.evaluate(ok, ValueType.CRUDE_RATE, Polarity.LOW_IS_GOOD, Method.CI);
    assertEquals("Increasing and getting worse", rising.label());
  }

  @Test
  void dropOnePointSignCheckOverridesChi2() {
    // a big χ² carried by one point: the slope flips when the last point is dropped
    List<Point> pts = new ArrayList<>();
    double[] v = {10.0, 9.6, 9.2, 8.8, 14.0};
    for (int i = 0; i < 5; i++) {
      pts.add(new Point(Period.parse(Integer.toString(2016 + i)), v[i], v[i] - 0.2, v[i] + 0.2, 100.0, 1000.0));
    }
    Result r = RecentTrend.evaluate(pts, ValueType.PROPORTION, Polarity.HIGH_IS_GOOD, Method.CI);
    assertTrue(r.chi2() > RecentTrend.CHI_SQUARED_998, "chi2 " + r.chi2());
    assertEquals("No significant change", r.label());
  }

  private static List<Point> points(List<Reference.Row> rows, boolean intendedValue) {
    List<Point> points = new ArrayList<>();
    for (Reference.Row r : rows) {
      String year = r.get("to_date").substring(0, 4);
      String v = r.get("value");
      Double value;
      if (v.startsWith("120/7742")) {
        value = intendedValue ? 120.7742 : 0.0; // C# int division 120/7742 == 0
      } else {
        value = Double.valueOf(v);
      }
      points.add(new Point(Period.parse(year), value, r.num("lower_ci95"), r.num("upper_ci95"),
          r.num("count"), r.num("denominator")));
    }
    return points;
  }

  /** FingertipsNext enum names → Fingertips labels ("DecreasingAndGettingWorse" → "Decreasing and getting worse"). */
  private static String expectedLabel(String name) {
    String n = name.split(" ")[0];
    if (n.equals("NoChange")) {
      return "No significant change";
    }
    String words = n.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  private static Map<String, List<Reference.Row>> group(List<Reference.Row> rows, String column) {
    Map<String, List<Reference.Row>> out = new LinkedHashMap<>();
    for (Reference.Row r : rows) {
      out.computeIfAbsent(r.get(column), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /**
   * Stop 21: RecentTrend reads its points by place (SeriesVerdicts hands it its observations in place, without a
   * Point each) and keeps the valid ones as places. On random series — periods out of order, repeated, multi-year;
   * missing values, limits, counts and denominators; counts at or above their denominators — every verdict, to the
   * bit, must be the version before stop 21's (RecentTrendBeforeStop21), by both methods and both eligibilities, and
   * SeriesVerdicts' trend that version's on the observations as points in period order.
   */
  @Test
  void sameVerdictsAsBeforeStop21() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(21);
    String[] labels = {"2014", "2015", "2016", "2017", "2018", "2019", "2020", "2021", "2022", "2014 - 16", "2017/18"};
    io.fingerpost.model.SeriesKey key = new io.fingerpost.model.SeriesKey("1", "E1", "Persons", "All ages", "", "");
    SeriesVerdicts.Benchmark noBenchmark = SeriesVerdicts.Benchmark.of(List.of());
    int significant = 0;
    for (int run = 0; run < 10_000; run++) {
      int n = random.nextInt(10);
      boolean ordered = random.nextInt(3) > 0;
      int first = random.nextInt(3);
      List<Point> points = new ArrayList<>();
      List<io.fingerpost.model.Observation> observations = new ArrayList<>();
      double level = 0.05 + 0.3 * random.nextDouble();
      double slope = (random.nextDouble() - 0.5) * 0.04;
      for (int i = 0; i < n; i++) {
        String label = ordered && random.nextInt(20) > 0 ? labels[Math.min(8, first + i)]
            : labels[random.nextInt(random.nextInt(10) == 0 ? labels.length : 9)];
        double den = random.nextInt(15) == 0 ? 0 : 100 + random.nextInt(5000);
        double prob = Math.max(0.001, level + slope * i + random.nextGaussian() * 0.01);
        double cnt = random.nextInt(20) == 0 ? den + random.nextInt(2) : Math.round(den * prob);
        double value = den > 0 ? cnt / den * 100 : 1;
        double half = (1 + random.nextDouble()) * (random.nextInt(10) == 0 ? 0 : 1);
        Double v = random.nextInt(15) == 0 ? null : value;
        Double lo = random.nextInt(15) == 0 ? null : value - half;
        Double hi = random.nextInt(15) == 0 ? null : value + half;
        Double c = random.nextInt(15) == 0 ? null : cnt;
        Double d = random.nextInt(15) == 0 ? null : den;
        Period period = Period.parse(label);
        points.add(new Point(period, v, lo, hi, c, d));
        observations.add(new io.fingerpost.model.Observation(key, period, v, lo, hi, null, null, c, d, null));
      }
      for (ValueType type : new ValueType[] {ValueType.PROPORTION, ValueType.DSR}) {
        for (Method method : Method.values()) {
          for (Eligibility eligibility : Eligibility.values()) {
            for (Polarity polarity : new Polarity[] {Polarity.LOW_IS_GOOD, Polarity.HIGH_IS_GOOD}) {
              Result expected = RecentTrendBeforeStop21.evaluate(points, type, polarity, method, eligibility);
              String what = "run " + run + " " + type + " " + method + " " + eligibility + " " + points;
              assertEquals(expected, RecentTrend.evaluate(points, type, polarity, method, eligibility), what);
              significant += expected.significant() ? 1 : 0;
            }
          }
        }
      }
      if (n > 0) {
        // SeriesVerdicts sorts by period (stable) and hands its observations over in place
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(java.util.Comparator.comparing(Point::period));
        for (Method method : Method.values()) {
          SeriesVerdicts.Settings settings = new SeriesVerdicts.Settings(Polarity.LOW_IS_GOOD, ValueType.PROPORTION,
              method, null, null);
          assertEquals(RecentTrendBeforeStop21.evaluate(sorted, ValueType.PROPORTION, Polarity.LOW_IS_GOOD, method),
              SeriesVerdicts.evaluate(observations, noBenchmark, settings).trend(), "run " + run + " " + points);
        }
      }
    }
    assertTrue(significant > 300, "significant verdicts among the random series: " + significant);
  }
}
