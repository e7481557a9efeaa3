package io.fingerpost.engine;

import io.fingerpost.model.Period;

import io.fingerpost.model.Observation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A series held against its strategy target: expected value, deviation, status and projection, exactly
 * as docs/design.md "Trajectory method, precisely" defines them (no reference tool implements this; the
 * method is Fingerpost's own and is stated in the README so a status can be checked by hand).
 *
 * <ul>
 *   <li><b>Expected value.</b> With baseline (t₀, b) and target (t₁, g): expected(t) = b + (g − b)·(t −
 *       t₀)/(t₁ − t₀) on [t₀, t₁], b before t₀, g after t₁; milestones make the line piecewise linear
 *       through each (tᵢ, vᵢ). Direction-only: expected(t) = b.
 *   <li><b>Deviation.</b> d = s·(value − expected(t)), s = +1 when increase is improvement, −1 when
 *       decrease is; d ≥ 0 is at or ahead of the trajectory. For a band [L, U]: d = min(value − L, U −
 *       value) (negative outside the band) and the expected value is the nearest point of the band.
 *   <li><b>Status.</b> Tolerances a ≤ r in units (or % of |g − b|; direction-only: of |b|; band: of its
 *       width): d ≥ −a ON_TRACK; −r ≤ d &lt; −a AT_RISK; d &lt; −r OFF_TRACK. When the value's 95% CI
 *       contains expected(t) (for a band: overlaps the band) and the target allows it, the status is
 *       ON_TRACK, "not significantly off". No observation at or after the baseline: NOT_ENOUGH_DATA.
 *   <li><b>Projection.</b> Straight line of value on t over the observations from the baseline on (at
 *       least 3), weighted least squares with weights 1/SE², SE = (upper95 − lower95)/3.92, when every
 *       point has a CI, ordinary least squares otherwise; ŷ(t₁) with a 95% prediction interval from
 *       Student's t with n − 2 degrees of freedom, variance σ̂²·mean(1/wᵢ) + Var ŷ(t₁); the probability of
 *       meeting the target is P(Y ≥ g) (increase) or P(Y ≤ g) (decrease) under that distribution.
 * </ul>
 *
 * <p>Times are period midpoints ({@link Period#t()}). Pure Java, no I/O.
 */
public final class Trajectory {

  /** Tolerance for comparing times: periods are quarters or months of a year, never this close. */
  private static final double T_EPSILON = 1e-9;

  private final TrajectorySpec spec;
  private final List<TrajectoryPoint> knots;

  public Trajectory(TrajectorySpec spec) {
    this.spec = spec;
    List<TrajectoryPoint> k = new ArrayList<>();
    if (spec.sense() != TrajectorySpec.Sense.WITHIN) {
      k.add(new TrajectoryPoint(spec.baselineT(), spec.baselineValue()));
      k.addAll(spec.milestones());
      k.add(new TrajectoryPoint(spec.targetT(),
          spec.directionOnly() ? spec.baselineValue() : spec.targetValue()));
    }
    this.knots = List.copyOf(k);
  }

  public TrajectorySpec spec() {
    return spec;
  }

  /**
   * The trajectory's defining points: baseline, milestones, target (direction-only: the baseline held to
   * the target period). Empty for a band, whose edges are in the spec.
   */
  public List<TrajectoryPoint> points() {
    return knots;
  }

  /** expected(t): piecewise linear through the points, constant before the first and after the last. */
  public double expected(double t) {
    if (spec.sense() == TrajectorySpec.Sense.WITHIN) {
      throw new IllegalStateException("a band has no single expected value; see evaluate");
    }
    if (t <= knots.get(0).t()) {
      return knots.get(0).value();
    }
    for (int i = 1; i < knots.size(); i++) {
      TrajectoryPoint p = knots.get(i - 1);
      TrajectoryPoint q = knots.get(i);
      if (t <= q.t()) {
        return p.value() + (q.value() - p.value()) * (t - p.t()) / (q.t() - p.t());
      }
    }
    return knots.get(knots.size() - 1).value();
  }

  /** The amber tolerance in units. */
  public double amberUnits() {
    return spec.amber().inUnits(spec.percentBase());
  }

  /** The red tolerance in units. */
  public double redUnits() {
    return spec.red().inUnits(spec.percentBase());
  }

  /**
   * Evaluates the latest observation (the one with the greatest t among those with a value) and projects
   * the series to the target period.
   *
   * @param observations the series, any order; observations without a value are ignored
   */
  public TrajectoryResult evaluate(List<Observation> observations) {
    List<Observation> fromBaseline = observations.stream()
        .filter(o -> o.value() != null && Double.isFinite(o.value()))
        .filter(o -> o.period().t() >= spec.baselineT() - T_EPSILON)
        .sorted(Comparator.comparing(Observation::period))
        .toList();
    if (fromBaseline.isEmpty()) {
      return TrajectoryResult.notEnoughData();
    }
    Observation latest = fromBaseline.stream()
        .max(Comparator.comparingDouble((Observation o) -> o.period().t())
            .thenComparing(Observation::period))
        .orElseThrow();
    double t = latest.period().t();
    double v = latest.value();
    double expected;
    double deviation;
    if (spec.sense() == TrajectorySpec.Sense.WITHIN) {
      expected = Math.min(Math.max(v, spec.bandLower()), spec.bandUpper());
      deviation = Math.min(v - spec.bandLower(), spec.bandUpper() - v);
    } else {
      expected = expected(t);
      deviation = spec.sign() * (v - expected);
    }
    double a = amberUnits();
    double r = redUnits();
    TrajectoryStatus byTolerance = deviation >= -a ? TrajectoryStatus.ON_TRACK
        : deviation >= -r ? TrajectoryStatus.AT_RISK : TrajectoryStatus.OFF_TRACK;

    Double lower = latest.lowerCi95();
    Double upper = latest.upperCi95();
    Boolean notSignificant = null;
    if (lower != null && upper != null) {
      notSignificant = lower <= expected && expected <= upper;
    }
    TrajectoryStatus status = byTolerance;
    if (Boolean.TRUE.equals(notSignificant) && spec.ciCountsAsOnTrack()) {
      status = TrajectoryStatus.ON_TRACK;
    }
    return new TrajectoryResult(status, byTolerance, notSignificant, latest.period(), v, lower, upper,
        expected, deviation, a, r, project(fromBaseline));
  }

  /** The projection to t₁ over the given observations (from the baseline on), or null with fewer than 3. */
  Projection project(List<Observation> fromBaseline) {
    int n = fromBaseline.size();
    if (n < 3) {
      return null;
    }
    double[] t = new double[n];
    double[] y = new double[n];
    Double[] lower = new Double[n];
    Double[] upper = new Double[n];
    for (int i = 0; i < n; i++) {
      Observation o = fromBaseline.get(i);
      t[i] = o.period().t();
      y[i] = o.value();
      lower[i] = o.lowerCi95();
      upper[i] = o.upperCi95();
    }
    if (java.util.Arrays.stream(t).distinct().count() < 2) {
      return null; // every point at the same time: no line
    }
    double[] w = LeastSquares.weightsFromCi95(lower, upper);
    LeastSquares.Fit fit = w != null ? LeastSquares.weighted(t, y, w) : LeastSquares.ordinary(t, y);
    LeastSquares.Prediction p = fit.predictionInterval(spec.targetT(), 0.95);
    return new Projection(p.t(), p.value(), p.lower(), p.upper(), p.standardError(),
        p.degreesOfFreedom(), probabilityOfMeeting(p), n, fit.weighted(), fit.slope());
  }

  /**
   * P(Y ≥ g) for increase, P(Y ≤ g) for decrease (g = b for direction-only), P(L ≤ Y ≤ U) for a band.
   */
  private double probabilityOfMeeting(LeastSquares.Prediction p) {
    return switch (spec.sense()) {
      case INCREASE -> p.probabilityAtLeast(goal());
      case DECREASE -> p.probabilityAtMost(goal());
      case WITHIN -> p.standardError() == 0
          ? (spec.bandLower() <= p.value() && p.value() <= spec.bandUpper() ? 1 : 0)
          : p.probabilityAtMost(spec.bandUpper()) - p.probabilityAtMost(spec.bandLower());
    };
  }

  /** The value to reach: g, or b for a direction-only target. */
  private double goal() {
    return spec.directionOnly() ? spec.baselineValue() : spec.targetValue();
  }
}
