package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.engine.CountCi.AgeBand;
import io.fingerpost.engine.CountCi.Estimate;
import io.fingerpost.engine.CountCi.FrequencyBand;
import io.fingerpost.engine.CountCi.Interval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every row of PHEindicatormethods' test results for Byar's, Wilson, proportions, rates and DSRs, to 1e-6 relative. */
class CountCiTest {

  private static final String DIR = "reference/pheindicatormethods/";
  private static final double TOL = 1e-6;

  @Test
  void byarsAndWilson() {
    int n = 0;
    for (Reference.Row r : Reference.csv(DIR + "testdata_Byars_Wilson__testdata_B_W.csv")) {
      double conf = Double.parseDouble(r.get("confidence").replace("%", "")) / 100;
      double x = r.num("x");
      Double lower = r.num("lowercl");
      double upper = r.num("uppercl");
      String what = "line " + r.line() + " " + r.get("method") + " x=" + x;
      if (r.get("method").equals("Byars")) {
        double l = CountCi.byarsLower(x, conf);
        if (lower == null) {
          assertTrue(Double.isNaN(l), what + ": lower limit is NA (negative) in the reference, got " + l);
        } else {
          Reference.close(lower, l, TOL, what + " lower");
        }
        Reference.close(upper, CountCi.byarsUpper(x, conf), TOL, what + " upper");
      } else {
        Interval w = CountCi.wilson(x, r.num("n"), conf);
        Reference.close(lower, w.lower(), TOL, what + " lower");
        Reference.close(upper, w.upper(), TOL, what + " upper");
      }
      n++;
    }
    assertEquals(13, n);
  }

  @Test
  void proportions() {
    int n = 0;
    for (Reference.Row r : Reference.csv(DIR + "testdata_Proportion__testdata_Prop.csv")) {
      Estimate e = CountCi.proportion(r.num("Numerator"), r.num("Denominator"), r.num("multiplier"));
      checkTwoLevels(r, e, "proportion line " + r.line());
      n++;
    }
    assertEquals(19, n);
    n = 0;
    for (Reference.Row r : Reference.csv(DIR + "testdata_Proportion__testdata_Prop_g.csv")) {
      Estimate e = CountCi.proportion(r.num("Numerator"), r.num("Denominator"), r.num("multiplier"));
      checkOneLevel(r, e, "grouped proportion line " + r.line());
      n++;
    }
    assertEquals(11, n);
  }

  @Test
  void rates() {
    int n = 0;
    for (Reference.Row r : Reference.csv(DIR + "testdata_Rate__testdata_Rate.csv")) {
      Estimate e = CountCi.rate(r.num("Numerator"), r.num("Denominator"), r.num("multiplier"));
      checkTwoLevels(r, e, "rate line " + r.line());
      if (r.get("method") != null) {
        assertEquals(r.num("Numerator") < 10 ? "Exact" : "Byars", r.get("method"));
      }
      n++;
    }
    assertEquals(20, n);
    n = 0;
    for (Reference.Row r : Reference.csv(DIR + "testdata_Rate__testdata_Rate_g.csv")) {
      Estimate e = CountCi.rate(r.num("Numerator"), r.num("Denominator"), r.num("multiplier"));
      checkOneLevel(r, e, "grouped rate line " + r.line());
      n++;
    }
    assertEquals(12, n);
  }

