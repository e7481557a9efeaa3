package io.fingerpost.strategy;

/**
 * Where a target stands against its trajectory: the code stored in {@code evaluation.status} (and
 * {@code status_by_tolerance}), shown by the API and numbered by the metrics. The engine's
 * {@link io.fingerpost.engine.TrajectoryStatus} maps one to one; this copy keeps readers of evaluations
 * (alerts, metrics, API) off the engine.
 */
public enum TargetStatus implements Verdict.Coded {
  /** No observation at or after the baseline (or no baseline value): nothing to hold against the trajectory. */
  NOT_ENOUGH_DATA,
  /** At or ahead of the trajectory, or behind it by less than the amber tolerance (or not significantly). */
  ON_TRACK,
  /** Amber: behind by more than the amber tolerance, at most the red one. */
  AT_RISK,
  /** Red: behind by more than the red tolerance. */
  OFF_TRACK;

  /** The code is also the label people read. */
  @Override
  public String label() {
    return name();
  }

  static TargetStatus of(io.fingerpost.engine.TrajectoryStatus s) {
    return s == null ? null : valueOf(s.name());
  }
}
