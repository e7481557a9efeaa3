package io.fingerpost.config;

import io.fingerpost.model.Indicator;
import io.fingerpost.model.Polarity;

/**
 * Metadata a feed gives for an indicator its source does not fully describe (e.g. the tidy files
 * carry no polarity, the Fingertips export no unit). {@code polarity}: HIGH_IS_GOOD, LOW_IS_GOOD,
 * NO_JUDGEMENT (or Fingertips' 1, 0, 99). A {@code fingertips-api} feed also takes a bare id ({@code indicators:
 * [90366, 92901]}); a value given here overrides the API's metadata, and the override is shown by the API.
 */
public record IndicatorConfig(String id, String name, String unit, String valueType, String polarity) {

  @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
  public IndicatorConfig {
  }

  /** A bare indicator id ({@code "90366"}): no metadata of its own. */
  @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
  public static IndicatorConfig ofId(String id) {
    return new IndicatorConfig(id, null, null, null, null);
  }

  /** A bare indicator id written as a number ({@code 90366}). */
  @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
  public static IndicatorConfig ofId(long id) {
    return ofId(String.valueOf(id));
  }

  /** The values this entry sets (field name to value), e.g. {@code {polarity: LOW_IS_GOOD}}. */
  public java.util.Map<String, String> given() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    if (name != null) {
      m.put("name", name);
    }
    if (unit != null) {
      m.put("unit", unit);
    }
    if (valueType != null) {
      m.put("valueType", valueType);
    }
    if (polarity != null) {
      m.put("polarity", Polarity.parse(polarity).name());
    }
    return m;
  }

  public Indicator toIndicator() {
    return new Indicator(id, name, unit, valueType, Polarity.parse(polarity));
  }
}
