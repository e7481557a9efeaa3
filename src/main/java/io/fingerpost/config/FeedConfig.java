package io.fingerpost.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One polled feed.
 *
 * @param name unique, used in status, rejections and as the observations' source
 * @param type {@code fingertips-csv} or {@code tidy-csv}
 * @param source a path (relative to the config file) or an http(s) URL
 * @param interval time between polls (default 1h; {@code 30s}, {@code 5m}, {@code PT1H} all work)
 * @param timeout limit for fetching an URL (default 5m)
 * @param indicators metadata for the feed's indicators (name, unit, value type, polarity)
 * @param columns tidy-csv only: where each field comes from
 * @param missingValues tidy-csv only: texts that mean "no value" (default: empty, NA)
 */
public record FeedConfig(
    String name,
    String type,
    String source,
    Boolean enabled,
    Duration interval,
    Duration timeout,
    RetryConfig retry,
    List<IndicatorConfig> indicators,
    TidyColumns columns,
    List<String> missingValues) {

  public static final String FINGERTIPS_CSV = "fingertips-csv";
  public static final String TIDY_CSV = "tidy-csv";

  public FeedConfig {
    // An empty item stays null so that the rules report it at its index.
    indicators = indicators == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(indicators));
    missingValues = missingValues == null ? List.of("", "NA") : List.copyOf(missingValues);
  }

  public boolean enabledOrDefault() {
    return enabled == null || enabled;
  }

  public Duration intervalOrDefault() {
    return interval == null ? Duration.ofHours(1) : interval;
  }

  public Duration timeoutOrDefault() {
    return timeout == null ? Duration.ofMinutes(5) : timeout;
  }

  public RetryConfig retryOrDefault() {
    return retry == null ? RetryConfig.defaults() : retry;
  }
}