  /**
   * testdata_DSR_ISR testresults_DSR: multiarea (ESP 2013), 1976 (its own standard) and the
   * non-independent-events sets. The testdata_1976 rows' 99.8% limits are ten times what their
   * "dsr per …" multiplier gives (PHEindicatormethods' own test checks only the 95% limits of that
   * row): they are checked against the limits at ten times the multiplier.
   */
  @Test
  void dsrs() {
    Map<String, List<AgeBand>> areas = new LinkedHashMap<>();
    for (Reference.Row r : Reference.csv(DIR + "testdata_DSR_ISR__testdata_multiarea.csv")) {
      List<AgeBand> bands = areas.computeIfAbsent(r.get("area"), k -> new ArrayList<>());
      bands.add(new AgeBand(r.num("count"), r.num("pop"), CountCi.ESP2013.get(bands.size())));
    }
    List<AgeBand> b1976 = new ArrayList<>();
    for (Reference.Row r : Reference.csv(DIR + "testdata_DSR_ISR__testdata_1976.csv")) {
      b1976.add(new AgeBand(r.num("count"), r.num("pop"), r.num("esp1976")));
    }
    areas.put("testdata_1976", b1976);
    Map<String, List<FrequencyBand>> nonind = new LinkedHashMap<>();
    for (Reference.Row r : Reference.csv(DIR + "testdata_DSR_ISR__testdata_nonindepe.csv")) {
      List<FrequencyBand> bands = nonind.computeIfAbsent(r.get("area"), k -> new ArrayList<>());
      Double[] people = {r.num("f1"), r.num("f2"), r.num("f3"), r.num("f4")};
      double events = 0;
      for (int f = 0; f < 4; f++) {
        events += people[f] == null ? 0 : (f + 1) * people[f];
      }
      assertEquals(r.num("count"), events, 1e-9, "events = Σ f·people at line " + r.line());
      bands.add(new FrequencyBand(r.num("pop"), CountCi.ESP2013.get(bands.size()), people));
    }
    int n = 0;
    for (Reference.Row r : Reference.csv(DIR + "testdata_DSR_ISR__testresults_DSR.csv")) {
      String area = r.get("area");
      String statistic = r.get("statistic");
      double multiplier = statistic.startsWith("dsr per ") ? Double.parseDouble(statistic.substring(8)) : 100000;
      Estimate e = r.get("method").startsWith("Dobson, with")
          ? CountCi.dsrNonIndependent(nonind.get(area), multiplier)
          : CountCi.dsr(areas.get(area), multiplier);
      String what = "DSR line " + r.line() + " " + area + " " + statistic;
      if (r.num("value") == null) {
        assertEquals("dsr NA for total count < 10", statistic);
        assertEquals(null, e.value(), what);
        assertNull(e.lower95(), what);
      } else {
        Reference.close(r.num("value"), e.value(), TOL, what + " value");
        Reference.close(r.num("lower95_0cl"), e.lower95(), TOL, what + " lower95");
        Reference.close(r.num("upper95_0cl"), e.upper95(), TOL, what + " upper95");
        Estimate at998 = area.equals("testdata_1976") ? CountCi.dsr(areas.get(area), multiplier * 10) : e;
        Reference.close(r.num("lower99_8cl"), at998.lower998(), TOL, what + " lower99.8");
        Reference.close(r.num("upper99_8cl"), at998.upper998(), TOL, what + " upper99.8");
      }
      n++;
    }
    assertEquals(12, n);
  }

  /**
   * testdata_DSR_ISR testresults_ISR: rows 1–12 are testdata_multiarea (big, small, tiny) against
   * refdata, as rates per 100000 and 1000 and ratios ×1 and ×100; rows 13–16 (Area1, Area2) are
   * testdata_err2 against the same reference (Area1 has a band with population 0), 95% only.
   */
  @Test
  void indirectlyStandardised() {
    List<Reference.Row> ref = Reference.csv(DIR + "testdata_DSR_ISR__refdata.csv");
    assertEquals(19, ref.size());
    Map<String, List<CountCi.ReferenceBand>> areas = new LinkedHashMap<>();
    Map<String, Double> observed = new LinkedHashMap<>();
    for (String file : List.of("testdata_DSR_ISR__testdata_multiarea.csv", "testdata_DSR_ISR__testdata_err2.csv")) {
      for (Reference.Row r : Reference.csv(DIR + file)) {
        List<CountCi.ReferenceBand> bands = areas.computeIfAbsent(r.get("area"), k -> new ArrayList<>());
        Reference.Row band = ref.get(bands.size());
        bands.add(new CountCi.ReferenceBand(r.num("count"), r.num("pop"), band.num("refcount"), band.num("refpop")));
        observed.merge(r.get("area"), r.num("count") == null ? 0 : r.num("count"), Double::sum);
      }
    }
    int n = 0;
    for (Reference.Row r : Reference.csv(DIR + "testdata_DSR_ISR__testresults_ISR.csv")) {
      String area = r.get("area");
      String statistic = r.get("statistic");
      String what = "ISR line " + r.line() + " " + area + " " + statistic;
      List<CountCi.ReferenceBand> bands = areas.get(area);
      assertEquals(r.num("observed"), observed.get(area), 1e-9, what + " observed");
      Reference.close(r.num("expected"), CountCi.expected(bands), TOL, what + " expected");
      Estimate e;
      if (statistic.startsWith("indirectly standardised rate per ")) {
        double multiplier = Double.parseDouble(statistic.substring("indirectly standardised rate per ".length()));
        e = CountCi.isRate(observed.get(area), bands, multiplier);
        double refCount = 0;
        double refPop = 0;
        for (CountCi.ReferenceBand b : bands) {
          refCount += b.referenceCount() == null ? 0 : b.referenceCount();
          refPop += b.referencePopulation();
        }
        Reference.close(r.num("ref_rate"), refCount / refPop * multiplier, TOL, what + " ref_rate");
      } else {
        double multiplier = Double.parseDouble(statistic.substring("indirectly standardised ratio x ".length()));
        e = CountCi.isRatio(observed.get(area), CountCi.expected(bands), multiplier);
      }
      assertEquals(observed.get(area) < 10 ? "Exact" : "Byars", r.get("method"), what);
      Reference.close(r.num("value"), e.value(), TOL, what + " value");
      Reference.close(r.num("lower95_0cl"), e.lower95(), TOL, what + " lower95");
      Reference.close(r.num("upper95_0cl"), e.upper95(), TOL, what + " upper95");
      if (r.num("lower99_8cl") != null) {
        Reference.close(r.num("lower99_8cl"), e.lower998(), TOL, what + " lower99.8");
        Reference.close(r.num("upper99_8cl"), e.upper998(), TOL, what + " upper99.8");
      }
      n++;
    }
    assertEquals(16, n);
  }

