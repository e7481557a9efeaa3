package io.fingerpost.alert;

import java.util.Locale;

/** Severity label: amber → warning, red → critical. Ordered from least to most severe. */
public enum Severity {
  WARNING,
  CRITICAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }
}
