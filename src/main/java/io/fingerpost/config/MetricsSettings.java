package io.fingerpost.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code metrics} section: what the indicator-state metrics cover. {@code scope}: {@code monitored}
 * (default) exports the series that have a target, {@code all} adds the latest value of every stored
 * series, {@code none} exports no indicator state. {@code maxSeries} (default 100000) bounds the exported
 * states (targets first, by id); states beyond it are counted in
 * {@code fingerpost_metrics_state_series_dropped}. {@code refreshInterval} (default 15s) is how often the
 * operational gauges read from the database (outbox depth, alerts firing) are refreshed.
 */
public record MetricsSettings(Scope scope, int maxSeries, Duration refreshInterval) {

  public enum Scope {
    MONITORED, ALL, NONE;

    @JsonCreator
    static Scope of(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + text + "' is not one of monitored, all, none");
      }
    }
  }

  public static final MetricsSettings DEFAULT = new MetricsSettings(Scope.MONITORED, 100_000, Duration.ofSeconds(15));

  public MetricsSettings {
    if (scope == null) scope = Scope.MONITORED;
    if (maxSeries < 0) throw new IllegalArgumentException("metrics.maxSeries must be >= 0, was " + maxSeries);
    if (refreshInterval == null) refreshInterval = DEFAULT.refreshInterval;
  }

  /** From the config file: a key left out takes its default. */
  @JsonCreator
  static MetricsSettings bind(@JsonProperty("scope") Scope scope,
      @JsonProperty("maxSeries") @JsonDeserialize(using = WholeNumber.class) Integer maxSeries,
      @JsonProperty("refreshInterval") Duration refreshInterval) {
    return new MetricsSettings(scope, maxSeries == null ? DEFAULT.maxSeries : maxSeries, refreshInterval);
  }

  /**
   * The {@code metrics} section read on its own ({@code file} names it in errors); absent: the defaults.
   * Every unknown key and bad value is reported at once, naming the key.
   */
  public static MetricsSettings from(JsonNode section, String file) {
    if (section == null || section.isNull() || section.isMissingNode()) return DEFAULT;
    return ConfigLoader.bindSection(section, "/metrics", MetricsSettings.class, file,
        (settings, problems) -> settings.check(problems));
  }

  void check(Problems problems) {
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      problems.add("/metrics/refreshInterval", "must be longer than zero");
    }
  }

  /** A whole number >= 0, written as a number. */
  static final class WholeNumber extends StdScalarDeserializer<Integer> {
    WholeNumber() {
      super(Integer.class);
    }

    @Override
    public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
          && p.getIntValue() >= 0) {
        return p.getIntValue();
      }
      String text = p.currentToken().isScalarValue() ? p.getText() : p.currentToken() == JsonToken.START_ARRAY
          ? "a list" : "a mapping";
      Problems.report(ctxt, p, "'" + text + "' is not a whole number >= 0");
      p.skipChildren();
      return null;
    }
  }
}
