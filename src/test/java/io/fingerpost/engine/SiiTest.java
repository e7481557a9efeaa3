package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.engine.Sii.Kind;
import io.fingerpost.engine.Sii.Options;
import io.fingerpost.engine.Sii.Quantile;
import io.fingerpost.engine.Sii.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every row of PHEindicatormethods' testdata_SII. The reference's SII, RII and intercept are
 * deterministic and must agree to 1e-6. Its confidence limits come from a simulation (the Excel tool
 * the package was checked against, 100,000 or 10,000 draws), so they cannot be reproduced digit for
 * digit by any implementation; they are checked to the 5% PHEindicatormethods'
 * own testSII.R allows. Test parameters (multiplier, transform, confidence levels) are those testSII.R
 * passes for each test description.
 */
class SiiTest {

  private static final double CI_TOLERANCE = 0.05;

  @Test
  void everyReferenceRow() {
    Map<String, List<Reference.Row>> groups = new LinkedHashMap<>();
    List<Reference.Row> rows = Reference.csv("reference/pheindicatormethods/testdata_SII__testdata_SII.csv");
    for (Reference.Row r : rows) {
      groups.computeIfAbsent(r.get("TestDescription") + "|" + r.get("Area") + "|" + r.get("Grouping1"),
          k -> new ArrayList<>()).add(r);
    }
    int rowsSeen = 0;
    int computed = 0;
    int rejected = 0;
    double worstCi = 0;
    for (Map.Entry<String, List<Reference.Row>> e : groups.entrySet()) {
      List<Reference.Row> g = e.getValue();
      rowsSeen += g.size();
      Reference.Row first = g.get(0);
      String description = first.get("TestDescription");
      Kind kind = Kind.values()[Integer.parseInt(first.get("ValueType"))];
      if (description.equals("error handling - invalid proportion in CLs")) {
        kind = Kind.PROPORTION; // testSII.R calls this case with value_type = 2
      }
      boolean transform = description.contains("transform");
      double multiplier = description.contains("(x 100)") ? 100
          : description.contains("(x -100)") ? -100
          : description.contains("negative multiplier") ? -1 : 1;
      double[] confidence = confidences(first.get("Confidence"), description);
      Options options = new Options(kind, transform, multiplier, confidence,
          (int) Double.parseDouble(first.get("Repetitions")), 1L, true);
      List<Quantile> quantiles = new ArrayList<>();
      for (Reference.Row r : g) {
        Double pop = r.num("Population");
        quantiles.add(new Quantile(pop == null ? Double.NaN : pop, r.num("Value"), r.num("LowerCL"),
            r.num("UpperCL"), r.num("StandardError")));
      }
      if (description.startsWith("error handling") || description.startsWith("warning handling - missing")) {
        // phe_sii stops (errors) or drops the area with a warning (missing data): no SII
        assertThrows(IllegalArgumentException.class, () -> Sii.compute(quantiles, options), e.getKey());
        rejected++;
        continue;
      }
      Result res = Sii.compute(quantiles, options);
      if (description.startsWith("warning handling - large number")) {
        assertEquals(15, quantiles.size());
        assertTrue(Double.isFinite(res.sii()), "computed (phe_sii only warns)");
        computed++;
        continue;
      }
      String what = e.getKey();
      Reference.close(first.num("sii"), res.sii(), 1e-6, what + " sii");
      if (first.num("rii") != null) {
        Reference.close(first.num("rii"), res.rii(), 1e-6, what + " rii");
      }
      if (first.num("Intercept") != null) {
        Reference.close(first.num("Intercept"), res.intercept(), 1e-6, what + " intercept");
      }
      for (int level = 1; level <= 2; level++) {
        Double lo = first.num("sii_lowercl_" + level);
        if (lo == null) {
          continue;
        }
        Sii.Limits l = res.limits().get(level - 1);
        worstCi = Math.max(worstCi, check(lo, l.siiLower(), what + " sii_lowercl_" + level));
        worstCi = Math.max(worstCi, check(first.num("sii_uppercl_" + level), l.siiUpper(), what + " sii_uppercl_" + level));
        if (first.num("rii_lowercl_" + level) != null) {
          worstCi = Math.max(worstCi, check(first.num("rii_lowercl_" + level), l.riiLower(), what + " rii_lowercl_" + level));
          worstCi = Math.max(worstCi, check(first.num("rii_uppercl_" + level), l.riiUpper(), what + " rii_uppercl_" + level));
        }
      }
      computed++;
    }
    assertEquals(505, rowsSeen);
    assertEquals(6, rejected);
    assertEquals(45, computed);
    System.out.printf("SII: largest relative difference of a confidence limit from the reference: %.4f%n", worstCi);
  }

