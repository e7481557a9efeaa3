package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service with a {@code fingertips-api} feed against the local API ({@link FingertipsApiServer}): the
 * metadata's polarity drives the verdicts (a fixture's polarity flipped flips the comparison with England; BOB
 * compares as higher/lower), a config value overrides the metadata and the API shows which one is in use, and a
 * failing indicator is visible in {@code GET /api/feeds/{name}} with its URL and status code.
 */
class FingertipsApiServiceTest {

  static Vertx vertx;
  static WebClient web;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    System.setProperty("fingerpost.fingertips.backoffMs", "20");
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    System.clearProperty("fingerpost.fingertips.backoffMs");
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Cheshire East's campylobacter rate: 173 per 100,000 in 2017, England 96.6 (both with 95% CIs). */
  static final String TARGETS = """
      targets:
        - id: campy-cheshire-east
          name: Campylobacter incidence, Cheshire East
          indicator: "93356"
          area: E06000049
          sex: Persons
          age: All ages
          group: test
          horizonYears: 10
          team: public-health
          direction: decrease
          baseline: {period: "2015"}
          target: {period: "2025", value: 100}
          tolerance: {amber: 10, red: 20}
      """;

  /** Runs the service on its own database; returns [target, indicator, feed] as the API answers them. */
  JsonObject[] run(String polarity, String indicatorsYaml, String failing) throws Exception {
    FingertipsApiServer api = new FingertipsApiServer(vertx);
    api.polarity.put("93356", polarity);
    if (failing != null) {
      api.fail500.add(failing);
    }
    TestDatabase.Db db = TestDatabase.newDatabase();
    Path targets = dir.resolve("targets-" + db.name() + ".yaml");
    Files.writeString(targets, TARGETS);
    String yaml = """
        http: {port: 0, host: 127.0.0.1}
        database: {url: "%s"}
        targets: {files: ["%s"]}
        feeds:
          - name: phof
            type: fingertips-api
            baseUrl: %s
            indicators: %s
            areaTypes: [102]
            parentAreaType: 6
            interval: 1h
        """.formatted(db.url(), targets, api.baseUrl(), indicatorsYaml);
    App app = App.start(vertx, ConfigLoader.parse(yaml, ConfigFile.of(dir.resolve("test.yaml")), Map.of()))
        .await(60, TimeUnit.SECONDS);
    try {
      int port = app.httpPort();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      JsonObject target;
      while (true) {
        var r = web.get(port, "127.0.0.1", "/api/targets/campy-cheshire-east").send().await(10, TimeUnit.SECONDS);
        target = r.statusCode() == 200 ? r.bodyAsJsonObject() : null;
        if (target != null && find(target, "comparedToEnglandCode") != null) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "no evaluation within 40 s: " + (r.bodyAsString()));
        Thread.sleep(100);
      }
      JsonObject indicator = web.get(port, "127.0.0.1", "/api/indicators/93356").send().await(10, TimeUnit.SECONDS)
          .bodyAsJsonObject();
      // the poll ends after the failing indicator's retries: its status is read once the poll is over
      JsonObject feed;
      while (true) {
        feed = web.get(port, "127.0.0.1", "/api/feeds/phof").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        if (!"PENDING".equals(feed.getString("state"))) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "the poll did not end within 40 s: " + feed.encode());
        Thread.sleep(100);
      }
      return new JsonObject[] {target, indicator, feed};
    } finally {
      app.stop().await(30, TimeUnit.SECONDS);
      api.close();
    }
  }

  static Object find(Object json, String key) {
    if (json instanceof JsonObject o) {
      if (o.containsKey(key) && o.getValue(key) != null) {
        return o.getValue(key);
      }
      for (String k : o.fieldNames()) {
        Object f = find(o.getValue(k), key);
        if (f != null) {
          return f;
        }
      }
    } else if (json instanceof JsonArray a) {
      for (Object v : a) {
        Object f = find(v, key);
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  @Test
  void theMetadataPolarityDrivesTheVerdictsAndAConfigValueOverridesIt() throws Exception {
    JsonObject[] low = run("RAG - Low is good", "[93356, 90012]", "90012");
    assertEquals("WORSE", find(low[0], "comparedToEnglandCode"), "173 against 96.6 per 100,000, low is good");
    assertEquals("LOW_IS_GOOD", low[1].getString("polarity"));
    assertEquals("metadata", low[1].getString("polaritySource"));
    assertEquals("RAG - Low is good", low[1].getJsonObject("metadata").getString("polarity"));
    assertEquals("per 100,000", low[1].getJsonObject("metadata").getString("unit"));
    assertEquals("Crude rate", low[1].getJsonObject("metadata").getString("valueType"));
    // The failing indicator: the others loaded, its URL and status in the feed's status.
    assertEquals("OK", low[2].getString("state"));
    assertTrue(low[2].getString("warning").contains("90012"), low[2].encode());
    JsonObject failed = null;
    for (Object o : low[2].getJsonArray("indicators")) {
      JsonObject i = (JsonObject) o;
      if (i.getString("indicatorId").equals("90012")) {
        failed = i.getJsonObject("lastError");
      } else {
        assertNotNull(i.getString("lastFetched"), i.encode());
        assertEquals("2024-03-05T09:30:12.347Z", i.getString("lastChangedUpstream"));
      }
    }
    assertNotNull(failed, low[2].encode());
    assertEquals(500, failed.getInteger("status"));
    assertTrue(failed.getString("url").contains("indicator_ids=90012"), failed.encode());

    JsonObject[] high = run("RAG - High is good", "[93356]", null);
    assertEquals("BETTER", find(high[0], "comparedToEnglandCode"), "the flipped fixture flips the verdict");
    assertEquals("HIGH_IS_GOOD", high[1].getString("polarity"));

    JsonObject[] bob = run("BOB - Blue orange blue", "[93356]", null);
    assertEquals("HIGHER", find(bob[0], "comparedToEnglandCode"), "BOB: higher/lower, never better/worse");
    assertEquals("NO_JUDGEMENT", bob[1].getString("polarity"));

    JsonObject[] overridden = run("RAG - Low is good", "[{id: \"93356\", polarity: HIGH_IS_GOOD}]", null);
    assertEquals("BETTER", find(overridden[0], "comparedToEnglandCode"), "the config's polarity is used");
    assertEquals("HIGH_IS_GOOD", overridden[1].getString("polarity"));
    assertEquals("config", overridden[1].getString("polaritySource"));
    assertEquals("RAG - Low is good", overridden[1].getJsonObject("metadata").getString("polarity"));
    assertEquals("HIGH_IS_GOOD", overridden[1].getJsonObject("metadata").getJsonObject("overrides")
        .getString("polarity"));
  }
}
