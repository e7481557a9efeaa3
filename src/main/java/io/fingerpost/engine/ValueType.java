package io.fingerpost.engine;

import java.util.Locale;

/**
 * The kind of number a series holds, as far as the methods care (Fingertips value types: proportion,
 * crude rate, directly standardised rate, ratio; everything else is OTHER).
 */
public enum ValueType {
  PROPORTION,
  CRUDE_RATE,
  DSR,
  RATIO,
  OTHER;

  /**
   * Parses the command-line forms ({@code proportion|crude-rate|dsr|ratio|other}) and Fingertips'
   * names ({@code Proportion}, {@code Crude rate}, {@code Directly standardised rate}, …).
   */
  public static ValueType parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing value type");
    }
    String s = text.trim().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
    switch (s) {
      case "proportion":
        return PROPORTION;
      case "crude rate":
        return CRUDE_RATE;
      case "dsr":
      case "directly standardised rate":
      case "directly standardized rate":
        return DSR;
      case "ratio":
        return RATIO;
      case "other":
        return OTHER;
      default:
        if (s.contains("ratio")) {
          return RATIO;
        }
        throw new IllegalArgumentException(
            "value type '" + text + "' is not one of proportion, crude-rate, dsr, ratio, other");
    }
  }
}
