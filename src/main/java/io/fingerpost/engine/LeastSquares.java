package io.fingerpost.engine;

import java.util.Objects;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Straight-line least-squares fit of y on t, ordinary or weighted, with a Student-t prediction
 * interval for a new value.
 *
 * <p>Method (standard weighted least squares, e.g. Draper &amp; Smith, <i>Applied Regression
 * Analysis</i>, 3rd ed., §9.2; the ordinary fit is the case of unit weights): with weights
 * w<sub>i</sub>, weighted means t̄ = Σwt/Σw, ȳ = Σwy/Σw and S<sub>tt</sub> = Σw(t − t̄)²,
 * slope b = Σw(t − t̄)(y − ȳ)/S<sub>tt</sub>, intercept a = ȳ − b·t̄. The residual variance is
 * s² = Σw(y − a − bt)²/(n − 2), i.e. the scale σ² in Var(y<sub>i</sub>) = σ²/w<sub>i</sub>;
 * Var(b) = s²/S<sub>tt</sub>, Var(a) = s²(1/Σw + t̄²/S<sub>tt</sub>), Cov(a, b) = −t̄·s²/S<sub>tt</sub>.
 *
 * <p>Prediction at t (docs/design.md "Trajectory method, precisely" → Projection): ŷ = a + bt,
 * Var(ŷ) = s²(1/Σw + (t − t̄)²/S<sub>tt</sub>); the variance of a new value is the residual
 * variance — for a weighted fit scaled by the mean of the weights' inverses, s²·mean(1/w) — plus
 * Var(ŷ). The interval uses Student's t with n − 2 degrees of freedom. Weights for the trajectory
 * are 1/SE² with SE = (upper95 − lower95)/3.92 ({@link #weightsFromCi95}).
 *
 * <p>When the weights are exact inverse variances (as Fingertips assumes for its recent trend),
 * the slope's variance is 1/S<sub>tt</sub> without the residual scale: {@link Fit#slopeVarianceKnownWeights()}.
 */
public final class LeastSquares {

  /** Student t distributions by degrees of freedom, made once each (immutable; making one costs log-gamma terms). */
  private static final Map<Integer, TDistribution> STUDENT_T = new ConcurrentHashMap<>();
  /** Two-sided t quantiles by degrees of freedom and level: each is a root search, and the same every time. */
  private static final Map<TQuantile, Double> T_QUANTILES = new ConcurrentHashMap<>();

  private record TQuantile(int degreesOfFreedom, double level) {}

  /**
   * The distributions of the first degrees of freedom, in a plain array in front of {@link #STUDENT_T}: a
   * projection asks for one per series (EngineBenchmark.evaluate: 100,000 a call), and an array slot is cheaper
   * than a hash lookup. A racy fill is safe: a TDistribution is immutable (final fields), and a slot filled twice
   * holds equal distributions.
   */
  private static final TDistribution[] STUDENT_T_SMALL = new TDistribution[64];

  static TDistribution studentT(int degreesOfFreedom) {
    if (degreesOfFreedom >= 0 && degreesOfFreedom < STUDENT_T_SMALL.length) {
      TDistribution d = STUDENT_T_SMALL[degreesOfFreedom];
      if (d == null) {
        d = STUDENT_T.computeIfAbsent(degreesOfFreedom, TDistribution::of);
        STUDENT_T_SMALL[degreesOfFreedom] = d;
      }
      return d;
    }
    return STUDENT_T.computeIfAbsent(degreesOfFreedom, TDistribution::of);
  }

  /**
   * The quantile asked for last, checked before {@link #T_QUANTILES}: a run of projections asks for the same degrees
   * of freedom and level every time, and the map's key (a record made per call, hashed and compared through its
   * generated methods) was 6% of EngineBenchmark.evaluate's samples in JFR. Immutable, published through a volatile.
   */
  private record LastTQuantile(int degreesOfFreedom, double level, double quantile) {}

  private static volatile LastTQuantile lastTQuantile;

  /** The two-sided Student t quantile at {@code level} (the same value the map has always given: cached). */
  static double tQuantile(int degreesOfFreedom, double level) {
    LastTQuantile last = lastTQuantile;
    // level is in (0, 1) here, so == agrees with the record key's Double.compare
    if (last != null && last.degreesOfFreedom() == degreesOfFreedom && last.level() == level) {
      return last.quantile();
    }
    double q = T_QUANTILES.computeIfAbsent(new TQuantile(degreesOfFreedom, level),
        k -> studentT(k.degreesOfFreedom()).inverseCumulativeProbability(0.5 + k.level() / 2.0));
    lastTQuantile = new LastTQuantile(degreesOfFreedom, level, q);
    return q;
  }

  private LeastSquares() {}

  /** Ordinary least squares (all weights 1). */
  public static Fit ordinary(double[] t, double[] y) {
    Objects.requireNonNull(t, "t");
    double[] w = new double[t.length];
    java.util.Arrays.fill(w, 1.0);
    return fit(t, y, w, false);
  }

  /** Weighted least squares; every weight must be finite and &gt; 0. */
  public static Fit weighted(double[] t, double[] y, double[] w) {
    return fit(t, y, w, true);
  }

  /**
   * Weights 1/SE² with SE = (upper95 − lower95)/3.92, the standard error implied by a symmetric
   * 95% interval. Returns null when any interval is missing or has zero width, so the caller
   * falls back to {@link #ordinary}.
   */
  public static double[] weightsFromCi95(Double[] lower95, Double[] upper95) {
    double[] w = new double[lower95.length];
    for (int i = 0; i < w.length; i++) {
      if (lower95[i] == null || upper95[i] == null) {
        return null;
      }
      double se = (upper95[i] - lower95[i]) / 3.92;
      if (!(se > 0) || !Double.isFinite(se)) {
        return null;
      }
      w[i] = 1.0 / (se * se);
    }
    return w;
  }

  private static Fit fit(double[] t, double[] y, double[] w, boolean weighted) {
    Objects.requireNonNull(t, "t");
    Objects.requireNonNull(y, "y");
    Objects.requireNonNull(w, "w");
    int n = t.length;
    if (y.length != n || w.length != n) {
      throw new IllegalArgumentException("t, y and weights differ in length");
    }
    if (n < 2) {
      throw new IllegalArgumentException("a line needs at least 2 points, got " + n);
    }
    double sw = 0, swt = 0, swy = 0, sInvW = 0;
    for (int i = 0; i < n; i++) {
      if (!(w[i] > 0) || !Double.isFinite(w[i]) || !Double.isFinite(t[i]) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException("point " + i + " is not finite or has weight <= 0");
      }
      sw += w[i];
      swt += w[i] * t[i];
      swy += w[i] * y[i];
      sInvW += 1.0 / w[i];
    }
    double tBar = swt / sw;
    double yBar = swy / sw;
    double stt = 0, sty = 0;
    for (int i = 0; i < n; i++) {
      double dt = t[i] - tBar;
      stt += w[i] * dt * dt;
      sty += w[i] * dt * (y[i] - yBar);
    }
    if (!(stt > 0)) {
      throw new IllegalArgumentException("all points have the same t: the slope is undefined");
    }
    double slope = sty / stt;
    double intercept = yBar - slope * tBar;
    double rss = 0;
    for (int i = 0; i < n; i++) {
      double r = y[i] - intercept - slope * t[i];
      rss += w[i] * r * r;
    }
    double s2 = n > 2 ? rss / (n - 2) : Double.NaN;
    return new Fit(n, weighted, slope, intercept, s2, sw, tBar, stt, sInvW / n);
  }

  /**
   * A fitted line.
   *
   * @param n number of points
   * @param weighted whether the fit was weighted
   * @param slope b
   * @param intercept a (the value at t = 0)
   * @param residualVariance s² = Σw·r²/(n − 2); NaN when n = 2
   * @param sumWeights Σw (n for an ordinary fit)
   * @param meanT weighted mean of t
   * @param stt Σw(t − t̄)²
   * @param meanInverseWeight mean of 1/w (1 for an ordinary fit)
   */
  public record Fit(int n, boolean weighted, double slope, double intercept, double residualVariance,
      double sumWeights, double meanT, double stt, double meanInverseWeight) {

    /** Degrees of freedom of the residual variance: n − 2. */
    public int degreesOfFreedom() {
      return n - 2;
    }

    public double slopeVariance() {
      return residualVariance / stt;
    }

    public double slopeStandardError() {
      return Math.sqrt(slopeVariance());
    }

    public double interceptVariance() {
      return residualVariance * (1.0 / sumWeights + meanT * meanT / stt);
    }

    public double interceptStandardError() {
      return Math.sqrt(interceptVariance());
    }

    public double slopeInterceptCovariance() {
      return -meanT * residualVariance / stt;
    }

    /** Var(b) when the weights are exact inverse variances (no residual scale): 1/S<sub>tt</sub>. */
    public double slopeVarianceKnownWeights() {
      return 1.0 / stt;
    }

    /** ŷ(t) = a + b·t. */
    public double predict(double t) {
      return intercept + slope * t;
    }

    /** Var(ŷ(t)), the uncertainty of the fitted line at t. */
    public double fittedVariance(double t) {
      double d = t - meanT;
      return residualVariance * (1.0 / sumWeights + d * d / stt);
    }

    /**
     * ŷ(t) with a prediction interval for a new value at t at the given two-sided level (0.95 for
     * 95%). Needs n ≥ 3 (n − 2 degrees of freedom).
     */
    public Prediction predictionInterval(double t, double level) {
      if (n < 3) {
        throw new IllegalStateException("a prediction interval needs at least 3 points, got " + n);
      }
      if (!(level > 0 && level < 1)) {
        throw new IllegalArgumentException("level must be in (0, 1): " + level);
      }
      double yHat = predict(t);
      double se = Math.sqrt(residualVariance * meanInverseWeight + fittedVariance(t));
      double q = tQuantile(n - 2, level);
      return new Prediction(t, yHat, se, n - 2, yHat - q * se, yHat + q * se);
    }
  }

  /**
   * A predicted new value: ŷ with standard error se, Student t with df degrees of freedom, and the
   * requested interval [lower, upper].
   */
  public record Prediction(double t, double value, double standardError, int degreesOfFreedom,
      double lower, double upper) {

    /** P(Y ≥ g) for a new value Y ~ ŷ + se·T(df). */
    public double probabilityAtLeast(double g) {
      if (standardError == 0) {
        return value >= g ? 1.0 : 0.0;
      }
      return studentT(degreesOfFreedom).survivalProbability((g - value) / standardError);
    }

    /** P(Y ≤ g). */
    public double probabilityAtMost(double g) {
      if (standardError == 0) {
        return value <= g ? 1.0 : 0.0;
      }
      return studentT(degreesOfFreedom).cumulativeProbability((g - value) / standardError);
    }
  }
}
