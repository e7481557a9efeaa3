package io.fingerpost.alert;

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
  public record OffTrajectory(boolean enabled, boolean warnOnAtRisk) {}

  /**
   * Projected miss with hysteresis: fires when the probability of meeting the target falls to
   * {@code fireAtOrBelow}, resolves when it reaches {@code resolveAtOrAbove}; in between the alert keeps
   * its state.
   */
  public record ProjectedMiss(
      boolean enabled, Severity severity, double fireAtOrBelow, double resolveAtOrAbove) {
    public ProjectedMiss {
      if (!(fireAtOrBelow >= 0 && fireAtOrBelow < resolveAtOrAbove && resolveAtOrAbove <= 1)) {
        throw new IllegalArgumentException(
            "projectedMiss needs 0 <= fireAtOrBelow < resolveAtOrAbove <= 1");
      }
    }
  }

  public record Simple(boolean enabled, Severity severity) {}

  /**
   * Worse than benchmark: {@code benchmark} is {@code england} or {@code region}; "Worst" (beyond the
   * 99.8% limits) takes {@code worstSeverity}.
   */
  public record Benchmark(
      boolean enabled, Severity severity, Severity worstSeverity, String benchmark) {
    public Benchmark {
      if (!"england".equals(benchmark) && !"region".equals(benchmark)) {
        throw new IllegalArgumentException(
            "worseThanBenchmark.benchmark must be 'england' or 'region', not '" + benchmark + "'");
      }
    }
  }

  /** Feed stale or failing; {@code staleAfter} is the default cadence when a feed names none. */
  public record Feed(boolean enabled, Severity severity, Duration staleAfter) {}
}
