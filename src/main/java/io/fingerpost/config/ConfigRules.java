package io.fingerpost.config;

import io.fingerpost.model.Polarity;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of a configuration that its types cannot express: ranges, names that must be unique, what a
 * feed of each type needs, files that must exist. Each broken rule is added to the problems (none stops
 * the others), with the key it is about.
 */
final class ConfigRules {

  private final ConfigFile file;
  private final Problems problems;

  private ConfigRules(ConfigFile file, Problems problems) {
    this.file = file;
    this.problems = problems;
  }

  static void check(FingerpostConfig c, ConfigFile file, Problems problems) {
    ConfigRules rules = new ConfigRules(file, problems);
    rules.http(c.http());
    if (c.database().poolSize() != null && c.database().poolSize() < 1) {
      rules.add("/database/poolSize", "database.poolSize", "must be at least 1");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < c.feeds().size(); i++) {
      rules.feed(i, c.feeds().get(i), names);
    }
    c.alerts().check(problems);
    c.metrics().check(problems);
    c.cluster().check(problems);
  }

  private void http(HttpConfig http) {
    int port = http.portOrDefault();
    if (port < 0 || port > 65535) {
      add("/http/port", "http.port", port + " is not a port (0-65535)");
    }
  }

  private void feed(int i, FeedConfig feed, Set<String> names) {
    String at = "/feeds/" + i;
    String key = "feeds[" + i + "]";
    if (feed == null) {
      if (!problems.at(at)) {
        add(at, key, "empty feed");
      }
      return;
    }
    if (blank(feed.name())) {
      required(at + "/name", key + ".name", "missing");
      return;
    }
    key = key + " (" + feed.name() + ")";
    if (!names.add(feed.name())) {
      add(at + "/name", key + ".name", "another feed has the name '" + feed.name() + "'");
    }
    if ("push".equals(feed.name())) {
      add(at + "/name", key + ".name", "'push' is the push endpoint's name");
    }
    if (feed.type() == null) {
      required(at + "/type", key + ".type", "missing (fingertips-csv or tidy-csv)");
    } else if (!List.of(FeedConfig.FINGERTIPS_CSV, FeedConfig.TIDY_CSV).contains(feed.type())) {
      add(at + "/type", key + ".type", "'" + feed.type() + "' is not fingertips-csv or tidy-csv");
    }
    source(at + "/source", key + ".source", feed.source());
    positive(at + "/interval", key + ".interval", feed.interval());
    positive(at + "/timeout", key + ".timeout", feed.timeout());
    if (feed.retry() != null) {
      positive(at + "/retry/initialDelay", key + ".retry.initialDelay", feed.retry().initialDelay());
      positive(at + "/retry/maxDelay", key + ".retry.maxDelay", feed.retry().maxDelay());
    }
    for (int j = 0; j < feed.indicators().size(); j++) {
      IndicatorConfig ind = feed.indicators().get(j);
      String ip = at + "/indicators/" + j;
      String ik = key + ".indicators[" + j + "]";
      if (ind == null) {
        required(ip, ik, "empty indicator");
        continue;
      }
      if (blank(ind.id())) {
        required(ip + "/id", ik + ".id", "missing");
        continue;
      }
      try {
        Polarity.parse(ind.polarity());
      } catch (IllegalArgumentException e) {
        add(ip + "/polarity", ik + ".polarity", e.getMessage());
      }
    }
    columns(at, key, feed);
  }

  private void source(String at, String key, String source) {
    if (blank(source)) {
      required(at, key, "missing (a path or an http(s) URL)");
      return;
    }
    Resource r;
    try {
      r = file.resolve(source);
    } catch (RuntimeException e) {
      add(at, key, e.getMessage());
      return;
    }
    if (r instanceof Resource.File rf && !Files.isRegularFile(rf.path())) {
      add(at, key, "no such file " + rf.path());
    }
    if (r instanceof Resource.Classpath rc && ConfigRules.class.getClassLoader().getResource(rc.name()) == null) {
      add(at, key, rc.describe() + " is not in the jar");
    }
  }

  private void columns(String at, String key, FeedConfig feed) {
    if (FeedConfig.FINGERTIPS_CSV.equals(feed.type()) && feed.columns() != null) {
      add(at + "/columns", key + ".columns", "a fingertips-csv feed reads its columns by their names;"
          + " 'columns' is for tidy-csv");
    }
    if (!FeedConfig.TIDY_CSV.equals(feed.type())) {
      return;
    }
    TidyColumns cols = feed.columns();
    if (cols == null) {
      required(at + "/columns", key + ".columns", "missing (a tidy-csv feed needs a column mapping)");
      return;
    }
    column(at + "/columns/areaCode", key + ".columns.areaCode", cols.areaCode());
    column(at + "/columns/period", key + ".columns.period", cols.period());
    column(at + "/columns/value", key + ".columns.value", cols.value());
    if (cols.indicatorId() == null && feed.indicators().size() != 1) {
      required(at + "/columns/indicatorId", key + ".columns.indicatorId", "missing (needed unless the feed"
          + " lists exactly one indicator)");
    }
  }

  private void column(String at, String key, ColumnMapping m) {
    if (m == null || (m.column() == null && m.value() == null)) {
      required(at, key, "missing (a column name or {value: …})");
    }
  }

  private void positive(String at, String key, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      add(at, key, "must be longer than zero");
    }
  }

  /** "Missing" only when binding found nothing wrong there (a value it rejected is already reported). */
  private void required(String at, String key, String reason) {
    if (!problems.at(at)) {
      add(at, key, reason);
    }
  }

  private void add(String at, String key, String reason) {
    problems.addNamed(at, key + ": " + reason);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
