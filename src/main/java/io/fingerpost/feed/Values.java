package io.fingerpost.feed;

/** Parsing of the numbers feeds carry. */
final class Values {
  private Values() {}

  /**
   * Blank is null (the source has no value); anything else must be a finite decimal number.
   *
   * @throws IllegalArgumentException naming the column and the text
   */
  static Double number(String text, String column) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    double d;
    try {
      d = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " '" + text + "' is not a number");
    }
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(column + " '" + text + "' is not a finite number");
    }
    return d;
  }
}
