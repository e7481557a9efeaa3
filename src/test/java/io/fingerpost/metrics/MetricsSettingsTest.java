package io.fingerpost.metrics;

import io.fingerpost.config.MetricsSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fingerpost.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code metrics} config section: defaults, values, and errors that name the file and key. */
class MetricsSettingsTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static MetricsSettings parse(String yaml) throws Exception {
    return MetricsSettings.from(YAML.readTree(yaml).get("metrics"), "config.yaml");
  }

  @Test
  void defaultsAndValues() throws Exception {
    assertEquals(MetricsSettings.DEFAULT, MetricsSettings.from(null, "config.yaml"));
    assertEquals(new MetricsSettings(MetricsSettings.Scope.ALL, 500, Duration.ofMinutes(1)),
        parse("metrics: {scope: all, maxSeries: 500, refreshInterval: 1m}"));
    assertEquals(MetricsSettings.Scope.NONE, parse("metrics: {scope: None}").scope());
  }

  @Test
  void badValuesNameFileAndKey() {
    for (String[] c : new String[][] {
        {"metrics: {scope: every}", "config.yaml: metrics.scope: 'every' is not one of monitored, all, none"},
        {"metrics: {maxSeries: -1}", "config.yaml: metrics.maxSeries: '-1' is not a whole number >= 0"},
        {"metrics: {maxSeries: lots}", "config.yaml: metrics.maxSeries: 'lots' is not a whole number >= 0"},
        {"metrics: {refreshInterval: soon}", "config.yaml: metrics.refreshInterval: 'soon' is not a duration"},
        {"metrics: {refreshInterval: 0s}", "config.yaml: metrics.refreshInterval: must be longer than zero"},
        {"metrics: {labels: all}", "config.yaml: metrics.labels: unknown key"}}) {
      ConfigException e = assertThrows(ConfigException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), e.getMessage());
    }
  }

  @Test
  void everyBadValueIsReportedAtOnce() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("metrics: {scope: every, maxSeries: lots, refreshInterval: soon, labels: all}"));
    assertEquals(java.util.List.of(
        "config.yaml: metrics.scope: 'every' is not one of monitored, all, none",
        "config.yaml: metrics.maxSeries: 'lots' is not a whole number >= 0",
        "config.yaml: metrics.refreshInterval: 'soon' is not a duration (e.g. 500ms, 30s, 5m, 1h, 1d, PT1H)",
        "config.yaml: metrics.labels: unknown key 'labels' (known keys: maxSeries, refreshInterval, scope)"),
        e.getMessage().lines().toList());
  }
}
