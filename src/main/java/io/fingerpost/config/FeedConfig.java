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
 * @param baseUrl fingertips-api only: the API root, ending in {@code /api} (default {@link #FINGERTIPS_API_URL})
 * @param profile fingertips-api only: every indicator of this profile (with {@code indicators}, the union)
 * @param domains fingertips-api only: with {@code profile}, only the indicators of these domains (group ids)
 * @param areaTypes fingertips-api only: child area type ids (England and the parent areas come too)
 * @param parentAreaType fingertips-api only: the parent area type id (e.g. 6, regions)
 * @param concurrency API feeds only: requests in flight at most (default 2)
 * @param areaCodes fingertips-next only: the area codes to fetch (at most 300; with areaType, both)
 * @param areaType fingertips-next only: every area of this area type (e.g. counties-and-unitary-authorities)
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
    List<String> missingValues,
    String baseUrl,
    Integer profile,
    List<Integer> domains,
    List<Integer> areaTypes,
    Integer parentAreaType,
    Integer concurrency,
    List<String> areaCodes,
    String areaType) {

  public static final String FINGERTIPS_CSV = "fingertips-csv";
  public static final String TIDY_CSV = "tidy-csv";
  public static final String FINGERTIPS_API = "fingertips-api";
  /** The successor service's API ("Find public health data", FingertipsNext): no default host. */
  public static final String FINGERTIPS_NEXT = "fingertips-next";
  /** The classic Fingertips API's root. */
  public static final String FINGERTIPS_API_URL = "https://fingertips.phe.org.uk/api";

  /** A file or URL feed (fingertips-csv, tidy-csv): no API keys. */
  public FeedConfig(String name, String type, String source, Boolean enabled, Duration interval, Duration timeout,
                    RetryConfig retry, List<IndicatorConfig> indicators, TidyColumns columns,
                    List<String> missingValues) {
    this(name, type, source, enabled, interval, timeout, retry, indicators, columns, missingValues, null, null,
        null, null, null, null, null, null);
  }

  /** An API feed without the fingertips-next keys. */
  public FeedConfig(String name, String type, String source, Boolean enabled, Duration interval, Duration timeout,
                    RetryConfig retry, List<IndicatorConfig> indicators, TidyColumns columns,
                    List<String> missingValues, String baseUrl, Integer profile, List<Integer> domains,
                    List<Integer> areaTypes, Integer parentAreaType, Integer concurrency) {
    this(name, type, source, enabled, interval, timeout, retry, indicators, columns, missingValues, baseUrl, profile,
        domains, areaTypes, parentAreaType, concurrency, null, null);
  }

  /** An API feed: fingertips-api or fingertips-next. */
  public boolean isApi() {
    return FINGERTIPS_API.equals(type) || FINGERTIPS_NEXT.equals(type);
  }

  public String baseUrlOrDefault() {
    String b = baseUrl == null || baseUrl.isBlank() ? FINGERTIPS_API_URL : baseUrl.trim();
    return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  public int concurrencyOrDefault() {
    return concurrency == null ? 2 : concurrency;
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public FeedConfig {
    // An empty item stays null so that the rules report it at its index.
    indicators = indicators == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(indicators));
    missingValues = missingValues == null ? List.of("", "NA") : List.copyOf(missingValues);
    domains = domains == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(domains));
    areaTypes = areaTypes == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(areaTypes));
    areaCodes = areaCodes == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(areaCodes));
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
