package io.fingerpost.engine;

import io.fingerpost.engine.RecentTrend.Eligibility;
import io.fingerpost.engine.RecentTrend.Marker;
import io.fingerpost.engine.RecentTrend.Method;
import io.fingerpost.engine.RecentTrend.Point;
import io.fingerpost.engine.RecentTrend.Result;

import io.fingerpost.model.Polarity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * RecentTrend as it was before stop 21 (its points as a list of Points, a list of the valid ones), kept to pin the
 * version that reads its points by place (RecentTrendTest.sameVerdictsAsBeforeStop21). Its types are RecentTrend's.
 *
 * <p>Fingertips' recent trend of a series: is the latest run of 5 yearly points significantly increasing
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
final class RecentTrendBeforeStop21 {

  /** χ² with 1 degree of freedom at 99.8%: Excel's CHIINV(0.002, 1), as Fingertips hard-codes it. */
  public static final double CHI_SQUARED_998 = 9.54953570608324;
  public static final int POINTS = 5;

  private RecentTrendBeforeStop21() {}






  public static Result evaluate(List<Point> points, ValueType valueType, Polarity polarity, Method method) {
    return evaluate(points, valueType, polarity, method, Eligibility.FINGERTIPS);
  }

  public static Result evaluate(List<Point> points, ValueType valueType, Polarity polarity, Method method,
      Eligibility eligibility) {
    boolean typeOk = valueType == ValueType.PROPORTION || valueType == ValueType.CRUDE_RATE
        || (eligibility == Eligibility.FINGERTIPS_NEXT && valueType == ValueType.DSR);
    if (!typeOk) {
      return cannot(polarity, "The recent trend cannot be calculated for this value type");
    }
    if (points == null || points.isEmpty()) {
      return cannot(polarity, "No data points found");
    }
    for (Point p : points) {
      if (!p.period().isSingleYear()) {
        return cannot(polarity, "The recent trend cannot be calculated for this year range");
      }
    }
    if (points.size() < POINTS) {
      return cannot(polarity, "Not enough data points to calculate recent trend");
    }
    List<Point> valid = validLatestFirst(points, eligibility);
    if (valid.size() < POINTS) {
      return cannot(polarity, "Not enough data points with valid values to calculate recent trend");
    }
    for (Point p : valid) {
      if (Double.compare(p.count(), p.denominator()) == 0) {
        return cannot(polarity, "The recent trend cannot be calculated");
      }
    }
    return method == Method.COUNTS ? byCounts(valid, polarity) : byCi(valid, polarity);
  }

  /**
   * The valid points, latest period first (for {@link Eligibility#FINGERTIPS} only the run back to the first
   * invalid one). Latest first is a stable sort by period, descending; points already in strictly ascending
   * order (how series and {@link SeriesVerdicts} hand them over) are read backwards instead, without a copy or
   * a comparator per pair; equal periods keep their order through the sort.
   */
  private static List<Point> validLatestFirst(List<Point> points, Eligibility eligibility) {
    int n = points.size();
    boolean ascending = true;
    for (int i = 1; i < n && ascending; i++) {
      ascending = points.get(i - 1).period().compareTo(points.get(i).period()) < 0;
    }
    List<Point> sorted = null;
    if (!ascending) {
      sorted = new ArrayList<>(points);
      sorted.sort(Comparator.comparing(Point::period).reversed());
    }
    List<Point> valid = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Point p = ascending ? points.get(n - 1 - i) : sorted.get(i);
      if (isValid(p)) {
        valid.add(p);
      } else if (eligibility == Eligibility.FINGERTIPS) {
        break;
      }
    }
    return valid;
  }

  /** RecentTrend.Point's validity as it was then (a value, a count and a positive denominator). */
  private static boolean isValid(Point p) {
    return p.value() != null && p.count() != null && p.denominator() != null && p.denominator() > 0;
  }

  private static Result byCi(List<Point> validLatestFirst, Polarity polarity) {
    // the latest (up to) 5 with both limits at t = k … 1 (t = 1 … k oldest first); weights from the CI as
    // Fingertips computes them
    int k = 0;
    for (int j = 0; j < validLatestFirst.size() && k < POINTS; j++) {
      k += hasCi(validLatestFirst.get(j)) ? 1 : 0;
    }
    double[] divisor = new double[k];
    double[] y = new double[k];
    for (int j = 0, i = k - 1; i >= 0; j++) {
      Point p = validLatestFirst.get(j);
      if (hasCi(p)) {
        double limit = (p.upper95() - p.lower95()) / 3.92;
        divisor[i] = limit * limit;
        y[i] = p.value();
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

  private static boolean hasCi(Point p) {
    return p.lower95() != null && p.upper95() != null;
  }

  private static Result byCounts(List<Point> validLatestFirst, Polarity polarity) {
    List<Point> used = validLatestFirst.subList(0, POINTS);
    double[] r = new double[POINTS];
    double[] n = new double[POINTS];
    double[] logit = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      Point p = used.get(POINTS - 1 - i);
      r[i] = p.count();
      n[i] = p.denominator();
      if (r[i] > n[i]) {
        return cannot(polarity, "The recent trend cannot be calculated: count above denominator in "
            + p.period().label());
      }
      logit[i] = Math.log(r[i] / (n[i] - r[i]));
    }
    double sumN = 0, sumRt = 0, sumR = 0, sumNt = 0, sumNt2 = 0;
    for (int i = 0; i < POINTS; i++) {
      int t = i + 1;
      sumN += n[i];
      sumRt += r[i] * t;
      sumR += r[i];
      sumNt += n[i] * t;
      sumNt2 += n[i] * t * t;
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
  static String label(Marker marker, Polarity polarity) {
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
