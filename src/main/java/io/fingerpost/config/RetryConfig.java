package io.fingerpost.config;

import java.time.Duration;

/** Backoff after a failed poll: initialDelay, doubling up to maxDelay (defaults 10s and 10m). */
public record RetryConfig(Duration initialDelay, Duration maxDelay) {
  public static RetryConfig defaults() {
    return new RetryConfig(null, null);
  }

  public Duration initialDelayOrDefault() {
    return initialDelay == null ? Duration.ofSeconds(10) : initialDelay;
  }

  public Duration maxDelayOrDefault() {
    return maxDelay == null ? Duration.ofMinutes(10) : maxDelay;
  }

  /** Delay before retry number {@code failures} (1 = first retry). */
  public Duration delayAfter(int failures) {
    long initial = initialDelayOrDefault().toMillis();
    long max = maxDelayOrDefault().toMillis();
    long d = initial;
    for (int i = 1; i < failures && d < max; i++) {
      d *= 2;
    }
    return Duration.ofMillis(Math.min(d, max));
  }
}
