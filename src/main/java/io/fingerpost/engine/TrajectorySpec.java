package io.fingerpost.engine;

import io.fingerpost.model.Period;

import java.util.List;
import java.util.Objects;

/**
 * A target reduced to numbers, ready for {@link Trajectory}: every period is already its time t (the
 * period's midpoint in years, see {@link Period#t()}) and every looked-up value (the baseline's
 * published value, a benchmark's value, a relative change) is already resolved.
 *
 * @param sense which way is improvement, or a band to stay within
 * @param baselineT t₀, the time of the baseline period
 * @param baselineValue b; may be null only for a band (then percentages refer to the band's width)
 * @param targetT t₁, the time of the target period (for direction-only and band targets: the end of the
 *     horizon, where the projection is made)
 * @param targetValue g; null for a direction-only target and for a band
 * @param milestones intermediate points (tᵢ, vᵢ) strictly between t₀ and t₁, in time order; empty for none
 * @param amber amber tolerance a
 * @param red red tolerance r (a ≤ r once both are in units)
 * @param ciCountsAsOnTrack whether a value whose 95% CI contains expected(t) counts as ON_TRACK
 * @param bandLower lower edge of the band (band targets only)
 * @param bandUpper upper edge of the band (band targets only)
 */
public record TrajectorySpec(
    Sense sense,
    double baselineT,
    Double baselineValue,
    double targetT,
    Double targetValue,
    List<TrajectoryPoint> milestones,
    Tolerance amber,
    Tolerance red,
    boolean ciCountsAsOnTrack,
    Double bandLower,
    Double bandUpper) {

  /** Which way is improvement. */
  public enum Sense {
    /** Higher values are better: s = +1. */
    INCREASE,
    /** Lower values are better: s = −1. */
    DECREASE,
    /** Stay inside [bandLower, bandUpper]. */
    WITHIN
  }

  public TrajectorySpec {
    Objects.requireNonNull(sense, "sense");
    Objects.requireNonNull(amber, "amber");
    Objects.requireNonNull(red, "red");
    milestones = milestones == null ? List.of() : List.copyOf(milestones);
    if (!(targetT > baselineT)) {
      throw new IllegalArgumentException("the target period must come after the baseline period");
    }
    if (sense == Sense.WITHIN) {
      if (bandLower == null || bandUpper == null || bandLower > bandUpper) {
        throw new IllegalArgumentException("a band needs lower ≤ upper");
      }
      if (targetValue != null || !milestones.isEmpty()) {
        throw new IllegalArgumentException("a band has no target value or milestones");
      }
    } else {
      Objects.requireNonNull(baselineValue, "baselineValue");
      if (targetValue == null && !milestones.isEmpty()) {
        throw new IllegalArgumentException("milestones need a target value");
      }
    }
    double previous = baselineT;
    for (TrajectoryPoint m : milestones) {
      if (!(m.t() > previous) || !(m.t() < targetT)) {
        throw new IllegalArgumentException(
            "milestones must lie strictly between the baseline and the target, in time order");
      }
      previous = m.t();
    }
  }

  /** A direction-only target: no target value, the trajectory is the baseline. */
  public boolean directionOnly() {
    return sense != Sense.WITHIN && targetValue == null;
  }

  /** s in d = s·(value − expected): +1 when increase is improvement, −1 when decrease is. */
  public int sign() {
    return sense == Sense.DECREASE ? -1 : 1;
  }

  /**
   * What a percentage tolerance is a percentage of: |g − b|, for direction-only |b|, for a band its
   * width (or, for a zero-width band, |lower|).
   */
  public double percentBase() {
    if (sense == Sense.WITHIN) {
      double width = bandUpper - bandLower;
      return width > 0 ? width : Math.abs(bandLower);
    }
    return directionOnly() ? Math.abs(baselineValue) : Math.abs(targetValue - baselineValue);
  }
}