  @Test
  void sameInputSameLimits() {
    List<Quantile> q = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      q.add(new Quantile(1000 + i, 0.1 + 0.01 * i, 0.09 + 0.01 * i, 0.11 + 0.01 * i, null));
    }
    Options o = Options.of(Kind.PROPORTION);
    assertEquals(Sii.compute(q, o), Sii.compute(q, o));
  }

  /**
   * compute allocates fewer arrays and sums without a stream (stop 20); its SII, RII, intercept and limits must
   * stay the bits of the array-by-array version, written out here as it was, over random quantiles.
   */
  @Test
  void computeGivesTheSameBitsAsTheArrayByArrayVersion() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(20);
    double z = org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1)
        .inverseCumulativeProbability(0.95 + (1 - 0.95) / 2);
    for (int run = 0; run < 20_000; run++) {
      int k = 5 + random.nextInt(30);
      double[] pop = new double[k];
      double[] raw = new double[k];
      double[] se = new double[k];
      List<Quantile> q = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        pop[i] = random.nextBoolean() ? 1 + random.nextInt(1_000_000) : random.nextDouble() * Math.pow(10, random.nextInt(8));
        pop[i] = pop[i] > 0 ? pop[i] : 1;
        raw[i] = (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(5));
        se[i] = random.nextDouble() * 3;
        q.add(new Quantile(pop[i], raw[i], null, null, se[i]));
      }
      double m = random.nextBoolean() ? 1 : -100;
      Result r = Sii.compute(q, new Options(Kind.OTHER, false, m, new double[] {0.95}, 1000, 1L, false));
      // the version before stop 20
      double total = java.util.Arrays.stream(pop).sum();
      assertEquals(total, Sii.streamSum(pop), "sum of run " + run);
      double[] a = new double[k];
      double[] b = new double[k];
      double cum = 0;
      for (int i = 0; i < k; i++) {
        a[i] = pop[i] / total;
        b[i] = cum + a[i] / 2;
        cum += a[i];
      }
      double bBar = 0;
      for (int i = 0; i < k; i++) {
        bBar += a[i] * b[i];
      }
      double sbb = 0;
      for (int i = 0; i < k; i++) {
        sbb += a[i] * (b[i] - bBar) * (b[i] - bBar);
      }
      double slope = 0;
      double intercept = 0;
      double sd = 0;
      for (int i = 0; i < k; i++) {
        double c = a[i] * (b[i] - bBar) / sbb;
        double d = a[i] - bBar * c;
        slope += c * raw[i];
        intercept += d * raw[i];
        sd += c * c * se[i] * se[i];
      }
      sd = Math.sqrt(sd);
      double sii = m * slope;
      double rii = (intercept + slope) / intercept;
      rii = m < 0 ? 1 / rii : rii;
      String what = "run " + run;
      assertEquals(Double.doubleToRawLongBits(sii), Double.doubleToRawLongBits(r.sii()), what);
      assertEquals(Double.doubleToRawLongBits(rii), Double.doubleToRawLongBits(r.rii()), what);
      assertEquals(Double.doubleToRawLongBits(intercept), Double.doubleToRawLongBits(r.intercept()), what);
      assertEquals(Double.doubleToRawLongBits(sii - z * Math.abs(m) * sd),
          Double.doubleToRawLongBits(r.limits().get(0).siiLower()), what);
      assertEquals(Double.doubleToRawLongBits(sii + z * Math.abs(m) * sd),
          Double.doubleToRawLongBits(r.limits().get(0).siiUpper()), what);
    }
  }

  @Test
  void streamSumIsTheStreamsSumToTheBit() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int run = 0; run < 50_000; run++) {
      double[] v = new double[1 + random.nextInt(40)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (random.nextDouble() - 0.2) * Math.pow(10, random.nextInt(-8, 12));
      }
      assertEquals(Double.doubleToRawLongBits(java.util.Arrays.stream(v).sum()),
          Double.doubleToRawLongBits(Sii.streamSum(v)), "run " + run);
    }
    double[][] edges = {{Double.POSITIVE_INFINITY, 1}, {Double.NEGATIVE_INFINITY, 1}, {Double.NaN, 2},
        {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, {Double.MAX_VALUE, Double.MAX_VALUE}, {}};
    for (double[] v : edges) {
      assertEquals(Double.doubleToRawLongBits(java.util.Arrays.stream(v).sum()),
          Double.doubleToRawLongBits(Sii.streamSum(v)), Arrays.toString(v));
    }
  }

  private static double check(double expected, Double actual, String what) {
    double rel = Math.abs(actual - expected) / Math.abs(expected);
    if (rel > 0.01) {
      System.out.printf("SII limit off by %.4f: %s reference %s computed %s%n", rel, what, expected, actual);
    }
    assertTrue(rel <= CI_TOLERANCE, what + ": reference " + expected + ", computed " + actual + " (" + rel + ")");
    return rel;
  }

  private static double[] confidences(String column, String description) {
    if (description.contains("95 and 98") || description.contains("95% and 98%")) {
      return new double[] {0.95, 0.98};
    }
    if (description.contains("98%")) {
      return new double[] {0.98};
    }
    String c = column.replace("c(", "").replace(")", "");
    String[] parts = c.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i].trim()) / 100;
    }
    return out;
  }
}
