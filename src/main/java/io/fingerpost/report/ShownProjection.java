package io.fingerpost.report;

import io.fingerpost.engine.ValueType;
import io.fingerpost.model.Period;
import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.StoredEvaluation;
import java.util.Locale;

/**
 * What the report pages show of a target's projection (issue 11, "projections of old series"). The evaluation
 * keeps the straight-line fit as computed (the API and the CLI show it, so it can be checked by hand); a page
 * read by people applies two rules to it:
 *
 * <ul>
 *   <li><b>Range.</b> The value and its 95% prediction interval are held to what the value type can take: rates,
 *       counts, ratios, percentages of a reference (such as excess mortality), years: ≥ 0; proportions in %:
 *       0–100. A straight line does not know that a rate cannot be negative (e.g. a rate projected to
 *       -475.7 [-1536, 584.9]); Fingertips' own intervals for these types (Byar's for rates, Wilson's for
 *       proportions, as PHEindicatormethods computes them) never leave that range either. The probability of
 *       meeting the target is unchanged by this: a goal lies inside the range, so the mass beyond an edge
 *       counts on the same side of the goal whether it is piled at the edge or not.
 *   <li><b>Horizon.</b> No projection further than {@link #MAX_LEAD_YEARS} years beyond the latest value: the
 *       longest horizon of the bundled strategy (2023–2033). A series that ended years before its strategy
 *       began (the older extracts, ending 2015–2018, against 2028–2033 targets) says nothing a line can carry
 *       that far: the page says "too far to project" instead of a number and a probability.
 * </ul>
 */
final class ShownProjection {
  private ShownProjection() {}

  /** The longest lead, from the latest value's period to the target period, that the pages project over. */
  static final double MAX_LEAD_YEARS = 10;

  /** The projection as shown: numbers (clamped), or a note instead of them; {@code clamped} when held to range. */
  record Shown(Double value, Double lower, Double upper, Double probability, String note, boolean clamped) {
    static final Shown NONE = new Shown(null, null, null, null, null, false);

    boolean tooFar() {
      return note != null;
    }
  }

  static Shown of(Report.TargetRow row) {
    StoredEvaluation c = row.state().current();
    if (c == null) {
      return Shown.NONE;
    }
    return of(c.evaluation(), row.state().target().targetPeriod(), row.valueType(), row.unit());
  }

  static Shown of(Evaluation e, String targetPeriod, String valueType, String unit) {
    Evaluation.Projection p = e.projection();
    if (p == null || p.value() == null) {
      return Shown.NONE;
    }
    Double lead = lead(e.periodT(), targetPeriod);
    if (lead != null && lead > MAX_LEAD_YEARS) {
      return new Shown(null, null, null, null, String.format(Locale.UK,
          "too far to project (%.0f years beyond the latest value)", lead), false);
    }
    double[] range = range(valueType, unit);
    Double value = clamp(p.value(), range);
    Double lower = clamp(p.lower(), range);
    Double upper = clamp(p.upper(), range);
    boolean clamped = !value.equals(p.value()) || !same(lower, p.lower()) || !same(upper, p.upper());
    return new Shown(value, lower, upper, p.probabilityOfMeeting(), null, clamped);
  }

  /** Years from the latest value's period to the target period (midpoints), or null when either is unknown. */
  static Double lead(Double latestT, String targetPeriod) {
    if (latestT == null || targetPeriod == null) {
      return null;
    }
    try {
      return Period.parse(targetPeriod).t() - latestT;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * [min, max] a value of this type and unit can take: proportions in % 0–100; rates, ratios, other percentages
   * (which may exceed 100, such as excess mortality), counts and years ≥ 0; anything else (a difference, a gap,
   * a slope index) unbounded.
   */
  static double[] range(String valueType, String unit) {
    String u = unit == null ? "" : unit.toLowerCase(Locale.ROOT);
    String vt = valueType == null ? "" : valueType.toLowerCase(Locale.ROOT);
    if (vt.contains("inequality") || vt.contains("gap") || vt.contains("difference") || vt.contains("change")) {
      return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}; // a gradient or gap can reverse
    }
    ValueType type;
    try {
      type = valueType == null ? ValueType.OTHER : ValueType.parse(valueType);
    } catch (IllegalArgumentException e) {
      type = ValueType.OTHER;
    }
    boolean percent = u.contains("%") || u.contains("percent");
    if (type == ValueType.PROPORTION) {
      return new double[] {0, percent ? 100 : Double.POSITIVE_INFINITY};
    }
    if (type != ValueType.OTHER || percent || u.startsWith("per ") || u.contains("rate") || u.contains("count")
        || u.contains("number") || u.contains("years")) {
      return new double[] {0, Double.POSITIVE_INFINITY};
    }
    return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
  }

  private static Double clamp(Double v, double[] range) {
    return v == null ? null : Math.min(range[1], Math.max(range[0], v));
  }

  private static boolean same(Double a, Double b) {
    return a == null ? b == null : a.equals(b);
  }
}
