package io.fingerpost.engine;

import java.util.List;
import java.util.Objects;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Confidence intervals from counts, for feeds that give a count and a denominator but no limits,
 * as PHEindicatormethods 2.1.0 computes them (ukhsa-collaboration/PHEindicatormethods, commit
 * 093fd28: {@code R/utils.R} byars_lower/upper and wilson_lower/upper, {@code R/Proportions.R},
 * {@code R/Rates.R}, {@code R/DSR.R}).
 * <ul>
 *   <li>Proportions: Wilson score interval (Wilson 1927; Newcombe &amp; Altman 2000),
 *       (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)).</li>
 *   <li>Counts and crude rates: Byar's approximation to the Poisson limits (Breslow &amp; Day 1987),
 *       lower x(1 − 1/(9x) − z/(3√x))³ (NA when negative), upper (x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³;
 *       rates use the exact Poisson limits χ²<sub>α/2, 2x</sub>/2 and χ²<sub>1−α/2, 2x+2</sub>/2 when
 *       x &lt; 10, as phe_rate does.</li>
 *   <li>Directly standardised rates: Dobson et al. (1991): DSR = Σ(wᵢxᵢ/nᵢ)/Σwᵢ,
 *       Var = Σ(wᵢ²xᵢ/nᵢ²)/(Σwᵢ)², limits DSR + √(Var/O)·(O<sub>lim</sub> − O) with O the total count and
 *       O<sub>lim</sub> its Byar limit; not calculated (all null) when O &lt; 10. The variant for
 *       non-independent events (people counted once per event) replaces Var by Σ<sub>f</sub> f²·Var<sub>f</sub>,
 *       Var<sub>f</sub> the variance from the number of people with f events.</li>
 *   <li>Indirectly standardised ratios and rates ({@code R/ISRatio.R}, {@code R/ISRate.R}): expected
 *       E = Σ nᵢ·rᵢ/Rᵢ from reference counts rᵢ and populations Rᵢ; ratio O/E × multiplier with the
 *       count limits of O (exact below 10, Byar's otherwise) divided by E; rate = ratio × the reference
 *       rate Σr/ΣR × multiplier.</li>
 * </ul>
 * z is the standard normal quantile at confidence + (1 − confidence)/2. Levels 0.95 and 0.998 are
 * the ones Fingertips publishes.
 */
public final class CountCi {

  public static final double C95 = 0.95;
  public static final double C998 = 0.998;

  /**
   * European Standard Population 2013, 19 five-year bands 0–4 … 85–89, 90+ (Eurostat 2013), the
   * standard PHEindicatormethods and Fingertips use for DSRs.
   */
  public static final List<Double> ESP2013 = List.of(5000.0, 5500.0, 5500.0, 5500.0, 6000.0, 6000.0,
      6500.0, 7000.0, 7000.0, 7000.0, 7000.0, 6500.0, 6000.0, 5500.0, 5000.0, 4000.0, 2500.0, 1500.0, 1000.0);

  private CountCi() {}

  /** A value with its 95% and 99.8% limits; a limit that cannot be computed is null. */
  public record Estimate(Double value, Double lower95, Double upper95, Double lower998, Double upper998) {
    static final Estimate NONE = new Estimate(null, null, null, null, null);
  }

  /** Lower and upper limit; NaN for a limit that does not exist (Byar's lower limit below zero). */
  public record Interval(double lower, double upper) {}

  private static final double Z95 = quantile(C95);
  private static final double Z998 = quantile(C998);
  private static final double ZZ95 = Z95 * Z95;
  private static final double ZZ998 = Z998 * Z998;

  /** Standard normal quantile at confidence + (1 − confidence)/2. */
  public static double z(double confidence) {
    checkConfidence(confidence);
    // the two levels every feed uses are computed once
    return confidence == C95 ? Z95 : confidence == C998 ? Z998 : quantile(confidence);
  }

  private static double quantile(double confidence) {
    return NormalDistribution.of(0, 1).inverseCumulativeProbability(confidence + (1 - confidence) / 2);
  }

  /** Wilson score interval for x successes of n, on the 0–1 scale. */
  public static Interval wilson(double x, double n, double confidence) {
    if (x < 0 || n < 0 || x > n) {
      throw new IllegalArgumentException("Wilson interval needs 0 <= count <= denominator, got " + x + " of " + n);
    }
    checkConfidence(confidence);
    if (confidence == 1) {
      return new Interval(0, 1);
    }
    double z = z(confidence);
    double root = z * Math.sqrt(z * z + 4 * x * (1 - (x / n)));
    return new Interval((2 * x + z * z - root) / 2 / (n + z * z), (2 * x + z * z + root) / 2 / (n + z * z));
  }

  /** Byar's lower limit for an observed count; NaN when it would be negative. */
  public static double byarsLower(double x, double confidence) {
    checkCount(x);
    double z = z(confidence);
    double lower = x * Math.pow(1 - 1 / (9 * x) - z / (3 * Math.sqrt(x)), 3);
    return lower < 0 ? Double.NaN : lower;
  }

  /** Byar's upper limit for an observed count. */
  public static double byarsUpper(double x, double confidence) {
    checkCount(x);
    double z = z(confidence);
    return (x + 1) * Math.pow(1 - 1 / (9 * (x + 1)) + z / (3 * Math.sqrt(x + 1)), 3);
  }

  /** Exact Poisson limits for a count, from the χ² distribution (0 for the lower limit of 0). */
  public static Interval exactPoisson(double x, double confidence) {
    checkCount(x);
    checkConfidence(confidence);
    double lower = x == 0 ? 0
        : ChiSquaredDistribution.of(2 * x).inverseCumulativeProbability((1 - confidence) / 2) / 2;
    double upper = ChiSquaredDistribution.of(2 * x + 2)
        .inverseCumulativeProbability(confidence + (1 - confidence) / 2) / 2;
    return new Interval(lower, upper);
  }

  /** Proportion x/n × multiplier with Wilson limits at 95% and 99.8% (phe_proportion). */
  public static Estimate proportion(Double x, Double n, double multiplier) {
    // Kept small (C2 inlines it into its caller, so the Estimate and its boxes need not be allocated when the
    // caller only reads them): the checks' failures are built out of line, the two levels' z² are constants,
    // and the arithmetic is wilson's, in the same order, so the limits are the same to the bit.
    if (x == null || n == null) {
      return Estimate.NONE;
    }
    double xv = x;
    double nv = n;
    if (xv < 0 || nv < 0 || xv > nv) {
      throw wilsonOutOfRange(xv, nv);
    }
    double q = 4 * xv * (1 - (xv / nv));
    double root95 = Z95 * Math.sqrt(ZZ95 + q);
    double root998 = Z998 * Math.sqrt(ZZ998 + q);
    // boxed before the Estimate is allocated: no allocation between it and its field stores, so C2 drops
    // those stores' GC barriers (javac allocates the record before evaluating its arguments)
    Double value = xv / nv * multiplier;
    Double lower95 = (2 * xv + ZZ95 - root95) / 2 / (nv + ZZ95) * multiplier;
    Double upper95 = (2 * xv + ZZ95 + root95) / 2 / (nv + ZZ95) * multiplier;
    Double lower998 = (2 * xv + ZZ998 - root998) / 2 / (nv + ZZ998) * multiplier;
    Double upper998 = (2 * xv + ZZ998 + root998) / 2 / (nv + ZZ998) * multiplier;
    return new Estimate(value, lower95, upper95, lower998, upper998);
  }

  private static IllegalArgumentException wilsonOutOfRange(double x, double n) {
    return new IllegalArgumentException("Wilson interval needs 0 <= count <= denominator, got " + x + " of " + n);
  }

  /** Crude rate x/n × multiplier: exact Poisson limits when x &lt; 10, else Byar's (phe_rate). */
  public static Estimate rate(Double x, Double n, double multiplier) {
    // Kept small as proportion is: the common case (a positive denominator, 10 events or more: Byar's limits) is
    // here with byarsLower/byarsUpper's arithmetic in the same order; the exact limits below 10, NaN counts and
    // the failures go to rateOtherwise.
    if (x == null || n == null) {
      return Estimate.NONE;
    }
    double xv = x;
    double nv = n;
    if (!(nv > 0 && xv >= 10)) {
      return rateOtherwise(xv, nv, multiplier);
    }
    double a = 1 - 1 / (9 * xv);
    double b = Z95 / (3 * Math.sqrt(xv));
    double c = Z998 / (3 * Math.sqrt(xv));
    double x1 = xv + 1;
    double a1 = 1 - 1 / (9 * x1);
    double b1 = Z95 / (3 * Math.sqrt(x1));
    double c1 = Z998 / (3 * Math.sqrt(x1));
    double l95 = xv * Math.pow(a - b, 3);
    double l998 = xv * Math.pow(a - c, 3);
    double k = multiplier / nv;
    // boxed before the Estimate is allocated, as in proportion
    Double value = xv / nv * multiplier;
    Double lower95 = nullable((l95 < 0 ? Double.NaN : l95) * k);
    Double upper95 = nullable(x1 * Math.pow(a1 + b1, 3) * k);
    Double lower998 = nullable((l998 < 0 ? Double.NaN : l998) * k);
    Double upper998 = nullable(x1 * Math.pow(a1 + c1, 3) * k);
    return new Estimate(value, lower95, upper95, lower998, upper998);
  }

  private static Estimate rateOtherwise(double x, double n, double multiplier) {
    if (!(n > 0)) {
      throw new IllegalArgumentException("rate needs a denominator above zero, got " + n);
    }
    Interval a = countLimits(x, C95);
    Interval b = countLimits(x, C998);
    double k = multiplier / n;
    return new Estimate(x / n * multiplier, nullable(a.lower() * k), nullable(a.upper() * k),
        nullable(b.lower() * k), nullable(b.upper() * k));
  }

  /** Limits for a count as phe_rate chooses them: exact below 10, Byar's otherwise. */
  public static Interval countLimits(double x, double confidence) {
    return x < 10 ? exactPoisson(x, confidence) : new Interval(byarsLower(x, confidence), byarsUpper(x, confidence));
  }

  /** One age band of a DSR: events (null counts as 0), population, standard population weight. */
  public record AgeBand(Double count, double population, double standardPopulation) {
    public AgeBand {
      if (!(population > 0)) {
        throw new IllegalArgumentException("age band population must be above zero, got " + population);
      }
      if (count != null && count < 0) {
        throw new IllegalArgumentException("age band count must not be negative, got " + count);
      }
    }
  }

  /** Directly standardised rate with Dobson limits (calculate_dsr, independent events). */
  public static Estimate dsr(List<AgeBand> bands, double multiplier) {
    Objects.requireNonNull(bands, "bands");
    double var = 0;
    double sw = 0;
    for (AgeBand b : bands) {
      double x = b.count() == null ? 0 : b.count();
      var += x * Math.pow(b.standardPopulation() / b.population(), 2);
      sw += b.standardPopulation();
    }
    return dobson(bands, var / (sw * sw), multiplier);
  }

  /**
   * One age band of a DSR for non-independent events: {@code peopleByFrequency[f-1]} people had f
   * events (null as 0); the band's events are Σ f·people.
   */
  public record FrequencyBand(double population, double standardPopulation, Double[] peopleByFrequency) {}

  /** DSR with Dobson limits adjusted for non-independent events (calculate_dsr, independent_events = FALSE). */
  public static Estimate dsrNonIndependent(List<FrequencyBand> bands, double multiplier) {
    int maxF = 0;
    double sw = 0;
    for (FrequencyBand b : bands) {
      maxF = Math.max(maxF, b.peopleByFrequency().length);
      sw += b.standardPopulation();
    }
    double custom = 0;
    for (int f = 1; f <= maxF; f++) {
      double v = 0;
      for (FrequencyBand b : bands) {
        Double[] p = b.peopleByFrequency();
        double people = f <= p.length && p[f - 1] != null ? p[f - 1] : 0;
        v += people * Math.pow(b.standardPopulation() / b.population(), 2);
      }
      custom += v / (sw * sw) * f * f;
    }
    List<AgeBand> events = bands.stream().map(b -> {
      double e = 0;
      Double[] p = b.peopleByFrequency();
      for (int f = 1; f <= p.length; f++) {
        e += p[f - 1] == null ? 0 : f * p[f - 1];
      }
      return new AgeBand(e, b.population(), b.standardPopulation());
    }).toList();
    return dobson(events, custom, multiplier);
  }

  /** One age band for indirect standardisation: local events and population, reference events and population. */
  public record ReferenceBand(Double count, Double population, Double referenceCount, double referencePopulation) {
    public ReferenceBand {
      if (!(referencePopulation > 0)) {
        throw new IllegalArgumentException("reference population must be above zero, got " + referencePopulation);
      }
    }
  }

  /** Expected events E = Σ n·r/R (a missing population or reference count contributes nothing). */
  public static double expected(List<ReferenceBand> bands) {
    double e = 0;
    for (ReferenceBand b : bands) {
      if (b.population() != null && b.referenceCount() != null) {
        e += b.population() * b.referenceCount() / b.referencePopulation();
      }
    }
    return e;
  }

  /** Indirectly standardised ratio O/E × multiplier (calculate_ISRatio). */
  public static Estimate isRatio(double observed, double expected, double multiplier) {
    checkCount(observed);
    if (!(expected > 0)) {
      throw new IllegalArgumentException("expected events must be above zero, got " + expected);
    }
    Interval a = countLimits(observed, C95);
    Interval b = countLimits(observed, C998);
    double k = multiplier / expected;
    return new Estimate(observed * k, nullable(a.lower() * k), nullable(a.upper() * k), nullable(b.lower() * k),
        nullable(b.upper() * k));
  }

  /** Indirectly standardised rate: the ratio O/E times the reference rate Σr/ΣR × multiplier (calculate_ISRate). */
  public static Estimate isRate(double observed, List<ReferenceBand> bands, double multiplier) {
    double refCount = 0;
    double refPop = 0;
    for (ReferenceBand b : bands) {
      refCount += b.referenceCount() == null ? 0 : b.referenceCount();
      refPop += b.referencePopulation();
    }
    return isRatio(observed, expected(bands), refCount / refPop * multiplier);
  }

  private static Estimate dobson(List<AgeBand> bands, double var, double multiplier) {
    double total = 0;
    double weighted = 0;
    double sw = 0;
    for (AgeBand b : bands) {
      double x = b.count() == null ? 0 : b.count();
      total += x;
      weighted += x * b.standardPopulation() / b.population();
      sw += b.standardPopulation();
    }
    if (total < 10) {
      return Estimate.NONE;
    }
    double value = weighted / sw * multiplier;
    double k = Math.sqrt(var / total) * multiplier;
    return new Estimate(value,
        nullable(value + k * (byarsLower(total, C95) - total)),
        nullable(value + k * (byarsUpper(total, C95) - total)),
        nullable(value + k * (byarsLower(total, C998) - total)),
        nullable(value + k * (byarsUpper(total, C998) - total)));
  }

  private static Double nullable(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static void checkCount(double x) {
    if (!(x >= 0)) {
      throw new IllegalArgumentException("observed events must be zero or more, got " + x);
    }
  }

  private static void checkConfidence(double c) {
    if (!(c >= 0.9 && c <= 1)) {
      throw new IllegalArgumentException("confidence level must be between 0.9 and 1, got " + c);
    }
  }
}
