package io.fingerpost.config;

import java.time.Duration;

/**
 * How the notifier delivers ({@code alerts.delivery}): exponential backoff from {@code initialBackoff}
 * doubling up to {@code maxBackoff}; a notification is retried until delivered, or until
 * {@code maxAttempts} attempts when that is above 0 (then it is marked failed). {@code resendInterval} is how often firing
 * alerts are re-sent to Alertmanager (well within its 5 min resolve_timeout); {@code pollInterval} is the
 * safety net that finds queued work nobody announced (e.g. written by another instance).
 */
public record DeliveryConfig(Duration initialBackoff, Duration maxBackoff, Integer maxAttempts,
    Duration resendInterval, Duration pollInterval, Duration sweepInterval) {

  public DeliveryConfig {
    initialBackoff = initialBackoff == null ? Duration.ofSeconds(1) : initialBackoff;
    maxBackoff = maxBackoff == null ? Duration.ofMinutes(5) : maxBackoff;
    maxAttempts = maxAttempts == null ? 0 : maxAttempts;
    resendInterval = resendInterval == null ? Duration.ofMinutes(1) : resendInterval;
    pollInterval = pollInterval == null ? Duration.ofSeconds(10) : pollInterval;
    sweepInterval = sweepInterval == null ? Duration.ofMinutes(1) : sweepInterval;
    if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("needs 0 < initialBackoff <= maxBackoff");
    }
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts must be >= 0 (0 = retry for ever)");
    }
    for (Duration d : new Duration[] {resendInterval, pollInterval, sweepInterval}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("resendInterval, pollInterval and sweepInterval must be longer than zero");
      }
    }
  }

  public static DeliveryConfig defaults() {
    return new DeliveryConfig(null, null, null, null, null, null);
  }

  /** Wait before attempt {@code attempts + 1}, after {@code attempts} failures: initial × 2^(n−1), capped. */
  public Duration backoff(int attempts) {
    if (attempts <= 0) {
      return Duration.ZERO;
    }
    long ms = initialBackoff.toMillis();
    for (int i = 1; i < attempts && ms < maxBackoff.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }
}
