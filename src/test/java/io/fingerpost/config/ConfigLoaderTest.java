package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    assertEquals(11, c.feeds().size());
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
}
