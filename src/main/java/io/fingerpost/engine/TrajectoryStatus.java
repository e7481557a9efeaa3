package io.fingerpost.engine;

/** Where the latest value stands against its trajectory (docs/design.md "Trajectory method, precisely"). */
public enum TrajectoryStatus {
  /** d ≥ −amber, or the 95% CI contains the expected value and the target allows it. */
  ON_TRACK,
  /** −red ≤ d < −amber (amber). */
  AT_RISK,
  /** d < −red (red). */
  OFF_TRACK,
  /** No observation at or after the baseline. */
  NOT_ENOUGH_DATA
}
