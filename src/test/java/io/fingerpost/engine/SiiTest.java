package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.engine.Sii.Kind;
import io.fingerpost.engine.Sii.Options;
import io.fingerpost.engine.Sii.Quantile;
import io.fingerpost.engine.Sii.Result;
import java.util.ArrayList;
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
