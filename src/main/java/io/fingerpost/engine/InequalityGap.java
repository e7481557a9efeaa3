package io.fingerpost.engine;

import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The simple inequality gap between the most and the least deprived group, and whether an
 * inequality measure widened between two periods.
 *
 * <p>Gap (as Fingertips' inequality views and the PHE "Health Inequalities Dashboard" report it):
 * absolute = most deprived − least deprived; relative = most deprived ÷ least deprived (undefined when
 * the least deprived value is 0).
 *
 * <p>Widening — no reference tool defines it, so this follows the usual test for a difference of two
 * independent estimates (Altman &amp; Bland, "Interaction revisited: the difference between two
 * estimates", BMJ 2003): with each period's measure (a gap or an SII) and its 95% limits,
 * SE = (upper − lower)/(2·1.96); the gap widened significantly when |latest| &gt; |previous| and
 * |latest − previous| / √(SE₁² + SE₂²) &gt; 1.96. Without limits it cannot be judged significant.
 */
public final class InequalityGap {

  /** The standard normal quantile at 0.975 (two-sided 95%), computed once: each call is a root search. */
  private static final double Z975 = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.975);

  private InequalityGap() {}

  /** Absolute and relative gap; relative is null when the least deprived value is 0. */
  public record Gap(double absolute, Double relative) {}

  public static Gap of(double mostDeprived, double leastDeprived) {
    return new Gap(mostDeprived - leastDeprived, leastDeprived == 0 ? null : mostDeprived / leastDeprived);
  }

  /** A measure with its 95% limits (limits may be null). */
  public record Measure(double value, Double lower95, Double upper95) {}

  /** True when the measure moved away from zero significantly at 95% between the two periods. */
  public static boolean widenedSignificantly(Measure previous, Measure latest) {
    if (!(Math.abs(latest.value()) > Math.abs(previous.value()))) {
      return false;
    }
    if (previous.lower95() == null || previous.upper95() == null || latest.lower95() == null
        || latest.upper95() == null) {
      return false;
    }
    double z = Z975;
    double se1 = (previous.upper95() - previous.lower95()) / (2 * z);
    double se2 = (latest.upper95() - latest.lower95()) / (2 * z);
    double se = Math.sqrt(se1 * se1 + se2 * se2);
    return se > 0 && Math.abs(latest.value() - previous.value()) / se > z;
  }
}
