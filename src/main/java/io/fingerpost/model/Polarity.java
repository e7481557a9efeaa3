package io.fingerpost.model;

import java.util.Locale;

/**
 * Which direction of an indicator is good. Fingertips codes polarity as 1 (high is good), 0 (low is
 * good) and 99 or -1 (no judgement); {@link #parse} accepts those codes and the names.
 */
public enum Polarity {
  HIGH_IS_GOOD,
  LOW_IS_GOOD,
  NO_JUDGEMENT;

  /**
   * Parses a polarity name or Fingertips code; null or blank gives null.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Polarity parse(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String v = s.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    switch (v) {
      case "1":
      case "HIGH_IS_GOOD":
      case "RAG_HIGH_IS_GOOD":
        return HIGH_IS_GOOD;
      case "0":
      case "LOW_IS_GOOD":
      case "RAG_LOW_IS_GOOD":
        return LOW_IS_GOOD;
      case "99":
      case "_1":
      case "NO_JUDGEMENT":
      case "BOB_LOWER_IS_BETTER_NO_JUDGEMENT":
      case "NOT_APPLICABLE":
        return NO_JUDGEMENT;
      default:
        throw new IllegalArgumentException(
            "polarity '" + s + "' is not one of HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT (or 1, 0, 99, -1)");
    }
  }
}
