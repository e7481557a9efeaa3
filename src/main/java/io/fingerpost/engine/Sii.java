package io.fingerpost.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Slope index of inequality (SII) and relative index of inequality (RII) across deprivation
 * quantiles, as PHEindicatormethods' {@code phe_sii} computes them (ukhsa-collaboration/
 * PHEindicatormethods 2.1.0, commit 093fd28, {@code R/SII_function.R} and {@code SimulationFunc} in
 * {@code R/utils.R}; Low &amp; Low, "Measuring the gap", J Epidemiol Community Health 2007).
 *
 * <p>Point values (deterministic, as phe_sii): each quantile's share of the population aᵢ and the
 * midpoint of its cumulative share bᵢ; weighted least squares of the value on b with weights a (phe_sii's
 * regression of √a·y on √a and b√a without intercept); SII = slope × multiplier, RII = (intercept +
 * slope)/intercept (inverted for a negative multiplier). With {@code transform} the regression runs on
 * log (rates) or logit (proportions) values and the ends x = 0, 1 of the fitted line are
 * back-transformed, as phe_sii does.
 *
 * <p>Confidence limits. phe_sii simulates: it draws every quantile's value from a normal distribution
 * (mean the value on the log/logit scale for rates/proportions, sd its standard error), refits, and
 * takes the empirical percentiles of the SIIs and RIIs — a random answer (its own tests allow 5%).
 * Here, for reproducible verdicts:
 * <ul>
 *   <li>where the simulated SII is a linear function of the normal draws — value type "other", and
 *       any value type with {@code transform} — its distribution is exactly normal with sd
 *       |multiplier|·√(Σ cᵢ² seᵢ²), cᵢ the regression weights of the slope, so the limits are the
 *       exact quantiles the simulation converges to, SII ∓ z·sd (back-transformed around the line's
 *       midpoint for {@code transform}, as phe_sii does with its simulated limits);</li>
 *   <li>otherwise (RII without transform; SII of rates and proportions without transform) the
 *       simulation is run as phe_sii runs it, with {@code repetitions} draws from a seeded generator,
 *       so the same input always gives the same limits.</li>
 * </ul>
 * Standard errors: as given, or (upper − lower)/(2·1.959964) from 95% limits, on the log/logit scale
 * for rates and proportions (phe_sii hard-codes 95% here).
 */
public final class Sii {

