package io.fingerpost.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.fingerpost.config.ConfigException;
import io.fingerpost.config.ConfigLoader;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;

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

  /**
   * The {@code metrics} section of the config file ({@code file} names it in errors): keys {@code scope}
   * (monitored | all | none), {@code maxSeries} (integer >= 0), {@code refreshInterval} (e.g. 15s). Absent: the
   * defaults. Unknown keys and bad values are errors naming the key.
   */
  public static MetricsSettings from(JsonNode section, String file) {
    if (section == null || section.isNull() || section.isMissingNode()) return DEFAULT;
    if (!section.isObject()) throw new ConfigException(file + ": metrics: must be a mapping");
    for (Iterator<String> keys = section.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.equals("scope") && !key.equals("maxSeries") && !key.equals("refreshInterval")) {
        throw new ConfigException(file + ": metrics." + key + ": unknown key (expected scope, maxSeries, refreshInterval)");
      }
    }
    Scope scope = DEFAULT.scope();
    if (section.hasNonNull("scope")) {
      String text = section.get("scope").asText().trim().toUpperCase(Locale.ROOT);
      try {
        scope = Scope.valueOf(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file + ": metrics.scope: '" + section.get("scope").asText()
            + "' is not one of monitored, all, none");
      }
    }
    int maxSeries = DEFAULT.maxSeries();
    if (section.hasNonNull("maxSeries")) {
      JsonNode n = section.get("maxSeries");
      if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
        throw new ConfigException(file + ": metrics.maxSeries: '" + n.asText() + "' is not a whole number >= 0");
      }
      maxSeries = n.intValue();
    }
    Duration refresh = DEFAULT.refreshInterval();
    if (section.hasNonNull("refreshInterval")) {
      try {
        refresh = ConfigLoader.parseDuration(section.get("refreshInterval").asText());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file + ": metrics.refreshInterval: " + e.getMessage());
      }
      if (refresh.isNegative() || refresh.isZero()) {
        throw new ConfigException(file + ": metrics.refreshInterval: must be longer than zero");
      }
    }
    return new MetricsSettings(scope, maxSeries, refresh);
  }

  public MetricsSettings {
    if (scope == null) scope = Scope.MONITORED;
    if (maxSeries < 0) throw new IllegalArgumentException("metrics.maxSeries must be >= 0, was " + maxSeries);
    if (refreshInterval == null || refreshInterval.isNegative() || refreshInterval.isZero()) {
      refreshInterval = Duration.ofSeconds(15);
    }
  }
}
