package io.fingerpost.engine;

import java.util.Locale;

/**
 * Which direction of an indicator is good, as Fingertips publishes it (its polarity ids: 1 high is
 * good, 0 low is good, 99 and -1 no judgement). See DESIGN.md "The data".
 */
public enum Polarity {
  HIGH_IS_GOOD,
  LOW_IS_GOOD,
  NO_JUDGEMENT;

  /**
   * Parses {@code high-is-good}, {@code HIGH_IS_GOOD}, {@code "High is good"}, {@code RAG - High is
   * good}, Fingertips ids {@code 1}, {@code 0}, {@code 99}, {@code -1}, and the no-judgement forms
   * ({@code no-judgement}, {@code "No judgement"}, {@code BOB}, {@code Not applicable}).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Polarity parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing polarity");
    }
    if (text.trim().equals("-1")) {
      return NO_JUDGEMENT;
    }
    String s = text.trim().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
    s = s.replaceAll("\\s+", " ");
    switch (s) {
      case "1":
      case "high is good":
      case "rag high is good":
        return HIGH_IS_GOOD;
      case "0":
      case "low is good":
      case "rag low is good":
        return LOW_IS_GOOD;
      case "99":
      case "no judgement":
      case "nojudgement":
      case "not applicable":
      case "bob":
      case "blue orange blue":
        return NO_JUDGEMENT;
      default:
        throw new IllegalArgumentException("polarity '" + text
            + "' is not one of high-is-good, low-is-good, no-judgement (or Fingertips ids 1, 0, 99, -1)");
    }
  }
}
