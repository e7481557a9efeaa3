package io.fingerpost.engine;

import io.fingerpost.model.Period;

/**
 * The verdict of {@link Trajectory#evaluate} on the latest observation. For NOT_ENOUGH_DATA every
 * field but {@code status} is null.
 *
 * @param status the status, after the "not significantly off" rule
 * @param statusByTolerance the status from the deviation and tolerances alone
 * @param notSignificant true when the 95% CI contains expected(t) (the difference is not statistically
 *     significant), false when it does not, null when the value has no CI
 * @param period the latest period evaluated
 * @param value its value
 * @param lowerCi95 its lower 95% limit (null when none)
 * @param upperCi95 its upper 95% limit (null when none)
 * @param expected expected(t) on the trajectory (for a band: the nearest acceptable value)
 * @param deviation d = s·(value − expected); d ≥ 0 is at or ahead of the trajectory
 * @param amberTolerance a, in units
 * @param redTolerance r, in units
 * @param projection projection to the target period, null with fewer than 3 points from the baseline on
 */
public record TrajectoryResult(
    TrajectoryStatus status,
    TrajectoryStatus statusByTolerance,
    Boolean notSignificant,
    Period period,
    Double value,
    Double lowerCi95,
    Double upperCi95,
    Double expected,
    Double deviation,
    Double amberTolerance,
    Double redTolerance,
    Projection projection) {

  static TrajectoryResult notEnoughData() {
    return new TrajectoryResult(TrajectoryStatus.NOT_ENOUGH_DATA, TrajectoryStatus.NOT_ENOUGH_DATA,
        null, null, null, null, null, null, null, null, null, null);
  }
}
