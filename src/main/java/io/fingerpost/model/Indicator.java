package io.fingerpost.model;

import java.util.Objects;

/**
 * What an indicator is: id (the Fingertips indicator id where there is one), name, unit, value type
 * and polarity. Parts a source does not give are null (the store keeps what it already knows).
 */
public record Indicator(String id, String name, String unit, String valueType, Polarity polarity) {
  public Indicator {
    Objects.requireNonNull(id, "id");
  }
}
