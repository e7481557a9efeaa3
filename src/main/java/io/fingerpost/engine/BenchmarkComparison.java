package io.fingerpost.engine;

import io.fingerpost.model.Polarity;
/**
 * Compares a value with a benchmark (England, the region, any area) the way Fingertips does, and a
 * value with a goal band ("Compared to goal").
 *
 * <p>Method: Fingertips "CI overlapping reference value" comparators, as in fingertips-open
 * {@code PholioVisualisationWS/Analysis/SingleOverlappingCIsForOneCILevelComparer.cs} and
 * {@code SingleOverlappingCIsForTwoCILevelsComparer.cs}:
 * <ul>
 *   <li>one level (95%): the benchmark value inside the area's 95% CI, limits included → Similar;
 *       otherwise the area is higher or lower than the benchmark, which is Better or Worse by
 *       polarity (Higher/Lower when the polarity makes no judgement);</li>
 *   <li>two levels (95% and 99.8%): inside the 95% CI → Similar; between the 95% and 99.8% limits →
 *       Better/Worse; beyond the 99.8% limit → Best/Worst (Higher/Lower for no judgement). Fingertips'
 *       two-level comparer does not flip Best/Worst for low-is-good (only Better/Worse); docs/design.md asks
 *       for the verdict by polarity, so here Best/Worst are flipped like Better/Worse;</li>
 *   <li>no value, no benchmark value, no CI (or, for two levels, no 99.8% CI) or no polarity →
 *       Not compared.</li>
 * </ul>
 * Goal band: fingertips-open {@code RangeTargetComparer.cs}: value below the lower limit, between,
 * at or above the upper limit → for high-is-good Red/Amber/Green, for low-is-good Green/Amber/Red;
 * a goal is a RAG judgement, so without a RAG polarity it is not compared.
 */
public final class BenchmarkComparison {

  private BenchmarkComparison() {}

  /** A comparison outcome, with the word Fingertips shows. */
  public enum Outcome {
    BETTER("Better"),
    SIMILAR("Similar"),
    WORSE("Worse"),
    BEST("Best"),
    WORST("Worst"),
    HIGHER("Higher"),
    LOWER("Lower"),
    NOT_COMPARED("Not compared");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The word as Fingertips shows it ("Better", "Not compared", …). */
    public String label() {
      return label;
    }

    /** Significantly worse than the benchmark (Worse or Worst). */
    public boolean isWorse() {
      return this == WORSE || this == WORST;
    }
  }

  /** Red/Amber/Green against a goal band. */
  public enum Rag {
    RED, AMBER, GREEN, NOT_COMPARED
  }

  /** One-level comparison at 95%. Any argument may be null (→ Not compared). */
  public static Outcome compare95(Double value, Double lower95, Double upper95, Double benchmark,
      Polarity polarity) {
    if (value == null || lower95 == null || upper95 == null || benchmark == null || polarity == null
        || !Double.isFinite(value) || !Double.isFinite(benchmark)) {
      return Outcome.NOT_COMPARED;
    }
    if (benchmark <= upper95 && benchmark >= lower95) {
      return Outcome.SIMILAR;
    }
    return byPolarity(value > benchmark, false, polarity);
  }

  /** Two-level comparison at 95% and 99.8%. Any argument may be null (→ Not compared). */
  public static Outcome compareTwoLevels(Double value, Double lower95, Double upper95, Double lower998,
      Double upper998, Double benchmark, Polarity polarity) {
    if (value == null || lower95 == null || upper95 == null || lower998 == null || upper998 == null
        || benchmark == null || polarity == null) {
      return Outcome.NOT_COMPARED;
    }
    if (benchmark <= upper95 && benchmark >= lower95) {
      return Outcome.SIMILAR;
    }
    boolean beyond998 = benchmark < lower998 || benchmark > upper998;
    return byPolarity(value > benchmark, beyond998, polarity);
  }

  private static Outcome byPolarity(boolean higher, boolean extreme, Polarity polarity) {
    switch (polarity) {
      case HIGH_IS_GOOD:
        return higher ? (extreme ? Outcome.BEST : Outcome.BETTER) : (extreme ? Outcome.WORST : Outcome.WORSE);
      case LOW_IS_GOOD:
        return higher ? (extreme ? Outcome.WORST : Outcome.WORSE) : (extreme ? Outcome.BEST : Outcome.BETTER);
      default:
        return higher ? Outcome.HIGHER : Outcome.LOWER;
    }
  }

  /**
   * Compared to goal: value against the band [lower, upper). A single-value goal is the band with
   * lower = upper.
   */
  public static Rag compareToGoal(Double value, double lower, double upper, Polarity polarity) {
    if (lower > upper) {
      throw new IllegalArgumentException("goal lower limit " + lower + " is above upper limit " + upper);
    }
    if (value == null || polarity == null || polarity == Polarity.NO_JUDGEMENT) {
      return Rag.NOT_COMPARED;
    }
    boolean low = value < lower;
    boolean high = value >= upper;
    if (!low && !high) {
      return Rag.AMBER;
    }
    boolean good = polarity == Polarity.LOW_IS_GOOD ? low : high;
    return good ? Rag.GREEN : Rag.RED;
  }
}
