package io.fingerpost.engine;

import io.fingerpost.model.Period;

import io.fingerpost.model.Polarity;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fingertips' recent trend of a series: is the latest run of 5 yearly points significantly increasing
 * or decreasing?
 *
 * <p>Method and source: fingertips-open {@code PholioVisualisationWS/Analysis/TrendMarkers/
 * TrendMarkerCalculator.cs} and {@code TrendRequest.cs} (commit 6780897), with the labels of
 * {@code PholioVisualisation.Formatting/TrendMarkerLabelProvider.cs}; FingertipsNext's port
 * ({@code trend-analysis/TrendAnalysisApp/Calculator/Legacy}) for the {@link Eligibility#FINGERTIPS_NEXT}
 * variant.
 * <ol>
 *   <li>Eligibility: value type proportion or crude rate (FingertipsNext also accepts directly
 *       standardised rates); every period a single year; at least 5 points; the valid points — value,
 *       count and denominator present, denominator &gt; 0 — taken from the latest back until the first
 *       invalid one (FingertipsNext: all valid points, gaps allowed) number at least 5; no valid point
 *       with count equal to its denominator. Otherwise "Cannot be calculated".</li>
 *   <li>{@link Method#CI}: of the valid points with both 95% limits, the latest 5, numbered t = 1…5;
 *       weighted regression of value on t with weights 1/SE², SE = (upper95 − lower95)/3.92; slope
 *       b = (Σw·Σwty − Σwt·Σwy)/(Σw·Σwt² − (Σwt)²), its variance Σw/(Σw·Σwt² − (Σwt)²), χ² = b²/Var(b).
 *       As in Fingertips, a series without CIs gives NaN sums and so "No significant change".</li>
 *   <li>{@link Method#COUNTS} (Fingertips' "SPC for proportions" comparator): the χ² test for trend
 *       in proportions on counts r and denominators n: χ² = N(N·Σrt − R·Σnt)² / (R(N − R)(N·Σnt² −
 *       (Σnt)²)); the slope checked is that of the ordinary regression of log(r/(n − r)) on t.
 *       Differences from fingertips-open, on purpose: the latest 5 valid points are used whether or
 *       not they carry CIs (the counts method does not use them), and the direction comes from that
 *       logit slope (fingertips-open reads a slope field this path never sets); a count above its
 *       denominator cannot be calculated (the log-odds are undefined).</li>
 *   <li>Significant when χ² &gt; 9.54953570608324 (χ²₁ at 99.8%) and the slope has the same sign with
 *       all 5 points and with each point dropped in turn (6 fits). Then Increasing or Decreasing by the
 *       slope's sign, labelled by polarity ("Increasing and getting worse", …); otherwise "No
 *       significant change".</li>
 * </ol>
 */
public final class RecentTrend {

  /** χ² with 1 degree of freedom at 99.8%: Excel's CHIINV(0.002, 1), as Fingertips hard-codes it. */
  public static final double CHI_SQUARED_998 = 9.54953570608324;
  public static final int POINTS = 5;

  private RecentTrend() {}

  public enum Method { CI, COUNTS }

  /** Which tool's eligibility rules to follow. */
  public enum Eligibility {
    /** fingertips-open: proportion or crude rate, an unbroken run of valid points. */
    FINGERTIPS,
    /** FingertipsNext trend-analysis: also directly standardised rates; valid points need not be consecutive. */
    FINGERTIPS_NEXT
  }

  public enum Marker { INCREASING, DECREASING, NO_CHANGE, CANNOT_BE_CALCULATED }

  /** One published point; any number may be null. */
  public record Point(Period period, Double value, Double lower95, Double upper95, Double count,
      Double denominator) {
    public Point {
      Objects.requireNonNull(period, "period");
    }
  }

  /**
   * The verdict.
   *
   * @param chi2 the χ² statistic, null when not calculated (or not a number)
   * @param slope slope of the full fit (value per point for CI, log-odds per point for counts)
   * @param message why it cannot be calculated, else empty
   */
  public record Result(Marker marker, String label, Double chi2, Double slope, boolean significant,
      int pointsUsed, String message) {}

  public static Result evaluate(List<Point> points, ValueType valueType, Polarity polarity, Method method) {
    return evaluate(points, valueType, polarity, method, Eligibility.FINGERTIPS);
  }

  public static Result evaluate(List<Point> points, ValueType valueType, Polarity polarity, Method method,
      Eligibility eligibility) {
    return evaluate(points == null ? null : new PointSource(points), valueType, polarity, method, eligibility);
  }

  /**
   * The points the trend reads, by place in the caller's order: a list of {@link Point}s, or a caller's own records
   * read in place (SeriesVerdicts reads its observations so, without a Point and a list of them a series).
   */
  interface Source {
    int size();

    Period period(int i);

    Double value(int i);

    Double lower95(int i);

    Double upper95(int i);

    Double count(int i);

    Double denominator(int i);
  }

  private record PointSource(List<Point> points) implements Source {
    @Override
    public int size() {
      return points.size();
    }

    @Override
    public Period period(int i) {
      return points.get(i).period();
    }

    @Override
    public Double value(int i) {
      return points.get(i).value();
    }

    @Override
    public Double lower95(int i) {
      return points.get(i).lower95();
    }

    @Override
    public Double upper95(int i) {
      return points.get(i).upper95();
    }

    @Override
    public Double count(int i) {
      return points.get(i).count();
    }

    @Override
    public Double denominator(int i) {
      return points.get(i).denominator();
    }
  }

  /** {@link #evaluate(List, ValueType, Polarity, Method, Eligibility)} on the points of a source (null: none). */
  static Result evaluate(Source points, ValueType valueType, Polarity polarity, Method method,
      Eligibility eligibility) {
    boolean typeOk = valueType == ValueType.PROPORTION || valueType == ValueType.CRUDE_RATE
        || (eligibility == Eligibility.FINGERTIPS_NEXT && valueType == ValueType.DSR);
    if (!typeOk) {
      return cannot(polarity, "The recent trend cannot be calculated for this value type");
    }
    if (points == null || points.size() == 0) {
      return cannot(polarity, "No data points found");
    }
    int size = points.size();
    for (int i = 0; i < size; i++) {
      if (!points.period(i).isSingleYear()) {
        return cannot(polarity, "The recent trend cannot be calculated for this year range");
      }
    }
    if (size < POINTS) {
      return cannot(polarity, "Not enough data points to calculate recent trend");
    }
    int[] valid = new int[size];
    int validCount = validLatestFirst(points, eligibility, valid);
    if (validCount < POINTS) {
      return cannot(polarity, "Not enough data points with valid values to calculate recent trend");
    }
    for (int j = 0; j < validCount; j++) {
      if (Double.compare(points.count(valid[j]), points.denominator(valid[j])) == 0) {
        return cannot(polarity, "The recent trend cannot be calculated");
      }
    }
    return method == Method.COUNTS ? byCounts(points, valid, polarity) : byCi(points, valid, validCount, polarity);
  }

  /** A point is valid with a value, a count and a positive denominator (validLatestFirst keeps the valid ones). */
  private static boolean isValid(Source points, int i) {
    Double denominator = points.denominator(i);
    return points.value(i) != null && points.count(i) != null && denominator != null && denominator > 0;
  }

  /**
   * The places of the valid points, latest period first, into {@code valid}; returns how many (for
   * {@link Eligibility#FINGERTIPS} only the run back to the first invalid one). Latest first is a stable sort by
   * period, descending; points already in strictly ascending order (how series and {@link SeriesVerdicts} hand them
   * over) are read backwards instead, without a sort; equal periods keep their order through the sort.
   */
  private static int validLatestFirst(Source points, Eligibility eligibility, int[] valid) {
    int n = points.size();
    boolean ascending = true;
    for (int i = 1; i < n && ascending; i++) {
      ascending = points.period(i - 1).compareTo(points.period(i)) < 0;
    }
    Integer[] sorted = null;
    if (!ascending) {
      sorted = new Integer[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = i;
      }
      // stable: equal periods keep their order, as the list sort by period, reversed, kept them
      Arrays.sort(sorted, (a, b) -> points.period(b).compareTo(points.period(a)));
    }
    int count = 0;
    for (int j = 0; j < n; j++) {
      int i = ascending ? n - 1 - j : sorted[j];
      if (isValid(points, i)) {
        valid[count++] = i;
      } else if (eligibility == Eligibility.FINGERTIPS) {
        break;
      }
    }
    return count;
  }

  private static Result byCi(Source points, int[] validLatestFirst, int validCount, Polarity polarity) {
    // the latest (up to) 5 with both limits at t = k … 1 (t = 1 … k oldest first); weights from the CI as
    // Fingertips computes them
    int k = 0;
    for (int j = 0; j < validCount && k < POINTS; j++) {
      k += hasCi(points, validLatestFirst[j]) ? 1 : 0;
    }
    double[] divisor = new double[k];
    double[] y = new double[k];
    for (int j = 0, i = k - 1; i >= 0; j++) {
      int p = validLatestFirst[j];
      if (hasCi(points, p)) {
        double limit = (points.upper95(p) - points.lower95(p)) / 3.92;
        divisor[i] = limit * limit;
        y[i] = points.value(p);
        i--;
      }
    }
    int slopeSum = 0;
    double slope = Double.NaN;
    double chi2 = Double.NaN;
    for (int drop = 0; drop <= POINTS; drop++) {
      double s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
      for (int i = 0; i < k; i++) {
        int t = i + 1;
        if (t == drop) {
          continue;
        }
        // the same terms, in the same order, as Fingertips' TrendMarkerCalculatedValue
        s1 += 1 / divisor[i];
        s2 += (y[i] * t) / divisor[i];
        s3 += t / divisor[i];
        s4 += y[i] / divisor[i];
        s5 += (double) t * t / divisor[i];
      }
      double d = s1 * s5 - s3 * s3;
      double b = (s1 * s2 - s3 * s4) / d;
      slopeSum += b < 0 ? -1 : 1;
      if (drop == 0) {
        slope = b;
        double beta = Math.sqrt(s1 / d);
        chi2 = (b / beta) * (b / beta);
      }
    }
    boolean noOutliers = Math.abs(slopeSum) == POINTS + 1;
    return verdict(noOutliers && chi2 > CHI_SQUARED_998, slope, chi2, k, polarity);
  }

  private static boolean hasCi(Source points, int i) {
    return points.lower95(i) != null && points.upper95(i) != null;
  }

  private static Result byCounts(Source points, int[] validLatestFirst, Polarity polarity) {
    // the sums are taken as each point is read, in the same order (t = 1 … 5) as a loop of their own took them: only
    // the log-odds, which the 6 fits read again, are kept
    double[] logit = new double[POINTS];
    double sumN = 0, sumRt = 0, sumR = 0, sumNt = 0, sumNt2 = 0;
    for (int i = 0; i < POINTS; i++) {
      int p = validLatestFirst[POINTS - 1 - i];
      double r = points.count(p);
      double n = points.denominator(p);
      if (r > n) {
        return cannot(polarity, "The recent trend cannot be calculated: count above denominator in "
            + points.period(p).label());
      }
      logit[i] = Math.log(r / (n - r));
      int t = i + 1;
      sumN += n;
      sumRt += r * t;
      sumR += r;
      sumNt += n * t;
      sumNt2 += n * t * t;
    }
    double num = sumN * Math.pow(sumN * sumRt - sumR * sumNt, 2);
    double den = sumR * (sumN - sumR) * (sumN * sumNt2 - sumNt * sumNt);
    double chi2 = num / den;
    int slopeSum = 0;
    double slope = Double.NaN;
    for (int drop = 0; drop <= POINTS; drop++) {
      int m = 0;
      double st = 0, st2 = 0, sy = 0, sty = 0;
      for (int i = 0; i < POINTS; i++) {
        int t = i + 1;
        if (t == drop) {
          continue;
        }
        m++;
        st += t;
        st2 += t * t;
        sy += logit[i];
        sty += t * logit[i];
      }
      double b = (m * sty - sy * st) / (m * st2 - st * st);
      slopeSum += b < 0 ? -1 : 1;
      if (drop == 0) {
        slope = b;
      }
    }
    boolean noOutliers = Math.abs(slopeSum) == POINTS + 1;
    return verdict(noOutliers && chi2 > CHI_SQUARED_998, slope, chi2, POINTS, polarity);
  }

  private static Result verdict(boolean significant, double slope, double chi2, int used, Polarity polarity) {
    Marker marker = Marker.NO_CHANGE;
    if (significant) {
      marker = slope > 0 ? Marker.INCREASING : slope < 0 ? Marker.DECREASING : Marker.NO_CHANGE;
    }
    return new Result(marker, label(marker, polarity), Double.isFinite(chi2) ? chi2 : null,
        Double.isFinite(slope) ? slope : null, significant, used, "");
  }

  private static Result cannot(Polarity polarity, String message) {
    return new Result(Marker.CANNOT_BE_CALCULATED, label(Marker.CANNOT_BE_CALCULATED, polarity), null, null,
        false, 0, message);
  }

  /** Fingertips' label for a marker under a polarity (TrendMarkerLabelProvider). */
  public static String label(Marker marker, Polarity polarity) {
    switch (marker) {
      case CANNOT_BE_CALCULATED:
        return "Cannot be calculated";
      case NO_CHANGE:
        return "No significant change";
      case INCREASING:
        return polarity == Polarity.HIGH_IS_GOOD ? "Increasing and getting better"
            : polarity == Polarity.LOW_IS_GOOD ? "Increasing and getting worse" : "Increasing";
      case DECREASING:
      default:
        return polarity == Polarity.HIGH_IS_GOOD ? "Decreasing and getting worse"
            : polarity == Polarity.LOW_IS_GOOD ? "Decreasing and getting better" : "Decreasing";
    }
  }
}
