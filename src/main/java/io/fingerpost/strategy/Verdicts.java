package io.fingerpost.strategy;

import io.fingerpost.engine.BenchmarkComparison;
import io.fingerpost.engine.RecentTrend;
import io.fingerpost.engine.Spc;
import io.fingerpost.model.Polarity;
import java.util.Locale;

/**
 * The engine's categorical verdicts on a target's series at its latest period, each a {@link Verdict}: a code
 * from the enums below and its label. Any may be null (not computed: no benchmark series, too few points).
 * The enums are the evaluation contract: alerts, metrics and the API branch on them, never on labels.
 */
public record Verdicts(
    Verdict<Comparison> comparedToEngland,
    Verdict<Comparison> comparedToRegion,
    Verdict<Trend> recentTrend,
    Verdict<SpcPoint> spcPointType,
    Verdict<Assurance> spcAssurance) {

  public static final Verdicts NONE = new Verdicts(null, null, null, null, null);

  /** Comparison with a benchmark (Fingertips' words as labels). */
  public enum Comparison implements Verdict.Coded {
    BEST("Best"), BETTER("Better"), SIMILAR("Similar"), HIGHER("Higher"), LOWER("Lower"), WORSE("Worse"),
    WORST("Worst"), NOT_COMPARED("Not compared");

    private final String label;

    Comparison(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }

    public static Comparison of(BenchmarkComparison.Outcome o) {
      return valueOf(o.name());
    }
  }

  /** Fingertips' recent trend: the marker and, where the polarity judges, better or worse. */
  public enum Trend implements Verdict.Coded {
    INCREASING_GETTING_BETTER("Increasing and getting better"),
    INCREASING_GETTING_WORSE("Increasing and getting worse"),
    INCREASING("Increasing"),
    DECREASING_GETTING_BETTER("Decreasing and getting better"),
    DECREASING_GETTING_WORSE("Decreasing and getting worse"),
    DECREASING("Decreasing"),
    NO_SIGNIFICANT_CHANGE("No significant change"),
    CANNOT_BE_CALCULATED("Cannot be calculated");

    private final String label;

    Trend(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }

    public boolean gettingWorse() {
      return this == INCREASING_GETTING_WORSE || this == DECREASING_GETTING_WORSE;
    }

    public boolean gettingBetter() {
      return this == INCREASING_GETTING_BETTER || this == DECREASING_GETTING_BETTER;
    }

    /** The verdict for the engine's marker under a polarity (as RecentTrend.label words it). */
    public static Trend of(RecentTrend.Marker marker, Polarity polarity) {
      boolean judged = polarity == Polarity.HIGH_IS_GOOD || polarity == Polarity.LOW_IS_GOOD;
      return switch (marker) {
        case CANNOT_BE_CALCULATED -> CANNOT_BE_CALCULATED;
        case NO_CHANGE -> NO_SIGNIFICANT_CHANGE;
        case INCREASING -> !judged ? INCREASING
            : polarity == Polarity.HIGH_IS_GOOD ? INCREASING_GETTING_BETTER : INCREASING_GETTING_WORSE;
        case DECREASING -> !judged ? DECREASING
            : polarity == Polarity.HIGH_IS_GOOD ? DECREASING_GETTING_WORSE : DECREASING_GETTING_BETTER;
      };
    }
  }

  /** SPC type of the latest point (NHSRplotthedots' names as labels, e.g. {@code special_cause_concern}). */
  public enum SpcPoint implements Verdict.Coded {
    SPECIAL_CAUSE_IMPROVEMENT, SPECIAL_CAUSE_CONCERN, SPECIAL_CAUSE_NEUTRAL_HIGH, SPECIAL_CAUSE_NEUTRAL_LOW,
    COMMON_CAUSE;

    @Override
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static SpcPoint of(Spc.PointType t) {
      return valueOf(t.name());
    }
  }

  /** SPC assurance against the target (NHSRplotthedots' names as labels, e.g. {@code consistent_fail}). */
  public enum Assurance implements Verdict.Coded {
    CONSISTENT_PASS, CONSISTENT_FAIL, INCONSISTENT;

    @Override
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Assurance of(Spc.Assurance a) {
      return valueOf(a.name());
    }
  }

  /** The code a verdict column reads back as ({@code *_code}); null for null. */
  static <E extends Enum<E> & Verdict.Coded> Verdict<E> read(Class<E> type, String code, String label) {
    return code == null ? null : new Verdict<>(Enum.valueOf(type, code), label);
  }
}