  /** The standard normal quantile at 0.975 (two-sided 95%), computed once: each call is a root search. */
  private static final double Z975 = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.975);

  /** phe_sii's value_type. */
  public enum Kind {
    /** value_type 0: a value on its own scale (e.g. life expectancy). */
    OTHER,
    /** value_type 1: a rate, modelled on the log scale. */
    RATE,
    /** value_type 2: a proportion between 0 and 1, modelled on the logit scale. */
    PROPORTION
  }

  /**
   * One quantile (in quantile order, most deprived first as the data gives them). Either a standard
   * error or both 95% limits; for rates and proportions the standard error is on the log/logit scale.
   */
  public record Quantile(double population, Double value, Double lower95, Double upper95, Double se) {}

  /**
   * phe_sii's options.
   *
   * @param confidence one or more levels (0.95, 0.99, 0.98 …)
   * @param repetitions simulation size where a simulation is needed (phe_sii's default 100,000)
   * @param seed generator seed for the simulation
   * @param rii whether to compute the RII limits (the RII limits of untransformed data need the simulation)
   */
  public record Options(Kind kind, boolean transform, double multiplier, double[] confidence, int repetitions,
      long seed, boolean rii) {
    public Options {
      Objects.requireNonNull(kind, "kind");
      if (transform && kind == Kind.OTHER) {
        throw new IllegalArgumentException("transform needs a rate or a proportion");
      }
      if (repetitions < 1000) {
        throw new IllegalArgumentException("number of repetitions must be 1000 or greater, got " + repetitions);
      }
      confidence = confidence.clone();
      for (double c : confidence) {
        if (!(c >= 0.9 && c < 1)) {
          throw new IllegalArgumentException("confidence levels must be between 0.9 and 1, got " + c);
        }
      }
    }

    /** phe_sii's defaults: no transform, multiplier 1, 95%, 100,000 repetitions, with RII. */
    public static Options of(Kind kind) {
      return new Options(kind, false, 1, new double[] {0.95}, 100_000, 1L, true);
    }
  }

  /** Limits at one confidence level (RII limits null when not requested). */
  public record Limits(double confidence, double siiLower, double siiUpper, Double riiLower, Double riiUpper) {}

  /** SII, RII, intercept (the fitted value at the least deprived end x = 0) and the limits. */
  public record Result(double sii, double rii, double intercept, List<Limits> limits) {}

  private Sii() {}

  public static Result compute(List<Quantile> quantiles, Options o) {
    int k = quantiles.size();
    if (k < 5 || k > 100) {
      throw new IllegalArgumentException("number of quantiles must be between 5 and 100, got " + k);
    }
    // Runs once a series in the evaluate command (EngineBenchmark: 8.5% of evaluate in JFR), so it allocates few
    // arrays: the populations become the shares in place, the modelling scale is the values themselves for
    // Kind.OTHER, and the slope's weights are kept only for the simulation. Every sum is taken in the same order
    // with the same operations as before (SiiTest.computeGivesTheSameBitsAsTheArrayByArrayVersion pins them).
    double z95 = Z975;
    double[] a = new double[k]; // the populations, then each quantile's share of the total
    double[] raw = new double[k];
    double[] t = o.kind() == Kind.OTHER ? raw : new double[k]; // value on the modelling scale (log/logit)
    double[] se = new double[k];
    for (int i = 0; i < k; i++) {
      Quantile q = quantiles.get(i);
      if (!(q.population() > 0)) {
        throw new IllegalArgumentException(where(i) + " has a zero, negative or missing population");
      }
      if (q.value() == null) {
        throw new IllegalArgumentException(where(i) + " has no value");
      }
      if (o.kind() == Kind.PROPORTION) {
        checkProportion(q.value(), i, " value");
        if (q.lower95() != null) {
          checkProportion(q.lower95(), i, " lower limit");
        }
        if (q.upper95() != null) {
          checkProportion(q.upper95(), i, " upper limit");
        }
      }
      a[i] = q.population();
      raw[i] = q.value();
      if (t != raw) {
        t[i] = toModel(q.value(), o.kind());
      }
      if (q.se() != null && !o.transform()) {
        if (!(q.se() >= 0)) {
          throw new IllegalArgumentException(where(i) + " has a negative standard error");
        }
        se[i] = q.se();
      } else if (q.lower95() != null && q.upper95() != null) {
        se[i] = (toModel(q.upper95(), o.kind()) - toModel(q.lower95(), o.kind())) / z95 / 2;
      } else {
        throw new IllegalArgumentException(where(i) + " has neither a standard error nor both 95% limits");
      }
    }
    double total = streamSum(a);
    // slope = Σ cᵢ yᵢ, intercept = Σ dᵢ yᵢ: weighted least squares of y on b with weights a (Σa = 1); bᵢ, the
    // midpoint of quantile i's cumulative share, is taken again in each loop (cum + aᵢ/2, the same bits each time)
    // rather than kept in an array a series
    double cum = 0;
    double bBar = 0;
    for (int i = 0; i < k; i++) {
      a[i] = a[i] / total;
      double bi = cum + a[i] / 2;
      cum += a[i];
      bBar += a[i] * bi;
    }
    double sbb = 0;
    cum = 0;
    for (int i = 0; i < k; i++) {
      double bi = cum + a[i] / 2;
      cum += a[i];
      sbb += a[i] * (bi - bBar) * (bi - bBar);
    }
    boolean simulation = !o.transform() && (o.kind() != Kind.OTHER || o.rii());
    double[] c = simulation ? new double[k] : null;
    double[] d = simulation ? new double[k] : null;
    double[] y = o.transform() ? t : raw;
    double slope = 0;
    double intercept = 0;
    double sdSlope = 0;
    cum = 0;
    for (int i = 0; i < k; i++) {
      double bi = cum + a[i] / 2;
      cum += a[i];
      double ci = a[i] * (bi - bBar) / sbb;
      double di = a[i] - bBar * ci;
      slope += ci * y[i];
      intercept += di * y[i];
      sdSlope += ci * ci * se[i] * se[i];
      if (simulation) {
        c[i] = ci;
        d[i] = di;
      }
    }
    double m = o.multiplier();
    sdSlope = Math.sqrt(sdSlope);

    double[] levels = o.confidence();
    Limits[] limits = new Limits[levels.length];
    if (o.transform()) {
      double x1 = intercept + slope;
      double half = (intercept + x1) / 2;
      double back0 = fromModel(intercept, o.kind());
      double back1 = fromModel(x1, o.kind());
      double sii = (back1 - back0) * m;
      double rii = m < 0 ? 1 / (back1 / back0) : back1 / back0;
      for (int l = 0; l < levels.length; l++) {
        double conf = levels[l];
        double zc = zAt(conf);
        double lo = slope - zc * sdSlope;
        double hi = slope + zc * sdSlope;
        // phe_sii: limits of the line's ends around its midpoint, back-transformed
        double i0lo = half - lo / 2, i0hi = half - hi / 2, x1lo = half + lo / 2, x1hi = half + hi / 2;
        boolean flip = o.kind() == Kind.RATE ? m < 1 : m < 0;
        double siiL = flip ? diff(x1hi, i0hi, o.kind()) * m : diff(x1lo, i0lo, o.kind()) * m;
        double siiU = flip ? diff(x1lo, i0lo, o.kind()) * m : diff(x1hi, i0hi, o.kind()) * m;
        Double riiL = null;
        Double riiU = null;
        if (o.rii()) {
          riiL = flip ? 1 / ratio(x1hi, i0hi, o.kind()) : ratio(x1lo, i0lo, o.kind());
          riiU = flip ? 1 / ratio(x1lo, i0lo, o.kind()) : ratio(x1hi, i0hi, o.kind());
        }
        limits[l] = new Limits(conf, siiL, siiU, riiL, riiU);
      }
      return new Result(sii, rii, back0 * Math.abs(m), List.of(limits));
    }

    double sii = m * slope;
    double rii = (intercept + slope) / intercept;
    if (m < 0) {
      rii = 1 / rii;
    }
    boolean linear = o.kind() == Kind.OTHER;
    double[][] simulated = null;
    if (simulation) {
      simulated = simulate(t, se, c, d, o);
    }
    for (int l = 0; l < levels.length; l++) {
      double conf = levels[l];
      double siiL;
      double siiU;
      if (linear) {
        double zc = zAt(conf);
        siiL = sii - zc * Math.abs(m) * sdSlope;
        siiU = sii + zc * Math.abs(m) * sdSlope;
      } else {
        double[] p = percentiles(simulated[0], conf, o.repetitions());
        siiL = p[0];
        siiU = p[1];
      }
      Double riiL = null;
      Double riiU = null;
      if (o.rii()) {
        double[] p = percentiles(simulated[1], conf, o.repetitions());
        riiL = p[0];
        riiU = p[1];
      }
      limits[l] = new Limits(conf, siiL, siiU, riiL, riiU);
    }
    return new Result(sii, rii, intercept, List.of(limits));
  }

  /**
   * The sum {@code Arrays.stream(v).sum()} gives, without a stream a call: Kahan-compensated as DoublePipeline.sum
   * and Collectors' sumWithCompensation/computeFinalSum compute it on this JDK (the compensation subtracted at the
   * end; adding it, as older JDKs did, differs in the last bit). SiiTest.streamSumIsTheStreamsSumToTheBit pins it to
   * the stream's bits on the JDK the tests run on.
   */
  static double streamSum(double[] v) {
    double sum = 0;
    double compensation = 0;
    double simple = 0;
    for (double x : v) {
      double tmp = x - compensation;
      double velvel = sum + tmp;
      compensation = (velvel - sum) - tmp;
      sum = velvel;
      simple += x;
    }
    double tmp = sum - compensation;
    if (Double.isNaN(tmp) && Double.isInfinite(simple)) {
      return simple;
    }
    return tmp;
  }

  /** phe_sii's simulation: sorted SIIs (× multiplier) and RIIs (inverted for a negative multiplier). */
  private static double[][] simulate(double[] t, double[] se, double[] c, double[] d, Options o) {
    int reps = o.repetitions();
    int k = t.length;
    double[] sii = new double[reps];
    double[] rii = new double[reps];
    SplittableRandom random = new SplittableRandom(o.seed());
    double[] y = new double[k];
    for (int r = 0; r < reps; r++) {
      for (int i = 0; i < k; i++) {
        y[i] = fromModel(t[i] + se[i] * random.nextGaussian(), o.kind());
      }
      double slope = dot(c, y);
      double intercept = dot(d, y);
      sii[r] = slope * o.multiplier();
      double ri = (intercept + slope) / intercept;
      rii[r] = o.multiplier() < 0 ? 1 / ri : ri;
    }
    Arrays.sort(sii);
    Arrays.sort(rii);
    return new double[][] {sii, rii};
  }

  /** phe_sii's positions: round(R·(1 − cv)) and round(R·cv), 1-based, cv = conf + (1 − conf)/2. */
  private static double[] percentiles(double[] sorted, double conf, int reps) {
    double cv = conf + (1 - conf) / 2;
    int lo = (int) Math.rint(reps * (1 - cv));
    int hi = (int) Math.rint(reps * cv);
    return new double[] {sorted[Math.max(0, lo - 1)], sorted[Math.min(reps - 1, hi - 1)]};
  }

  /** z at 95%, by {@link #zAt}'s own expression (so the same bits); the level nearly every call asks for. */
  private static final double Z95_TWO_SIDED = quantileAt(0.95);

  private static double zAt(double conf) {
    return conf == 0.95 ? Z95_TWO_SIDED : quantileAt(conf);
  }

  private static double quantileAt(double conf) {
    return NormalDistribution.of(0, 1).inverseCumulativeProbability(conf + (1 - conf) / 2);
  }

  private static double toModel(double v, Kind kind) {
    switch (kind) {
      case RATE:
        return Math.log(v);
      case PROPORTION:
        return Math.log(v / (1 - v));
      default:
        return v;
    }
  }

  private static double fromModel(double v, Kind kind) {
    switch (kind) {
      case RATE:
        return Math.exp(v);
      case PROPORTION:
        return Math.exp(v) / (1 + Math.exp(v));
      default:
        return v;
    }
  }

  private static double diff(double x1, double x0, Kind kind) {
    return fromModel(x1, kind) - fromModel(x0, kind);
  }

  private static double ratio(double x1, double x0, Kind kind) {
    return fromModel(x1, kind) / fromModel(x0, kind);
  }

  private static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }

  /** The name of quantile {@code i} in a message (made only for the message: compute runs per series). */
  private static String where(int i) {
    return "quantile " + (i + 1);
  }

  private static void checkProportion(double v, int i, String what) {
    if (v < 0 || v > 1) {
      throw new IllegalArgumentException(where(i) + what + " " + v + " is not a proportion between 0 and 1");
    }
  }
}
