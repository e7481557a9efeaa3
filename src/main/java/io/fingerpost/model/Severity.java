package io.fingerpost.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Severity label: amber → warning, red → critical. Ordered from least to most severe. */
public enum Severity {
  WARNING,
  CRITICAL;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Severity fromLabel(String label) {
    for (Severity s : values()) {
      if (s.label().equalsIgnoreCase(label.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException("severity must be 'warning' or 'critical', not '" + label + "'");
  }
}
