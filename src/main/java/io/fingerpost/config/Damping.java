package io.fingerpost.config;

import java.time.Duration;

/**
 * Damping against flapping ({@code alerts.damping}). A firing alert resolves (or drops to a lower
 * severity) only after {@code periodsToResolve} consecutive distinct evaluations say so and it has been
 * firing for at least {@code minFiring}; a resolved alert fires again only after {@code periodsToRefire}
 * consecutive evaluations say so and it has been resolved for at least {@code minResolved}. Escalation
 * (warning → critical) and the first firing are never delayed.
 */
public record Damping(Integer periodsToResolve, Integer periodsToRefire, Duration minFiring,
    Duration minResolved) {

  public Damping {
    periodsToResolve = periodsToResolve == null ? 1 : periodsToResolve;
    periodsToRefire = periodsToRefire == null ? 1 : periodsToRefire;
    minFiring = minFiring == null ? Duration.ZERO : minFiring;
    minResolved = minResolved == null ? Duration.ZERO : minResolved;
    if (periodsToResolve < 1 || periodsToRefire < 1) {
      throw new IllegalArgumentException("periodsToResolve and periodsToRefire must be >= 1");
    }
    if (minFiring.isNegative() || minResolved.isNegative()) {
      throw new IllegalArgumentException("minFiring and minResolved must not be negative");
    }
  }

  public static Damping none() {
    return new Damping(1, 1, Duration.ZERO, Duration.ZERO);
  }
}
