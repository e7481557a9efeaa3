package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fingerpost.engine.Spc.Assurance;
import io.fingerpost.engine.Spc.ImprovementDirection;
import io.fingerpost.engine.Spc.Options;
import io.fingerpost.engine.Spc.PointType;
import io.fingerpost.engine.Spc.Result;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SpcTest {

  private static final String DIR = "reference/spc/";

  /** y = set.seed(123); rnorm(20), with its dates, from ptd_spc_standard_expected.csv. */
  private static List<Reference.Row> rnormRows() {
    List<Reference.Row> rows = Reference.csv(DIR + "ptd_spc_standard_expected.csv");
    assertEquals(20, rows.size());
    return rows;
  }

  private static double[] rnorm() {
    return rnormRows().stream().mapToDouble(r -> r.num("y")).toArray();
  }

  /** The case table in the file's comment lines: r1 (screened), r2 (y15 = 10, screened), r3 (y15 = 10, unscreened). */
  @Test
  void standardExpectedCases() throws IOException {
    List<String> lines = Files.readAllLines(Reference.file(DIR + "ptd_spc_standard_expected.csv"));
    Pattern casePattern = Pattern.compile("^#\\s*(r\\d),(TRUE|FALSE),(\\w+),([-\\d.]+),([-\\d.]+),([-\\d.]+)\\s*$");
    int cases = 0;
    for (String line : lines) {
      Matcher m = casePattern.matcher(line);
      if (!m.matches()) {
        continue;
      }
      double[] y = rnorm();
      if (!m.group(3).equals("none")) {
        y[14] = Double.parseDouble(m.group(3));
      }
      Result r = Spc.evaluate(y, Options.of(ImprovementDirection.INCREASE).withScreening(Boolean.parseBoolean(m.group(2).toLowerCase())));
      // expected values are printed to 7 significant figures
      Reference.close(Double.parseDouble(m.group(4)), r.latest().mean(), 1e-6, m.group(1) + " mean");
      Reference.close(Double.parseDouble(m.group(5)), r.latest().lowerLimit(), 1e-6, m.group(1) + " lpl");
      Reference.close(Double.parseDouble(m.group(6)), r.latest().upperLimit(), 1e-6, m.group(1) + " upl");
      if (m.group(1).equals("r1")) {
        assertEquals(20, r.commonCause(), "r1: all 20 points common cause");
      }
      cases++;
    }
    assertEquals(3, cases);
  }

  /** tests/testthat/_snaps/ptd_spc_standard.md: the visible prefix of every glimpse column. */
  @Test
  void standardSnapshotGlimpses() throws IOException {
    List<String> lines = Files.readAllLines(Reference.file(DIR + "_snaps__ptd_spc_standard.md"));
    Map<String, Map<String, List<String>>> glimpses = new LinkedHashMap<>();
    Map<String, List<String>> current = null;
    Pattern code = Pattern.compile(".*pillar::glimpse\\((r\\d)\\).*");
    Pattern column = Pattern.compile("^\\s*\\$ (\\w+)\\s+<(\\w+)>\\s+(.*)$");
    for (String line : lines) {
      Matcher c = code.matcher(line);
      if (c.matches()) {
        current = new LinkedHashMap<>();
        glimpses.put(c.group(1), current);
        continue;
      }
      Matcher m = column.matcher(line);
      if (m.matches() && current != null) {
        current.put(m.group(1), visibleValues(m.group(3)));
      }
    }
    assertEquals(List.of("r1", "r2", "r3"), new ArrayList<>(glimpses.keySet()));
    for (Map.Entry<String, Map<String, List<String>>> e : glimpses.entrySet()) {
      double[] y = rnorm();
      boolean screen = !e.getKey().equals("r3");
      if (!e.getKey().equals("r1")) {
        y[14] = 10; // data$y[15] <- 10
      }
      Result r = Spc.evaluate(y, Options.of(ImprovementDirection.INCREASE).withScreening(screen));
      Map<String, List<String>> cols = e.getValue();
      int checked = 0;
      for (Map.Entry<String, List<String>> col : cols.entrySet()) {
        List<String> values = col.getValue();
        for (int i = 0; i < values.size(); i++) {
          Spc.Point p = r.points().get(i);
          String v = values.get(i);
          String what = e.getKey() + " " + col.getKey() + "[" + (i + 1) + "]";
          switch (col.getKey()) {
            case "y":
            case "fix_y":
              assertSignificant(v, p.y(), what);
              break;
            case "mean_col":
              assertSignificant(v, p.mean(), what);
              break;
            case "lpl":
              assertSignificant(v, p.lowerLimit(), what);
              break;
            case "upl":
              assertSignificant(v, p.upperLimit(), what);
              break;
            case "rebase_group":
              assertEquals(Double.parseDouble(v), p.group(), what);
              break;
            case "outside_limits":
              assertEquals(Boolean.parseBoolean(v.toLowerCase()), p.outsideLimits(), what);
              break;
            case "relative_to_mean":
              assertEquals(Double.parseDouble(v), p.relativeToMean(), what);
              break;
            case "close_to_limits":
              assertEquals(Boolean.parseBoolean(v.toLowerCase()), p.closeToLimits(), what);
              break;
            default:
              continue; // x (dates), f (facet name), trajectory (NA): not computed by the engine
          }
          checked++;
        }
      }
      assertTrue(checked > 40, e.getKey() + " checked " + checked);
    }
  }

  /**
   * tests/testthat/_snaps/ptd_spc.md: the summary() tibbles (3 significant figures) for plain,
   * rebased, faceted, faceted+rebased and target runs. Facets: the test sets
   * {@code d$facet <- rep(c(0, 1), each = 10)}; the rebase date 2020-01-01 precedes every point, so
   * it starts no new group.
   */
  @Test
  void spcSummarySnapshots() throws IOException {
    List<String> lines = Files.readAllLines(Reference.file(DIR + "_snaps__ptd_spc.md"));
    List<Reference.Row> rows = rnormRows();
    double[] y = rnorm();
    int blocks = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).contains("Plot the Dots SPC options")) {
        continue;
      }
      Map<String, String> opts = new LinkedHashMap<>();
      int j = i + 1;
      for (; j < lines.size() && !lines.get(j).contains("# A tibble"); j++) {
        Matcher m = Pattern.compile("^\\s*(\\w+):\\s*(.*)$").matcher(lines.get(j));
        if (m.matches()) {
          opts.put(m.group(1), m.group(2).trim().replace("'", ""));
        }
      }
      String[] header = lines.get(j + 1).trim().split("\\s+");
      List<String[]> data = new ArrayList<>();
      for (int k = j + 3; k < lines.size() && lines.get(k).trim().matches("^\\d+\\s+.*"); k++) {
        data.add(lines.get(k).trim().split("\\s+"));
      }
      boolean faceted = !opts.get("facet_field").equals("not set");
      String rebase = opts.get("rebase");
      Double target = opts.get("target").equals("not set") ? null : Double.valueOf(opts.get("target"));
      ImprovementDirection dir = ImprovementDirection.parse(opts.get("improvement_direction"));
      boolean screen = Boolean.parseBoolean(opts.get("screen_outliers").toLowerCase());
      List<double[]> facets = faceted
          ? List.of(Arrays.copyOfRange(y, 0, 10), Arrays.copyOfRange(y, 10, 20)) : List.of(y);
      assertEquals(facets.size(), data.size(), "rows in block at line " + (i + 1));
      for (int f = 0; f < facets.size(); f++) {
        int[] recalc = new int[0];
        if (!rebase.equals("not set")) {
          int at = -1;
          for (int k = 0; k < rows.size(); k++) {
            if (rows.get(k).get("date").equals(rebase)) {
              at = k - (faceted ? 10 * f : 0);
            }
          }
          recalc = at >= 0 && at < facets.get(f).length ? new int[] {at} : new int[0];
        }
        Options o = new Options(dir, screen, recalc, null, target);
        Result r = Spc.evaluate(facets.get(f), o);
        String[] row = data.get(f);
        for (int c = 0; c < header.length; c++) {
          String v = row[c + 1];
          String what = "block at line " + (i + 1) + " facet " + f + " " + header[c];
          switch (header[c]) {
            case "mean_col":
              assertSignificant(v, r.points().get(0).mean(), what);
              break;
            case "lpl":
              assertSignificant(v, r.points().get(0).lowerLimit(), what);
              break;
            case "upl":
              assertSignificant(v, r.points().get(0).upperLimit(), what);
              break;
            case "n":
              assertEquals(Integer.parseInt(v), r.points().size(), what);
              break;
            case "common_cause":
              assertEquals(Long.parseLong(v), r.commonCause(), what);
              break;
            case "special_cause_improvement":
              assertEquals(Long.parseLong(v), r.count(PointType.SPECIAL_CAUSE_IMPROVEMENT), what);
              break;
            case "special_cause_concern":
              assertEquals(Long.parseLong(v), r.count(PointType.SPECIAL_CAUSE_CONCERN), what);
              break;
            case "rebase_group":
              assertEquals(Double.parseDouble(v), r.points().get(0).group(), what);
              break;
            case "f":
              assertEquals(Double.parseDouble(v), f, what);
              break;
            default:
              fail("unexpected column " + header[c]);
          }
        }
        if (target != null) {
          // target 0.5 lies between the limits (-3.01, 3.29)
          assertEquals(Assurance.INCONSISTENT, r.assurance());
        } else {
          assertNull(r.assurance());
        }
        assertEquals(faceted, r.shortSeriesWarning(), "groups of 10 < 13 points warn; 20 do not");
      }
      blocks++;
      i = j;
    }
    assertEquals(6, blocks);
  }

  /**
   * vignettes/deviations.Rmd "Treatment of outlying points": published captions (2 dp), the exact
   * recomputed limits (7 dp, in the comments) and the special-cause verdict for point 5.
   */
  @Test
  void deviationsVignette() throws IOException {
    String text = Files.readString(Reference.file(DIR + "deviations_vignette_example.csv"));
    double[] y = Reference.csv(DIR + "deviations_vignette_example.csv").stream().mapToDouble(r -> r.num("data")).toArray();
    assertEquals(18, y.length);
    Result screened = Spc.evaluate(y, Options.of(ImprovementDirection.INCREASE));
    Result unscreened = Spc.evaluate(y, Options.of(ImprovementDirection.INCREASE).withScreening(false));

    Matcher exact = Pattern.compile("mean=([-\\d.]+);.*?LPL=([-\\d.]+) UPL=([-\\d.]+).*?LPL=([-\\d.]+) UPL=([-\\d.]+)").matcher(text);
    assertTrue(exact.find(), "exact line");
    Reference.close(Double.parseDouble(exact.group(1)), screened.latest().mean(), 1e-6, "mean");
    Reference.close(Double.parseDouble(exact.group(2)), screened.latest().lowerLimit(), 1e-6, "screened LPL");
    Reference.close(Double.parseDouble(exact.group(3)), screened.latest().upperLimit(), 1e-6, "screened UPL");
    Reference.close(Double.parseDouble(exact.group(4)), unscreened.latest().lowerLimit(), 1e-6, "unscreened LPL");
    Reference.close(Double.parseDouble(exact.group(5)), unscreened.latest().upperLimit(), 1e-6, "unscreened UPL");

    Matcher caption = Pattern.compile("screen_outliers=TRUE -> UPL ([-\\d.]+), mean ([-\\d.]+), LPL ([-\\d.]+) ; screen_outliers=FALSE.*?UPL ([-\\d.]+), mean ([-\\d.]+), LPL ([-\\d.]+)").matcher(text);
    assertTrue(caption.find(), "caption line");
    assertRounds2(caption.group(1), screened.latest().upperLimit());
    assertRounds2(caption.group(2), screened.latest().mean());
    assertRounds2(caption.group(3), screened.latest().lowerLimit());
    assertRounds2(caption.group(4), unscreened.latest().upperLimit());
    assertRounds2(caption.group(5), unscreened.latest().mean());
    assertRounds2(caption.group(6), unscreened.latest().lowerLimit());

    for (Spc.Point p : screened.points()) {
      if (p.index() == 4) {
        assertEquals(PointType.SPECIAL_CAUSE_IMPROVEMENT, p.pointType(), "point 5 (value 10)");
        assertEquals("Above UCL", p.specialCauseType());
      } else {
        assertEquals(PointType.COMMON_CAUSE, p.pointType(), "point " + (p.index() + 1));
      }
    }
    assertEquals(17, screened.commonCause());
  }

  /** The rules in precedence on hand-made series (NHSRplotthedots' definitions). */
  @Test
  void rulesAndPrecedence() {
    // 7-point rising trend inside the limits of a long flat series
    double[] trend = {5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 1, 2, 3, 4, 5, 6, 7, 5, 6, 5};
    Result t = Spc.evaluate(trend, Options.of(ImprovementDirection.DECREASE));
    for (int i = 12; i <= 18; i++) {
      Spc.Point p = t.points().get(i);
      if (!p.outsideLimits()) {
        assertEquals("7 Point Trend (Increasing)", p.specialCauseType(), "point " + i);
        assertEquals(PointType.SPECIAL_CAUSE_CONCERN, p.pointType());
      }
    }
    // 7 points above the mean
    double[] shift = {1, 2, 1, 2, 1, 2, 1, 2, 1, 2.2, 2.1, 2.3, 2.2, 2.1, 2.3, 2.2};
    Result s = Spc.evaluate(shift, Options.of(ImprovementDirection.NEUTRAL));
    assertEquals("7 Points Above CL", s.latest().specialCauseType());
    assertEquals(PointType.SPECIAL_CAUSE_NEUTRAL_HIGH, s.latest().pointType());
    // a point on the mean breaks the run
    double[] broken = {1, 3, 1, 3, 1, 3, 1, 3, 2.5, 2.5, 2.5, 2, 2.5, 2.5, 2.5, -1}; // mean exactly 2
    Result b = Spc.evaluate(broken, Options.of(ImprovementDirection.INCREASE));
    assertEquals(2.0, b.points().get(11).y());
    assertEquals(0, b.points().get(11).relativeToMean());
    for (Spc.Point p : b.points()) {
      assertTrue(!p.specialCauseType().startsWith("7 Points"), "no 7-point run across the mean at " + p.index());
    }
    // recalculation starts a new group with its own limits
    double[] stepped = new double[20];
    for (int i = 0; i < 20; i++) {
      stepped[i] = (i < 10 ? 10 : 20) + (i % 2);
    }
    Result re = Spc.evaluate(stepped, Options.of(ImprovementDirection.INCREASE).withRecalculationAt(10));
    assertEquals(10.5, re.points().get(0).mean(), 1e-12);
    assertEquals(20.5, re.latest().mean(), 1e-12);
    assertEquals(1, re.latest().group());
    assertEquals(20, re.commonCause());
    // assurance
    double[] flat = {10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11};
    assertEquals(Assurance.CONSISTENT_FAIL, Spc.evaluate(flat, Options.of(ImprovementDirection.INCREASE).withTarget(20.0)).assurance());
    assertEquals(Assurance.CONSISTENT_PASS, Spc.evaluate(flat, Options.of(ImprovementDirection.DECREASE).withTarget(20.0)).assurance());
    assertEquals(Assurance.CONSISTENT_PASS, Spc.evaluate(flat, Options.of(ImprovementDirection.INCREASE).withTarget(1.0)).assurance());
    assertNull(Spc.evaluate(flat, Options.of(ImprovementDirection.NEUTRAL).withTarget(1.0)).assurance());
    assertTrue(!Spc.evaluate(flat, Options.of(ImprovementDirection.NEUTRAL)).shortSeriesWarning());
  }

  @Test
  void twoInThreeCloseToALimit() {
    // mean MR 1 → limits mean ± 2.66, close beyond mean ± 1.773
    double[] y = new double[23];
    for (int i = 0; i < 20; i++) {
      y[i] = i % 2;
    }
    y[20] = 2.6;
    y[21] = 2.6;
    y[22] = 1;
    Result r = Spc.evaluate(y, Options.of(ImprovementDirection.INCREASE).withScreening(false));
    Spc.Point a = r.points().get(20);
    Spc.Point b = r.points().get(21);
    assertTrue(a.closeToLimits() && b.closeToLimits(), a + " " + b);
    assertEquals("2 in 3 Above CL", a.specialCauseType());
    assertEquals("2 in 3 Above CL", b.specialCauseType());
    assertEquals(PointType.SPECIAL_CAUSE_IMPROVEMENT, b.pointType());
  }

  private static void assertRounds2(String printed, double v) {
    BigDecimal ours = new BigDecimal(v).setScale(2, RoundingMode.HALF_UP);
    assertEquals(0, ours.compareTo(new BigDecimal(printed)), "printed " + printed + ", computed " + v);
  }

  /** Values as R printed them, to as many significant figures as shown. */
  private static void assertSignificant(String printed, double actual, String what) {
    BigDecimal p = new BigDecimal(printed);
    int digits = p.stripTrailingZeros().precision();
    // "-2.60" was printed to 3 figures: keep the printed precision when it shows trailing zeros
    digits = Math.max(digits, p.precision());
    BigDecimal ours = new BigDecimal(actual).round(new MathContext(digits, RoundingMode.HALF_EVEN));
    if (ours.compareTo(p) != 0) {
      fail(what + ": printed " + printed + " but computed " + actual);
    }
  }

  /** "a, b, c, d~" → [a, b, c] (the last value is cut off by the printer). */
  private static List<String> visibleValues(String s) {
    String[] parts = s.split(",\\s*");
    List<String> out = new ArrayList<>();
    for (String part : parts) {
      String v = part.trim();
      if (v.endsWith("~") || v.isEmpty()) {
        break;
      }
      out.add(v.replace("\"", ""));
    }
    return out;
  }

  /**
   * runFlags counts runs in one pass and marks each run's 7 points at its end (stops 20, 21), and twoInThree judges
   * one point; they must give the flags of their definitions, written out here as they were (looking 6 points back,
   * 7 ahead; every window of 3), on random series with ties.
   */
  @Test
  void runRulesGiveTheFlagsOfTheirDefinitions() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(20);
    for (int run = 0; run < 50_000; run++) {
      int n = 1 + random.nextInt(40);
      double[] y = new double[n];
      int[] rtm = new int[n];
      for (int i = 0; i < n; i++) {
        // few distinct values and long monotone stretches, so ties and runs of 7 both happen
        y[i] = random.nextInt(4) == 0 ? (i > 0 ? y[i - 1] : 0) : (i > 0 ? y[i - 1] : 0) + random.nextInt(-1, 3);
        rtm[i] = random.nextInt(5) == 0 ? 0 : (random.nextInt(4) == 0 ? -1 : 1);
      }
      int[] trend = new int[n];
      for (int i = 6; i < n; i++) {
        int up = 0;
        int down = 0;
        for (int j = 0; j < 6; j++) {
          double d = y[i - j] - y[i - j - 1];
          if (d > 0) {
            up++;
          } else if (d < 0) {
            down++;
          }
        }
        trend[i] = up == 6 ? 1 : down == 6 ? -1 : 0;
      }
      int[] side = new int[n];
      for (int i = 6; i < n; i++) {
        if (rtm[i] == 0) {
          continue;
        }
        boolean all = true;
        for (int j = 1; j <= 6; j++) {
          all &= rtm[i - j] == rtm[i];
        }
        side[i] = all ? rtm[i] : 0;
      }
      String what = "run " + run + " y " + Arrays.toString(y) + " rtm " + Arrays.toString(rtm);
      byte[] flags = Spc.runFlags(y, rtm);
      int[][] endsAndFlag = {trend, side};
      int[] flagOf = {Spc.PART_OF_TREND, Spc.PART_OF_SIDE_RUN};
      for (int r = 0; r < 2; r++) {
        int[] ends = endsAndFlag[r];
        boolean[] part = new boolean[n];
        boolean[] got = new boolean[n];
        for (int i = 0; i < n; i++) {
          for (int j = i; j < Math.min(n, i + 7); j++) {
            if (ends[j] != 0) {
              part[i] = true;
              break;
            }
          }
          got[i] = (flags[i] & flagOf[r]) != 0;
        }
        assertEquals(Arrays.toString(part), Arrays.toString(got), what);
      }
      // 2 in 3: the definition as partOfTwoInThree had it (every window of 3 around a close point)
      boolean[] near = new boolean[n];
      for (int i = 0; i < n; i++) {
        near[i] = random.nextInt(3) == 0;
      }
      for (int i = 0; i < n; i++) {
        boolean expected = false;
        for (int start = i - 2; start <= i && near[i] && !expected; start++) {
          int closeCount = 0;
          int sideSum = 0;
          for (int j = start; j < start + 3; j++) {
            if (j >= 0 && j < n) {
              closeCount += near[j] ? 1 : 0;
              sideSum += rtm[j];
            }
          }
          expected = closeCount >= 2 && Math.abs(sideSum) == 3;
        }
        assertEquals(expected, Spc.twoInThree(near, rtm, i), what + " near " + Arrays.toString(near) + " at " + i);
      }
    }
  }
}
