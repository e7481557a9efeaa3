package io.fingerpost.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The whole configuration file (docs/internals.md "Configuration"), bound by {@link ConfigLoader}.
 * Unknown keys are errors; a section left out takes its defaults.
 */
public record FingerpostConfig(
    HttpConfig http,
    DatabaseConfig database,
    List<FeedConfig> feeds,
    PushConfig push,
    TargetsConfig targets,
    AlertsConfig alerts,
    MetricsSettings metrics,
    GrafanaConfig grafana,
    List<DigestConfig> reports,
    ClusterConfig cluster) {

  public FingerpostConfig {
    http = http == null ? HttpConfig.defaults() : http;
    database = database == null ? DatabaseConfig.defaults() : database;
    // A feed Jackson could not bind stays as null (its problem is reported), so later keys keep their index.
    feeds = feeds == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(feeds));
    push = push == null ? PushConfig.defaults() : push;
    targets = targets == null ? TargetsConfig.none() : targets;
    alerts = alerts == null ? AlertsConfig.defaults() : alerts;
    metrics = metrics == null ? MetricsSettings.DEFAULT : metrics;
    // like feeds: a digest Jackson could not bind stays as null, so later ones keep their index
    reports = reports == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(reports));
    cluster = cluster == null ? ClusterConfig.defaults() : cluster;
  }

  /** The configuration as before the grafana, reports and cluster sections (the seven every caller knows). */
  public FingerpostConfig(HttpConfig http, DatabaseConfig database, List<FeedConfig> feeds, PushConfig push,
      TargetsConfig targets, AlertsConfig alerts, MetricsSettings metrics) {
    this(http, database, feeds, push, targets, alerts, metrics, null, null, null);
  }

  /** A copy with another {@code cluster} section (the flag {@code --cluster}, the environment). */
  public FingerpostConfig withCluster(ClusterConfig c) {
    return new FingerpostConfig(http, database, feeds, push, targets, alerts, metrics, grafana, reports, c);
  }

  /** A copy listening on another port (from {@code --port} or {@code FINGERPOST_HTTP_PORT}). */
  public FingerpostConfig withHttpPort(int port) {
    return new FingerpostConfig(http.withPort(port), database, feeds, push, targets, alerts, metrics, grafana, reports, cluster);
  }

  /** A copy with another {@code http} section (e.g. with the environment applied). */
  public FingerpostConfig withHttp(HttpConfig newHttp) {
    return new FingerpostConfig(newHttp, database, feeds, push, targets, alerts, metrics, grafana, reports, cluster);
  }

  public FingerpostConfig withDatabase(DatabaseConfig db) {
    return new FingerpostConfig(http, db, feeds, push, targets, alerts, metrics, grafana, reports, cluster);
  }

  public FingerpostConfig withFeeds(List<FeedConfig> newFeeds) {
    return new FingerpostConfig(http, database, newFeeds, push, targets, alerts, metrics, grafana, reports, cluster);
  }
}
