package io.fingerpost.config;

import io.fingerpost.model.Indicator;
import io.fingerpost.model.Polarity;

/**
 * Metadata a feed gives for an indicator its source does not fully describe (e.g. the tidy files
 * carry no polarity, the Fingertips export no unit). {@code polarity}: HIGH_IS_GOOD, LOW_IS_GOOD,
 * NO_JUDGEMENT (or Fingertips' 1, 0, 99).
 */
public record IndicatorConfig(String id, String name, String unit, String valueType, String polarity) {
  public Indicator toIndicator() {
    return new Indicator(id, name, unit, valueType, Polarity.parse(polarity));
  }
}
