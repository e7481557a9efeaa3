package io.fingerpost.engine;

import io.fingerpost.model.Polarity;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Statistical process control: an XmR chart with the special-cause rules of NHS England's "Making
 * Data Count", exactly as NHSRplotthedots 0.2.2 implements them.
 *
 * <p>Source: nhs-r-community/NHSRplotthedots 0.2.2 (commit 050b07d), {@code R/ptd_spc_standard.R},
 * {@code R/ptd_calculate_point_type.R}, {@code R/ptd_calculate_assurance_type.R},
 * {@code R/ptd_add_short_group_warnings.R}. Per group of points (the whole series, or each part
 * between recalculation points):
 * <ul>
 *   <li>limits from the first {@code fixAfterNPoints} points (all when unset): mean; moving ranges
 *       |yᵢ − yᵢ₋₁| and their mean; with screening (default on) moving ranges ≥ 3.267 × that mean are
 *       dropped and the mean recomputed; process limits mean ± 2.66 × mean MR; "close to a limit"
 *       is beyond mean ± (2/3)·2.66 × mean MR but inside the limits;</li>
 *   <li>special cause, first rule that applies (NHSRplotthedots' precedence): a point outside the
 *       limits ("Above UCL"/"Below LCL"); part of a run of 7 points each strictly above (below) the
 *       one before ("7 Point Trend (Increasing|Decreasing)", the direction of a point shared by two
 *       runs read on its right); 2 of 3 consecutive points close to a limit with all 3 on the same
 *       side of the mean, flagging the close points ("2 in 3 Above|Below CL"); part of 7 points on one
 *       side of the mean, a point on the mean breaking the run ("7 Points Above|Below CL");
 *       otherwise "Common Cause";</li>
 *   <li>point type: above/increasing is improvement when improvement is an increase, concern when
 *       it is a decrease, special_cause_neutral_high for a neutral direction; likewise below;</li>
 *   <li>assurance against a target, from the limits of the last group: target above the upper limit
 *       → consistent_fail (increase) / consistent_pass (decrease); below the lower limit → the
 *       reverse; between → inconsistent ("hit and miss" in Making Data Count); none for neutral;</li>
 *   <li>short-series warning: a group with fewer than 13 points (NHSRplotthedots' default threshold)
 *       has trial limits.</li>
 * </ul>
 */
public final class Spc {

  /** Process limits at mean ± 2.66 × mean moving range. */
  public static final double LIMIT = 2.66;
  /** Moving ranges at or above 3.267 × their mean are screened out. */
  public static final double SCREEN = 3.267;
  /** NHSRplotthedots' default {@code ptd_spc.warning_threshold}. */
  public static final int SHORT_GROUP_THRESHOLD = 13;

  private static final int[] NO_RECALCULATION = {};

  private Spc() {}

  public enum ImprovementDirection {
    INCREASE, DECREASE, NEUTRAL;

    /** {@code increase|decrease|neutral}. */
    public static ImprovementDirection parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("improvement direction '" + s + "' is not one of increase, decrease, neutral");
      }
    }

    /** The direction a polarity implies: high is good → increase, low is good → decrease, else neutral. */
    public static ImprovementDirection of(Polarity polarity) {
      if (polarity == Polarity.HIGH_IS_GOOD) {
        return INCREASE;
      }
      return polarity == Polarity.LOW_IS_GOOD ? DECREASE : NEUTRAL;
    }
  }

  public enum PointType {
    SPECIAL_CAUSE_IMPROVEMENT, SPECIAL_CAUSE_CONCERN, SPECIAL_CAUSE_NEUTRAL_HIGH, SPECIAL_CAUSE_NEUTRAL_LOW,
    COMMON_CAUSE;

    /** NHSRplotthedots' name, e.g. {@code special_cause_concern}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Assurance {
    CONSISTENT_PASS, CONSISTENT_FAIL, INCONSISTENT;

    /** NHSRplotthedots' name, e.g. {@code consistent_fail}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Options, as ptd_spc takes them.
   *
   * @param recalculateAt indices (0-based) of points that start a new group of limits (rebasing)
   * @param fixAfterNPoints fix each group's limits on its first n points; null for all
   * @param target assurance target; null for none
   */
  public record Options(ImprovementDirection improvement, boolean screenOutliers, int[] recalculateAt,
      Integer fixAfterNPoints, Double target) {
    public Options {
      Objects.requireNonNull(improvement, "improvement");
      recalculateAt = recalculateAt == null ? NO_RECALCULATION : recalculateAt.clone();
      if (fixAfterNPoints != null && fixAfterNPoints < 1) {
        throw new IllegalArgumentException("fixAfterNPoints must be at least 1, got " + fixAfterNPoints);
      }
    }

    /** ptd_spc's defaults: screening on, no rebasing, no fixing, no target. */
    public static Options of(ImprovementDirection improvement) {
      return new Options(improvement, true, null, null, null);
    }

    public Options withScreening(boolean on) {
      return new Options(improvement, on, recalculateAt, fixAfterNPoints, target);
    }

    public Options withTarget(Double t) {
      return new Options(improvement, screenOutliers, recalculateAt, fixAfterNPoints, t);
    }

    public Options withRecalculationAt(int... indices) {
      return new Options(improvement, screenOutliers, indices, fixAfterNPoints, target);
    }

    public Options withFixAfter(Integer n) {
      return new Options(improvement, screenOutliers, recalculateAt, n, target);
    }
  }

  /** One point of the chart. {@code relativeToMean} is −1, 0 or 1. */
  public record Point(int index, double y, int group, double mean, double lowerLimit, double upperLimit,
      boolean outsideLimits, int relativeToMean, boolean closeToLimits, String specialCauseType,
      PointType pointType, boolean shortGroupWarning) {

    public boolean isSpecialCause() {
      return pointType != PointType.COMMON_CAUSE;
    }
  }

  /** The special-cause rule a point meets (first in precedence), with its text and side (+1 high, −1 low). */
  private enum Cause {
    ABOVE_UCL("Above UCL", 1), BELOW_LCL("Below LCL", -1),
    TREND_UP("7 Point Trend (Increasing)", 1), TREND_DOWN("7 Point Trend (Decreasing)", -1),
    TWO_IN_THREE_ABOVE("2 in 3 Above CL", 1), TWO_IN_THREE_BELOW("2 in 3 Below CL", -1),
    SEVEN_ABOVE("7 Points Above CL", 1), SEVEN_BELOW("7 Points Below CL", -1),
    COMMON_CAUSE("Common Cause", 0);

    final String text;
    final int side;

    Cause(String text, int side) {
      this.text = text;
      this.side = side;
    }
  }

  /**
   * The chart: every point, the assurance (null without a target or for neutral) and counts. The chart is
   * kept as arrays and a {@link Point} is made when asked for: most callers read only the latest point, and
   * a record per point (and two lists) were most of what a chart allocated.
   */
  public static final class Result {
    private final double[] y;
    /** Each point's group; null without rebasing (every point in group 0: no array of zeros a chart). */
    private final int[] groupOf;
    /** By group: the limits and whether the group is short (filled as each group is charted). */
    private final double[] mean;
    private final double[] lowerLimit;
    private final double[] upperLimit;
    private final boolean[] shortGroup;
    /** By point. */
    private final boolean[] outside;
    private final int[] relativeToMean;
    private final boolean[] near;
    private final Cause[] cause;
    private final ImprovementDirection improvement;
    private final Double target;

    private Result(double[] y, int[] groupOf, ImprovementDirection improvement, Double target) {
      int n = y.length;
      int groups = groupOf == null ? 1 : groupOf[n - 1] + 1;
      this.y = y;
      this.groupOf = groupOf;
      this.improvement = improvement;
      this.target = target;
      mean = new double[groups];
      lowerLimit = new double[groups];
      upperLimit = new double[groups];
      shortGroup = new boolean[groups];
      outside = new boolean[n];
      relativeToMean = new int[n];
      near = new boolean[n];
      cause = new Cause[n];
    }

    /** Every point in time order (a new list of new points at each call). */
    public List<Point> points() {
      Point[] out = new Point[y.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = point(i);
      }
      return List.of(out);
    }

    public Point latest() {
      return point(y.length - 1);
    }

    private Point point(int i) {
      int g = group(i);
      return new Point(i, y[i], g, mean[g], lowerLimit[g], upperLimit[g], outside[i], relativeToMean[i], near[i],
          cause[i].text, pointType(cause[i].side, improvement), shortGroup[g]);
    }

    private int group(int i) {
      return groupOf == null ? 0 : groupOf[i];
    }

    /** The target against the last group's limits; null without a target or for a neutral direction. */
    public Assurance assurance() {
      if (target == null || improvement == ImprovementDirection.NEUTRAL) {
        return null;
      }
      int last = group(y.length - 1);
      boolean increase = improvement == ImprovementDirection.INCREASE;
      double t = target;
      if (t > upperLimit[last]) {
        return increase ? Assurance.CONSISTENT_FAIL : Assurance.CONSISTENT_PASS;
      }
      if (t < lowerLimit[last]) {
        return increase ? Assurance.CONSISTENT_PASS : Assurance.CONSISTENT_FAIL;
      }
      return Assurance.INCONSISTENT;
    }

    /** Any group shorter than 13 points: its limits are trial limits. */
    public boolean shortSeriesWarning() {
      for (boolean s : shortGroup) {
        if (s) {
          return true;
        }
      }
      return false;
    }

    public long count(PointType type) {
      long k = 0;
      for (Cause c : cause) {
        k += pointType(c.side, improvement) == type ? 1 : 0;
      }
      return k;
    }

    public long commonCause() {
      return count(PointType.COMMON_CAUSE);
    }
  }

  /** Charts the values in time order (no missing values). */
  public static Result evaluate(double[] y, Options options) {
    Objects.requireNonNull(y, "y");
    // a copy: the chart keeps the values, which the caller's array may not keep
    return chart(y.clone(), options);
  }

  /**
   * {@link #evaluate} on an array the caller made for this chart and hands over (it neither changes nor reuses
   * it): the chart keeps it without a copy. SeriesVerdicts charts every series of the evaluate command this way.
   */
  static Result evaluateOwned(double[] y, Options options) {
    Objects.requireNonNull(y, "y");
    return chart(y, options);
  }

  private static Result chart(double[] y, Options options) {
    if (y.length == 0) {
      throw new IllegalArgumentException("an SPC chart needs at least one point");
    }
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("point " + i + " is not a finite number");
      }
    }
    int[] groupOf = null; // all group 0 without rebasing
    if (options.recalculateAt().length > 0) {
      groupOf = new int[y.length];
      boolean[] starts = new boolean[y.length];
      for (int i : options.recalculateAt()) {
        if (i < 0 || i >= y.length) {
          throw new IllegalArgumentException("recalculation point " + i + " is outside the series");
        }
        starts[i] = true;
      }
      int g = 0;
      for (int i = 0; i < y.length; i++) {
        if (starts[i]) {
          g++;
        }
        groupOf[i] = g;
      }
    }
    Result chart = new Result(y, groupOf, options.improvement(), options.target());
    int from = 0;
    while (from < y.length) {
      int to = from;
      while (to < y.length && chart.group(to) == chart.group(from)) {
        to++;
      }
      chartGroup(chart, from, to, options);
      from = to;
    }
    return chart;
  }

  /** The limits of the group of points [from, to) and each of its points' flags and rule. */
  private static void chartGroup(Result c, int from, int to, Options o) {
    // one group (no rebasing) is the whole series: no copies in or out
    boolean whole = from == 0 && to == c.y.length;
    double[] y = whole ? c.y : Arrays.copyOfRange(c.y, from, to);
    int n = y.length;
    int fixed = o.fixAfterNPoints() == null ? n : Math.min(n, o.fixAfterNPoints());
    double mean = 0;
    for (int i = 0; i < fixed; i++) {
      mean += y[i];
    }
    mean /= fixed;
    // the moving ranges |y[i] − y[i−1]| are summed where they are taken (no array of them a group)
    double amr = meanMovingRange(y, fixed, Double.POSITIVE_INFINITY);
    if (o.screenOutliers()) {
      amr = meanMovingRange(y, fixed, SCREEN * amr);
    }
    double lpl = mean - LIMIT * amr;
    double upl = mean + LIMIT * amr;
    double close = 2 * (LIMIT / 3);
    double nlpl = mean - close * amr;
    double nupl = mean + close * amr;
    int group = c.group(from);
    c.mean[group] = mean;
    c.lowerLimit[group] = lpl;
    c.upperLimit[group] = upl;
    c.shortGroup[group] = n < SHORT_GROUP_THRESHOLD;

    boolean[] outside = whole ? c.outside : new boolean[n];
    int[] rtm = whole ? c.relativeToMean : new int[n];
    boolean[] near = whole ? c.near : new boolean[n];
    for (int i = 0; i < n; i++) {
      outside[i] = y[i] > upl || y[i] < lpl;
      rtm[i] = (int) Math.signum(y[i] - mean);
      near[i] = !outside[i] && (y[i] < nlpl || y[i] > nupl);
    }
    byte[] runs = runFlags(y, rtm);
    for (int i = 0; i < n; i++) {
      Cause cause;
      if (outside[i]) {
        cause = rtm[i] == 1 ? Cause.ABOVE_UCL : Cause.BELOW_LCL;
      } else if ((runs[i] & PART_OF_TREND) != 0) {
        // a point in two runs (the turn of a V) takes its direction from the right
        boolean nextInTrend = i + 1 < n && (runs[i + 1] & PART_OF_TREND) != 0;
        int sdy = nextInTrend ? (int) Math.signum(y[i + 1] - y[i])
            : i > 0 ? (int) Math.signum(y[i] - y[i - 1]) : 0;
        cause = sdy == 1 ? Cause.TREND_UP : Cause.TREND_DOWN;
      } else if (twoInThree(near, rtm, i)) {
        cause = rtm[i] > 0 ? Cause.TWO_IN_THREE_ABOVE : Cause.TWO_IN_THREE_BELOW;
      } else if ((runs[i] & PART_OF_SIDE_RUN) != 0) {
        cause = rtm[i] > 0 ? Cause.SEVEN_ABOVE : Cause.SEVEN_BELOW;
      } else {
        cause = Cause.COMMON_CAUSE;
      }
      c.cause[from + i] = cause;
    }
    if (!whole) {
      System.arraycopy(outside, 0, c.outside, from, n);
      System.arraycopy(rtm, 0, c.relativeToMean, from, n);
      System.arraycopy(near, 0, c.near, from, n);
    }
  }

  /**
   * Mean of the moving ranges |y[i] − y[i−1]| of the first {@code fixed} points that are below the cut (all finite
   * ones when the cut is +∞), summed in order; NaN when none.
   */
  private static double meanMovingRange(double[] y, int fixed, double cut) {
    double s = 0;
    int k = 0;
    for (int i = 1; i < fixed; i++) {
      double x = Math.abs(y[i] - y[i - 1]);
      if (x < cut) {
        s += x;
        k++;
      }
    }
    return k == 0 ? Double.NaN : s / k;
  }

  // The run rules below count runs in one pass (a rise, a side) and mark a run's 7 points at its 7th, into one
  // array of flags, instead of looking 6 or 7 points back or ahead from every point (SPC was a fifth of
  // EngineBenchmark.evaluate in JFR) and instead of an array per rule (five small arrays a chart, most of what a
  // chart allocated after its own). SpcTest.runRulesGiveTheFlagsOfTheirDefinitions checks them against the
  // definitions written out.

  /** In {@link #runFlags}: the point is one of 7 strictly rising or strictly falling points (6 rises or falls). */
  static final int PART_OF_TREND = 1;
  /** In {@link #runFlags}: the point is one of 7 on the same side of the mean (a point on the mean breaks a run). */
  static final int PART_OF_SIDE_RUN = 2;

  /** Per point, {@link #PART_OF_TREND} and {@link #PART_OF_SIDE_RUN} (rtm: each point's side of the mean). */
  static byte[] runFlags(double[] y, int[] rtm) {
    int n = y.length;
    byte[] flags = new byte[n];
    int rises = 0; // consecutive rises (falls) ending at point i
    int falls = 0;
    int side = 0; // points ending at i on i's side (its value of rtm)
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        double d = y[i] - y[i - 1];
        rises = d > 0 ? rises + 1 : 0;
        falls = d < 0 ? falls + 1 : 0;
      }
      side = i > 0 && rtm[i] == rtm[i - 1] ? side + 1 : 1;
      if (rises >= 6 || falls >= 6) {
        markRun(flags, i, PART_OF_TREND);
      }
      if (rtm[i] != 0 && side >= 7) {
        markRun(flags, i, PART_OF_SIDE_RUN);
      }
    }
    return flags;
  }

  /** Marks the 7 points of the run ending at {@code end} (end ≥ 6: a run of 7 ends there). */
  private static void markRun(byte[] flags, int end, int flag) {
    for (int j = end - 6; j <= end; j++) {
      flags[j] |= flag;
    }
  }

  /** Point i is close to a limit in a window of 3 with ≥ 2 close points and all 3 on one side of the mean. */
  static boolean twoInThree(boolean[] near, int[] rtm, int i) {
    if (!near[i]) {
      return false;
    }
    int n = near.length;
    for (int start = i - 2; start <= i; start++) {
      int closeCount = 0;
      int side = 0;
      for (int j = start; j < start + 3; j++) {
        if (j >= 0 && j < n) {
          closeCount += near[j] ? 1 : 0;
          side += rtm[j];
        }
      }
      if (closeCount >= 2 && Math.abs(side) == 3) {
        return true;
      }
    }
    return false;
  }

  private static PointType pointType(int side, ImprovementDirection dir) {
    int v = side;
    if (v == 0) {
      return PointType.COMMON_CAUSE;
    }
    switch (dir) {
      case NEUTRAL:
        return v > 0 ? PointType.SPECIAL_CAUSE_NEUTRAL_HIGH : PointType.SPECIAL_CAUSE_NEUTRAL_LOW;
      case DECREASE:
        v = -v;
        // fall through
      default:
        return v > 0 ? PointType.SPECIAL_CAUSE_IMPROVEMENT : PointType.SPECIAL_CAUSE_CONCERN;
    }
  }
}
