package io.fingerpost.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.fingerpost.alert.AlertsConfig;
import java.util.List;

/**
 * The whole configuration file (docs/internals.md "Configuration"). Unknown keys are errors.
 * Sections owned by other parts ({@code targets}, {@code alerts}, {@code metrics}) are kept as trees
 * here until those parts give them their own records.
 */
public record FingerpostConfig(
    HttpConfig http,
    DatabaseConfig database,
    List<FeedConfig> feeds,
    PushConfig push,
    JsonNode targets,
    AlertsConfig alerts,
    JsonNode metrics) {

  public FingerpostConfig {
    http = http == null ? HttpConfig.defaults() : http;
    database = database == null ? DatabaseConfig.defaults() : database;
    feeds = feeds == null ? List.of() : List.copyOf(feeds);
    push = push == null ? PushConfig.defaults() : push;
    alerts = alerts == null ? AlertsConfig.defaults() : alerts;
  }

  /** A copy listening on another port (from {@code --port} or {@code FINGERPOST_HTTP_PORT}). */
  public FingerpostConfig withHttpPort(int port) {
    return new FingerpostConfig(new HttpConfig(port, http.host()), database, feeds, push, targets, alerts, metrics);
  }

  /** A copy with another {@code http} section (e.g. with the environment applied). */
  public FingerpostConfig withHttp(HttpConfig newHttp) {
    return new FingerpostConfig(newHttp, database, feeds, push, targets, alerts, metrics);
  }

  public FingerpostConfig withDatabase(DatabaseConfig db) {
    return new FingerpostConfig(http, db, feeds, push, targets, alerts, metrics);
  }

  public FingerpostConfig withFeeds(List<FeedConfig> newFeeds) {
    return new FingerpostConfig(http, database, newFeeds, push, targets, alerts, metrics);
  }
}
