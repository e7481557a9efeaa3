package io.fingerpost.metrics;

import java.time.Duration;

/**
 * What the indicator-state metrics cover. {@code scope}: {@code monitored} (default) exports the series that
 * have a target, {@code all} adds the latest value of every stored series, {@code none} exports no indicator
 * state. {@code maxSeries} bounds the exported states (targets first, by id); states beyond it are counted in
 * {@code fingerpost_metrics_state_series_dropped}. {@code refreshInterval} is how often the operational gauges
 * read from the database (outbox depth, alerts firing) are refreshed.
 */
public record MetricsSettings(Scope scope, int maxSeries, Duration refreshInterval) {

  public enum Scope { MONITORED, ALL, NONE }

  public static final MetricsSettings DEFAULT = new MetricsSettings(Scope.MONITORED, 100_000, Duration.ofSeconds(15));

  public MetricsSettings {
    if (scope == null) scope = Scope.MONITORED;
    if (maxSeries < 0) throw new IllegalArgumentException("metrics.maxSeries must be >= 0, was " + maxSeries);
    if (refreshInterval == null || refreshInterval.isNegative() || refreshInterval.isZero()) {
      refreshInterval = Duration.ofSeconds(15);
    }
  }
}
