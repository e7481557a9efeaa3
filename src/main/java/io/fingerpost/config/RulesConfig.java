package io.fingerpost.config;

import io.fingerpost.model.Severity;
import java.time.Duration;

/**
 * Switches and thresholds of each rule ({@code alerts.rules} in the config). Every rule is on by default;
 * a missing section takes {@link #defaults()}.
 */
public record RulesConfig(
    OffTrajectory offTrajectory,
    ProjectedMiss projectedMiss,
    Simple specialCause,
    Benchmark worseThanBenchmark,
    Simple trendGettingWorse,
    Simple gapWidening,
    Feed feedStale) {

  private static final OffTrajectory OFF_TRAJECTORY = new OffTrajectory(true, true);
  private static final ProjectedMiss PROJECTED_MISS = new ProjectedMiss(true, Severity.WARNING, 0.1, 0.5);
  private static final Simple WARNING_ON = new Simple(true, Severity.WARNING);
  private static final Benchmark BENCHMARK =
      new Benchmark(true, Severity.WARNING, Severity.CRITICAL, "england");
  private static final Feed FEED = new Feed(true, Severity.WARNING, Duration.ofDays(2));

  /** A missing section takes its default. */
  public RulesConfig {
    offTrajectory = offTrajectory == null ? OFF_TRAJECTORY : offTrajectory;
    projectedMiss = projectedMiss == null ? PROJECTED_MISS : projectedMiss;
    specialCause = specialCause == null ? WARNING_ON : specialCause;
    worseThanBenchmark = worseThanBenchmark == null ? BENCHMARK : worseThanBenchmark;
    trendGettingWorse = trendGettingWorse == null ? WARNING_ON : trendGettingWorse;
    gapWidening = gapWidening == null ? WARNING_ON : gapWidening;
    feedStale = feedStale == null ? FEED : feedStale;
  }

  public static RulesConfig defaults() {
    return new RulesConfig(null, null, null, null, null, null, null);
  }

  /**
   * Off trajectory: AT_RISK (amber) fires a warning, OFF_TRACK (red) a critical alert.
   *
   * @param warnOnAtRisk when false only OFF_TRACK fires
   */
  public record OffTrajectory(Boolean enabled, Boolean warnOnAtRisk) {
    public OffTrajectory {
      enabled = enabled == null || enabled;
      warnOnAtRisk = warnOnAtRisk == null || warnOnAtRisk;
    }
  }

  /**
   * Projected miss with hysteresis: fires when the probability of meeting the target falls to
   * {@code fireAtOrBelow} (default 0.1), resolves when it reaches {@code resolveAtOrAbove} (default 0.5,
   * the projection meets the target); in between the alert keeps its state.
   */
  public record ProjectedMiss(
      Boolean enabled, Severity severity, Double fireAtOrBelow, Double resolveAtOrAbove) {
    public ProjectedMiss {
      enabled = enabled == null || enabled;
      severity = severity == null ? Severity.WARNING : severity;
      fireAtOrBelow = fireAtOrBelow == null ? 0.1 : fireAtOrBelow;
      resolveAtOrAbove = resolveAtOrAbove == null ? 0.5 : resolveAtOrAbove;
      if (!(fireAtOrBelow >= 0 && fireAtOrBelow < resolveAtOrAbove && resolveAtOrAbove <= 1)) {
        throw new IllegalArgumentException(
            "needs 0 <= fireAtOrBelow < resolveAtOrAbove <= 1");
      }
    }
  }

  /** A rule with only a switch and a severity (default on, warning). */
  public record Simple(Boolean enabled, Severity severity) {
    public Simple {
      enabled = enabled == null || enabled;
      severity = severity == null ? Severity.WARNING : severity;
    }
  }

  /**
   * Worse than benchmark: {@code benchmark} is {@code england} (default) or {@code region}; "Worst"
   * (beyond the 99.8% limits) takes {@code worstSeverity} (default critical).
   */
  public record Benchmark(
      Boolean enabled, Severity severity, Severity worstSeverity, String benchmark) {
    public Benchmark {
      enabled = enabled == null || enabled;
      severity = severity == null ? Severity.WARNING : severity;
      worstSeverity = worstSeverity == null ? Severity.CRITICAL : worstSeverity;
      benchmark = benchmark == null ? "england" : benchmark;
      if (!"england".equals(benchmark) && !"region".equals(benchmark)) {
        throw new IllegalArgumentException(
            "benchmark must be 'england' or 'region', not '" + benchmark + "'");
      }
    }
  }

  /**
   * Feed stale or failing: fires when a feed's poll fails, or when it has not succeeded for
   * {@code staleAfter} (default 2 days); resolves on the next success.
   */
  public record Feed(Boolean enabled, Severity severity, Duration staleAfter) {
    public Feed {
      enabled = enabled == null || enabled;
      severity = severity == null ? Severity.WARNING : severity;
      staleAfter = staleAfter == null ? Duration.ofDays(2) : staleAfter;
    }
  }
}