  @Test
  void badInput() {
    assertThrows(IllegalArgumentException.class, () -> CountCi.wilson(5, 4, 0.95));
    assertThrows(IllegalArgumentException.class, () -> CountCi.byarsUpper(-1, 0.95));
    assertThrows(IllegalArgumentException.class, () -> CountCi.rate(1.0, 0.0, 100));
    assertThrows(IllegalArgumentException.class, () -> CountCi.z(0.5));
    assertEquals(0.0, CountCi.exactPoisson(0, 0.95).lower());
  }

  private static void checkTwoLevels(Reference.Row r, Estimate e, String what) {
    if (r.num("value") == null) {
      assertNull(e.value(), what);
      assertNull(e.lower95(), what);
      return;
    }
    Reference.close(r.num("value"), e.value(), TOL, what + " value");
    Reference.close(r.num("lower95_0cl"), e.lower95(), TOL, what + " lower95");
    Reference.close(r.num("upper95_0cl"), e.upper95(), TOL, what + " upper95");
    Reference.close(r.num("lower99_8cl"), e.lower998(), TOL, what + " lower99.8");
    Reference.close(r.num("upper99_8cl"), e.upper998(), TOL, what + " upper99.8");
  }

  private static void checkOneLevel(Reference.Row r, Estimate e, String what) {
    assertEquals("95%", r.get("confidence"));
    if (r.num("value") == null) {
      assertNull(e.value(), what);
      return;
    }
    Reference.close(r.num("value"), e.value(), TOL, what + " value");
    Reference.close(r.num("lowercl"), e.lower95(), TOL, what + " lower95");
    Reference.close(r.num("uppercl"), e.upper95(), TOL, what + " upper95");
  }

  /**
   * proportion and rate write Wilson's and Byar's arithmetic out again so C2 can inline them (see CountCi): the
   * same limits to the bit as wilson, byarsLower/byarsUpper and countLimits, which the reference rows above test.
   */
  @Test
  void proportionAndRateGiveTheGeneralMethodsLimitsToTheBit() {
    java.util.Random random = new java.util.Random(19);
    for (int i = 0; i < 20_000; i++) {
      double n = i % 50 == 0 ? random.nextInt(3) : Math.floor(Math.exp(random.nextDouble() * 14));
      double x = Math.min(n, i % 7 == 0 ? random.nextInt(12) : Math.floor(random.nextDouble() * (n + 1)));
      double multiplier = i % 3 == 0 ? 100 : 100_000;
      String what = "x=" + x + " n=" + n + " multiplier=" + multiplier;
      Estimate p = CountCi.proportion(x, n, multiplier);
      Interval a = CountCi.wilson(x, n, CountCi.C95);
      Interval b = CountCi.wilson(x, n, CountCi.C998);
      assertEquals(List.of(x / n * multiplier, a.lower() * multiplier, a.upper() * multiplier,
          b.lower() * multiplier, b.upper() * multiplier), List.of(p.value(), p.lower95(), p.upper95(),
          p.lower998(), p.upper998()), "proportion " + what);
      if (n > 0) {
        Estimate r = CountCi.rate(x, n, multiplier);
        Interval ra = CountCi.countLimits(x, CountCi.C95);
        Interval rb = CountCi.countLimits(x, CountCi.C998);
        double k = multiplier / n;
        assertEquals(java.util.Arrays.asList(x / n * multiplier, finite(ra.lower() * k), finite(ra.upper() * k),
            finite(rb.lower() * k), finite(rb.upper() * k)), java.util.Arrays.asList(r.value(), r.lower95(),
            r.upper95(), r.lower998(), r.upper998()), "rate " + what);
      }
    }
  }

  /** As CountCi.nullable: NaN (Byar's negative lower limit) is no value. */
  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
