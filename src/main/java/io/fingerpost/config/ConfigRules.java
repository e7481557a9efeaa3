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
    if (c.grafana() != null) {
      c.grafana().check(problems);
    }
    DigestConfig.check(c.reports(), c.alerts(), problems);
    c.cluster().check(problems);
  }

  private void http(HttpConfig http) {
    int port = http.portOrDefault();
    if (port < 0 || port > 65535) {
      add("/http/port", "http.port", port + " is not a port (0-65535)");
    }
    if (http.shutdownGrace() != null && http.shutdownGrace().isNegative()) {
      add("/http/shutdownGrace", "http.shutdownGrace", "must not be negative");
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
      required(at + "/type", key + ".type", "missing (fingertips-csv, tidy-csv or fingertips-api)");
    } else if (!List.of(FeedConfig.FINGERTIPS_CSV, FeedConfig.TIDY_CSV, FeedConfig.FINGERTIPS_API,
        FeedConfig.FINGERTIPS_NEXT).contains(feed.type())) {
      add(at + "/type", key + ".type", "'" + feed.type() + "' is not fingertips-csv or tidy-csv (nor fingertips-api)");
    }
    if (FeedConfig.FINGERTIPS_API.equals(feed.type())) {
      api(at, key, feed);
      nextKeysAbsent(at, key, feed);
    } else if (FeedConfig.FINGERTIPS_NEXT.equals(feed.type())) {
      next(at, key, feed);
    } else {
      nextKeysAbsent(at, key, feed);
      source(at + "/source", key + ".source", feed.source());
      apiKeysAbsent(at, key, feed);
    }
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

  /** A fingertips-api feed: the API root, what to fetch (indicators and/or a profile) and the area types. */
  private void api(String at, String key, FeedConfig feed) {
    if (feed.source() != null) {
      add(at + "/source", key + ".source", "a fingertips-api feed has no source (its API root is baseUrl)");
    }
    if (feed.baseUrl() != null) {
      try {
        java.net.URI u = java.net.URI.create(feed.baseUrl().trim());
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
          add(at + "/baseUrl", key + ".baseUrl", "'" + feed.baseUrl() + "' is not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        add(at + "/baseUrl", key + ".baseUrl", "'" + feed.baseUrl() + "' is not an http(s) URL");
      }
    }
    if (feed.indicators().isEmpty() && feed.profile() == null) {
      required(at + "/indicators", key + ".indicators", "missing (a fingertips-api feed needs indicators or a profile)");
    }
    for (int j = 0; j < feed.indicators().size(); j++) {
      IndicatorConfig ind = feed.indicators().get(j);
      if (ind != null && !blank(ind.id()) && !ind.id().trim().matches("[0-9]{1,9}")) {
        add(at + "/indicators/" + j, key + ".indicators[" + j + "]",
            "'" + ind.id() + "' is not a Fingertips indicator id (a number)");
      }
    }
    if (feed.profile() != null && feed.profile() <= 0) {
      add(at + "/profile", key + ".profile", feed.profile() + " is not a profile id (a positive number)");
    }
    if (!feed.domains().isEmpty() && feed.profile() == null) {
      add(at + "/domains", key + ".domains", "domains need a profile");
    }
    if (feed.areaTypes().isEmpty()) {
      required(at + "/areaTypes", key + ".areaTypes", "missing (child area type ids, e.g. [501])");
    }
    for (int j = 0; j < feed.areaTypes().size(); j++) {
      Integer t = feed.areaTypes().get(j);
      if (t == null || t <= 0) {
        add(at + "/areaTypes/" + j, key + ".areaTypes[" + j + "]", t + " is not an area type id (a positive number)");
      }
    }
    if (feed.parentAreaType() == null) {
      required(at + "/parentAreaType", key + ".parentAreaType", "missing (the parent area type id, e.g. 6)");
    } else if (feed.parentAreaType() <= 0) {
      add(at + "/parentAreaType", key + ".parentAreaType", feed.parentAreaType() + " is not an area type id");
    }
    if (feed.concurrency() != null && (feed.concurrency() < 1 || feed.concurrency() > 16)) {
      add(at + "/concurrency", key + ".concurrency", feed.concurrency() + " is not between 1 and 16");
    }
  }

  /** A fingertips-next feed: baseUrl (no default host), numeric indicators, areaCodes and/or areaType. */
  private void next(String at, String key, FeedConfig feed) {
    if (feed.source() != null) {
      add(at + "/source", key + ".source", "a fingertips-next feed has no source (its API root is baseUrl)");
    }
    if (feed.baseUrl() == null) {
      required(at + "/baseUrl", key + ".baseUrl", "missing (the fingertips-next API root)");
    } else {
      try {
        java.net.URI u = java.net.URI.create(feed.baseUrl().trim());
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
          add(at + "/baseUrl", key + ".baseUrl", "'" + feed.baseUrl() + "' is not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        add(at + "/baseUrl", key + ".baseUrl", "'" + feed.baseUrl() + "' is not an http(s) URL");
      }
    }
    if (feed.indicators().isEmpty()) {
      required(at + "/indicators", key + ".indicators", "missing (a fingertips-next feed needs indicators)");
    }
    for (int j = 0; j < feed.indicators().size(); j++) {
      IndicatorConfig ind = feed.indicators().get(j);
      if (ind != null && !blank(ind.id()) && !ind.id().trim().matches("[0-9]{1,9}")) {
        add(at + "/indicators/" + j, key + ".indicators[" + j + "]",
            "'" + ind.id() + "' is not an indicator id (a number)");
      }
    }
    if (feed.areaCodes().isEmpty() && blank(feed.areaType())) {
      required(at + "/areaCodes", key + ".areaCodes", "missing (area codes and/or an areaType)");
    }
    if (feed.areaCodes().size() > 300) {
      add(at + "/areaCodes", key + ".areaCodes", feed.areaCodes().size() + " codes; the API takes at most 300");
    }
    for (int j = 0; j < feed.areaCodes().size(); j++) {
      if (blank(feed.areaCodes().get(j))) {
        add(at + "/areaCodes/" + j, key + ".areaCodes[" + j + "]", "empty area code");
      }
    }
    String[] names = {"profile", "domains", "areaTypes", "parentAreaType"};
    Object[] values = {feed.profile(), feed.domains().isEmpty() ? null : feed.domains(),
        feed.areaTypes().isEmpty() ? null : feed.areaTypes(), feed.parentAreaType()};
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        add(at + "/" + names[i], key + "." + names[i], "a fingertips-next feed takes areaCodes/areaType, not "
            + names[i]);
      }
    }
    if (feed.concurrency() != null && (feed.concurrency() < 1 || feed.concurrency() > 16)) {
      add(at + "/concurrency", key + ".concurrency", feed.concurrency() + " is not between 1 and 16");
    }
  }

  private void nextKeysAbsent(String at, String key, FeedConfig feed) {
    if (!feed.areaCodes().isEmpty()) {
      add(at + "/areaCodes", key + ".areaCodes", "only a fingertips-next feed takes areaCodes");
    }
    if (feed.areaType() != null) {
      add(at + "/areaType", key + ".areaType", "only a fingertips-next feed takes areaType");
    }
  }

  private void apiKeysAbsent(String at, String key, FeedConfig feed) {
    String[] names = {"baseUrl", "profile", "domains", "areaTypes", "parentAreaType", "concurrency"};
    Object[] values = {feed.baseUrl(), feed.profile(), feed.domains().isEmpty() ? null : feed.domains(),
        feed.areaTypes().isEmpty() ? null : feed.areaTypes(), feed.parentAreaType(), feed.concurrency()};
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        add(at + "/" + names[i], key + "." + names[i], "only a fingertips-api feed takes " + names[i]);
      }
    }
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
    formats(at + "/columns", key + ".columns", cols);
    if (cols.indicatorId() == null && feed.indicators().size() != 1) {
      required(at + "/columns/indicatorId", key + ".columns.indicatorId", "missing (needed unless the feed"
          + " lists exactly one indicator)");
    }
  }

  /** A period {@code format} must be one PeriodLabels knows, and only the period has one. */
  private void formats(String at, String key, TidyColumns cols) {
    for (var c : TidyColumns.class.getRecordComponents()) {
      ColumnMapping m;
      try {
        m = (ColumnMapping) c.getAccessor().invoke(cols);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      if (m == null || m.format() == null) {
        continue;
      }
      String where = at + "/" + c.getName() + "/format";
      String name = key + "." + c.getName() + ".format";
      if (!c.getName().equals("period")) {
        add(where, name, "only columns.period may have a format");
      } else if (!PeriodLabels.known(m.format())) {
        add(where, name, "'" + m.format() + "' is not " + PeriodLabels.ISO_INTERVAL + " or "
            + PeriodLabels.YEAR_RANGE);
      }
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
