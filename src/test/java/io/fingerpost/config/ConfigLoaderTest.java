package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  Path write(String yaml) throws Exception {
    Files.writeString(dir.resolve("data.csv"), "area,period,value\n");
    Path f = dir.resolve("fingerpost.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  ConfigException fails(String yaml) throws Exception {
    Path f = write(yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
    return e;
  }

  @Test
  void bundledDefaultLoadsEveryBundledFile() {
    ConfigLoader.Loaded loaded = ConfigLoader.loadDefault(Map.of());
    FingerpostConfig c = loaded.config();
    // 11 feeds before issue 13, then ONS local statistics (5), older Fingertips extracts (7), the strategy's
    // printed baselines (1), the ONS Health Index inputs (1).
    assertEquals(25, c.feeds().size());
    for (FeedConfig f : c.feeds()) {
      assertTrue(loaded.resolve(f.source()) instanceof Resource.Classpath, f.name());
    }
    FeedConfig hle = c.feeds().stream().filter(f -> f.name().equals("ons-healthy-life-expectancy")).findFirst()
        .orElseThrow();
    assertEquals(PeriodLabels.ISO_INTERVAL, hle.columns().period().format());
    assertEquals(8080, c.http().portOrDefault());
    FeedConfig le = c.feeds().stream().filter(f -> f.name().equals("life-expectancy")).findFirst().orElseThrow();
    assertEquals("90366", le.indicators().get(0).id());
    assertEquals("inequality", le.columns().sex().column());
    Resource r = loaded.resolve(le.source());
    assertEquals(new Resource.Classpath("fingerpost/default/data/tidy-series/life_expectancy.csv"), r);
    assertEquals(null, c.push().token().isEmpty() ? null : c.push().token());
  }

  @Test
  void relativePathsResolveAgainstTheFileAndEnvIsSubstituted() throws Exception {
    Path f = write("""
        http: {port: 9000}
        push: {token: "${PUSH_TOKEN}"}
        database: {url: "${DB_URL:-}", dataDir: "${HOME_DIR:-/tmp}/pg"}
        feeds:
          - name: local
            type: tidy-csv
            source: data.csv
            interval: 30s
            retry: {initialDelay: 100ms, maxDelay: 2s}
            indicators: [{id: "1", polarity: "1"}]
            columns:
              areaCode: area
              period: period
              value: value
              sex: {value: Persons}
              category: {column: area, values: {NA: ""}, otherwise: X}
        """);
    ConfigLoader.Loaded loaded = ConfigLoader.load(f, Map.of("PUSH_TOKEN", "s3cret"));
    FingerpostConfig c = loaded.config();
    assertEquals("s3cret", c.push().token());
    assertEquals("", c.database().url());
    assertEquals("/tmp/pg", c.database().dataDir());
    FeedConfig feed = c.feeds().get(0);
    assertEquals(Duration.ofSeconds(30), feed.interval());
    assertEquals(Duration.ofMillis(100), feed.retry().initialDelay());
    assertEquals(Duration.ofMillis(400), feed.retry().delayAfter(3));
    assertEquals(Duration.ofSeconds(2), feed.retry().delayAfter(10));
    assertEquals("Persons", feed.columns().sex().map("anything"));
    assertEquals("", feed.columns().category().map("NA"));
    assertEquals("X", feed.columns().category().map("E1"));
    Resource.File file = assertInstanceOf(Resource.File.class, loaded.resolve(feed.source()));
    assertEquals(dir.resolve("data.csv").toAbsolutePath().normalize(), file.path());
  }

  @Test
  void unknownKeyNamesLineAndKey() throws Exception {
    ConfigException e = fails("""
        http:
          port: 8080
        feeds:
          - name: a
            type: tidy-csv
            source: data.csv
            colums: {}
        """);
    assertTrue(e.getMessage().contains("line 7"), e.getMessage());
    assertTrue(e.getMessage().contains("feeds[0].colums"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'colums'"), e.getMessage());
  }

  @Test
  void unknownTopLevelKey() throws Exception {
    ConfigException e = fails("htp: {port: 1}\n");
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("unknown key 'htp'"), e.getMessage());
  }

  @Test
  void wrongTypeNamesTheKey() throws Exception {
    ConfigException e = fails("http:\n  port: eighty\n");
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("http.port"), e.getMessage());
  }

  @Test
  void missingEnvironmentVariable() throws Exception {
    ConfigException e = fails("push:\n  token: ${NOT_SET_ANYWHERE}\n");
    assertTrue(e.getMessage().contains("push.token") && e.getMessage().contains("NOT_SET_ANYWHERE"), e.getMessage());
  }

  @Test
  void semanticErrors() throws Exception {
    assertTrue(fails("feeds: [{name: a, type: xml, source: data.csv}]\n").getMessage()
        .contains("feeds[0] (a).type: 'xml' is not fingertips-csv or tidy-csv"));
    assertTrue(fails("feeds: [{name: a, type: fingertips-csv, source: nope.csv}]\n").getMessage()
        .contains("feeds[0] (a).source: no such file"));
    assertTrue(fails("feeds: [{name: a, type: tidy-csv, source: data.csv}]\n").getMessage()
        .contains("feeds[0] (a).columns: missing"));
    assertTrue(fails("feeds: [{name: a, type: fingertips-csv, source: data.csv, interval: soon}]\n").getMessage()
        .contains("'soon' is not a duration"));
    assertTrue(fails("""
        feeds:
          - {name: a, type: fingertips-csv, source: data.csv}
          - {name: a, type: fingertips-csv, source: data.csv}
        """).getMessage().contains("another feed has the name 'a'"));
    assertTrue(fails("feeds: [{name: a, type: fingertips-csv, source: data.csv, indicators: [{id: '1', polarity: up}]}]\n")
        .getMessage().contains("indicators[0].polarity"));
  }

  @Test
  void aPeriodFormatMustBeKnownAndOnlyOnThePeriod() throws Exception {
    String feed = "feeds: [{name: a, type: tidy-csv, source: data.csv, indicators: [{id: '1'}],"
        + " columns: {areaCode: area, value: value, %s}}]\n";
    String unknown = fails(feed.formatted("period: {column: period, format: iso}")).getMessage();
    assertTrue(unknown.contains("feeds[0] (a).columns.period.format: 'iso' is not iso-interval or year-range"),
        unknown);
    String elsewhere = fails(feed.formatted("period: period, sex: {column: s, format: year-range}")).getMessage();
    assertTrue(elsewhere.contains("feeds[0] (a).columns.sex.format: only columns.period may have a format"),
        elsewhere);
    ConfigLoader.Loaded ok = ConfigLoader.load(write(feed.formatted("period: {column: period, format: year-range}")),
        Map.of());
    assertEquals("year-range", ok.config().feeds().get(0).columns().period().format());
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsLine() throws Exception {
    ConfigException e = fails("""
        http:
          port: eighty
          hots: x
        feeds:
          - {name: a, type: xml, source: data.csv, interval: soon}
          - name: b
            type: fingertips-csv
            source: nope.csv
            retry: 5
        metrics: {scope: every, maxSeries: -3, refreshInterval: 0s}
        alerts:
          delivery: {initialBackoff: 5m, maxBackoff: 1s}
          rules: {specialCause: {severity: loud}}
        targets: {files: [3]}
        """);
    String f = dir.resolve("fingerpost.yaml") + ": ";
    List<String> lines = e.getMessage().lines().toList();
    for (String expected : List.of(
        f + "line 2: http.port: expected a whole number, got 'eighty'",
        f + "line 3: http.hots: unknown key 'hots' (known keys: host, port, shutdownGrace)",
        f + "line 5: feeds[0].interval: 'soon' is not a duration",
        f + "line 9: feeds[1].retry: expected a mapping, got '5'",
        f + "line 10: metrics.scope: 'every' is not one of monitored, all, none",
        f + "line 10: metrics.maxSeries: '-3' is not a whole number >= 0",
        f + "line 12: alerts.delivery: needs 0 < initialBackoff <= maxBackoff",
        f + "line 13: alerts.rules.specialCause.severity: severity must be 'warning' or 'critical'",
        f + "line 14: targets.files[0]: expected a file path",
        f + "line 5: feeds[0] (a).type: 'xml' is not fingertips-csv or tidy-csv",
        f + "line 8: feeds[1] (b).source: no such file",
        f + "line 10: metrics.refreshInterval: must be longer than zero")) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(expected)), expected + "\n in:\n" + e.getMessage());
    }
    assertEquals(12, lines.size(), e.getMessage());
  }

  @Test
  void aKeyWrittenTwiceIsAnErrorWithItsLine() throws Exception {
    ConfigException http = fails("""
        http:
          port: 8080
        push: {token: x}
        http:
          port: 9090
        """);
    assertTrue(http.getMessage().contains(": line 4: not valid YAML: duplicate key 'http'"), http.getMessage());
    ConfigException source = fails("""
        feeds:
          - name: a
            type: fingertips-csv
            source: data.csv
            source: other.csv
        """);
    assertTrue(source.getMessage().contains(": line 5: not valid YAML: duplicate key 'source'"), source.getMessage());
  }

  @Test
  void anUnclosedEnvironmentReferenceIsAnErrorWithItsLine() throws Exception {
    ConfigException unclosed = fails("""
        http: {port: 8080}
        push:
          token: "${PUSH_TOKEN:-x"
        """);
    assertTrue(unclosed.getMessage().contains(": line 3: push.token: '${PUSH_TOKEN:-x' is not closed"),
        unclosed.getMessage());
    ConfigException noName = fails("push: {token: \"a${}b\"}\n");
    assertTrue(noName.getMessage().contains("line 1: push.token: '${}' names no environment variable"),
        noName.getMessage());
    // $${ is a literal ${; references around it are still replaced
    FingerpostConfig c = ConfigLoader.load(write("push: {token: \"$${X}-${Y:-d}-${Z}\"}\n"), Map.of("Z", "z")).config();
    assertEquals("${X}-d-z", c.push().token());
  }

  @Test
  void aTabUsedForIndentationSaysSoWithItsLine() throws Exception {
    ConfigException e = fails("http:\n  port: 8080\nfeeds:\n\t- name: a\n");
    assertTrue(e.getMessage().contains(": line 4: not valid YAML: tabs are not allowed for indentation"),
        e.getMessage());
  }
}
