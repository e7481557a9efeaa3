package io.fingerpost.engine;

/**
 * An amber or red tolerance: an amount in the indicator's units, or a percentage of the expected change
 * ({@link TrajectorySpec#percentBase()}).
 */
public record Tolerance(double amount, boolean percent) {

  public Tolerance {
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      throw new IllegalArgumentException("a tolerance is a finite amount ≥ 0");
    }
  }

  public static Tolerance units(double amount) {
    return new Tolerance(amount, false);
  }

  public static Tolerance percent(double amount) {
    return new Tolerance(amount, true);
  }

  /** The tolerance in the indicator's units. */
  public double inUnits(double percentBase) {
    return percent ? amount / 100.0 * percentBase : amount;
  }

  @Override
  public String toString() {
    return percent ? trim(amount) + "%" : trim(amount);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
