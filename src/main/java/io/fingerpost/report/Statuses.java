package io.fingerpost.report;

import java.util.List;
import java.util.Locale;

/**
 * How a status reads and looks: a word, a shape and a colour, so it is told apart without colour too
 * (Okabe-Ito palette, colour-blind safe: Okabe &amp; Ito 2008, "Color Universal Design").
 */
final class Statuses {
  private Statuses() {}

  /** API status names, worst first (the table's default order). */
  static final List<String> ORDER = List.of("OFF_TRACK", "AT_RISK", "ON_TRACK", "NOT_ENOUGH_DATA", "PENDING",
      "NO_DATA");

  /** Okabe-Ito colours. */
  static final String VERMILLION = "#D55E00";
  static final String ORANGE = "#E69F00";
  static final String GREEN = "#009E73";
  static final String BLUE = "#0072B2";
  static final String SKY = "#56B4E9";
  static final String PURPLE = "#CC79A7";
  static final String GREY = "#999999";
  static final String BLACK = "#000000";

  static String label(String status) {
    return switch (status) {
      case "ON_TRACK" -> "On track";
      case "AT_RISK" -> "At risk";
      case "OFF_TRACK" -> "Off track";
      case "NOT_ENOUGH_DATA" -> "Not enough data";
      case "PENDING" -> "Pending";
      case "NO_DATA" -> "No data";
      default -> status.toLowerCase(Locale.ROOT);
    };
  }

  /** The CSS class of the status' shape: circle (on track), triangle (at risk), square (off track), ring. */
  static String shape(String status) {
    return switch (status) {
      case "ON_TRACK" -> "s-on";
      case "AT_RISK" -> "s-risk";
      case "OFF_TRACK" -> "s-off";
      default -> "s-none";
    };
  }

  static int order(String status) {
    int i = ORDER.indexOf(status);
    return i < 0 ? ORDER.size() : i;
  }

  /** The colour of a comparison verdict code (Fingertips' better/similar/worse, in Okabe-Ito). */
  static String comparisonColour(String code) {
    if (code == null) {
      return GREY;
    }
    return switch (code) {
      case "BETTER", "BEST" -> BLUE;
      case "WORSE", "WORST" -> VERMILLION;
      case "SIMILAR" -> ORANGE;
      case "HIGHER", "LOWER" -> SKY;
      default -> GREY;
    };
  }
}
