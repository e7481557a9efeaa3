package io.fingerpost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.engine.Reference;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 4, over real HTTP against the service on a real PostgreSQL: a row with a count and a
 * denominator but no interval, from a tidy-csv feed or a push, is stored with PHEindicatormethods' Wilson
 * (proportion) or exact/Byar's (crude rate) limits to 1e-6 and {@code ciComputed: true}; a published interval
 * is kept as given, and a row without a denominator, or of an indicator without a usable unit, gets none.
 */
class ComputedIntervalsTest {
  static final String TOKEN = "push-token";
  static final String DIR = "reference/pheindicatormethods/";
  static final double TOL = 1e-6;
  static TestDatabase.Db db;
  static Vertx vertx;
  static App app;
  static Pool pool;
  static WebClient web;
  /** Reference rows (multiplier 100 for proportions = "%", 100000 for rates = "per 100,000") with both inputs. */
  static List<Reference.Row> proportions;
  static List<Reference.Row> rates;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    proportions = withInputs("testdata_Proportion__testdata_Prop.csv", 100);
    rates = withInputs("testdata_Rate__testdata_Rate.csv", 100000);
    assertEquals(8, proportions.size());
    assertEquals(8, rates.size());
    StringBuilder csv = new StringBuilder(
        "indicator,area,period,value,lower95,upper95,lower998,upper998,count,denominator\n");
    for (Reference.Row r : proportions) {
      csv.append("P,F-").append(r.get("Area")).append(",2020,").append(r.get("value")).append(",,,,,")
          .append(r.get("Numerator")).append(',').append(r.get("Denominator")).append('\n');
    }
    for (Reference.Row r : rates) {
      csv.append("R,F-").append(r.get("Area")).append(",2020,").append(r.get("value")).append(",,,,,")
          .append(r.get("Numerator")).append(',').append(r.get("Denominator")).append('\n');
    }
    csv.append("P,F-PUBLISHED,2020,20,1,50,0.5,60,20,100\n");  // both levels published: kept
    csv.append("P,F-HALF,2020,20,1,50,,,20,100\n");            // 95% published: kept, 99.8% computed
    csv.append("P,F-NODEN,2020,20,,,,,20,\n");                 // no denominator: nothing to compute from
    csv.append("N,F-NOUNIT,2020,20,,,,,20,100\n");              // proportion without a unit: scale unknown
    csv.append("P,F-OTHERSCALE,2020,0.2,,,,,20,100\n");         // value is not count/denominator × 100
    Path file = dir.resolve("counts.csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    db = TestDatabase.newDatabase();
    String yaml = """
        http: {port: 0, host: 127.0.0.1}
        database: {url: "%s"}
        push: {token: "${PUSH_TOKEN}"}
        feeds:
          - name: counts
            type: tidy-csv
            source: "%s"
            interval: 1h
            indicators:
              - {id: P, name: A proportion, unit: "%%", valueType: proportion, polarity: LOW_IS_GOOD}
              - {id: R, name: A crude rate, unit: "per 100,000", valueType: crude rate, polarity: LOW_IS_GOOD}
              - {id: N, name: No unit, valueType: proportion, polarity: LOW_IS_GOOD}
            missingValues: [""]
            columns:
              indicatorId: indicator
              areaCode: area
              period: period
              value: value
              lowerCi95: lower95
              upperCi95: upper95
              lowerCi998: lower998
              upperCi998: upper998
              count: count
              denominator: denominator
        """.formatted(db.url(), file);
    vertx = Vertx.vertx();
    app = App.start(vertx, ConfigLoader.parse(yaml, ConfigFile.of(dir.resolve("test.yaml")),
        Map.of("PUSH_TOKEN", TOKEN))).await(60, TimeUnit.SECONDS);
    pool = PgBuilder.pool().connectingTo(db.connectOptions()).using(vertx).build();
    web = WebClient.create(vertx);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count("SELECT count(*) FROM observation WHERE source = 'counts'") < 21) {
      assertTrue(System.nanoTime() < deadline, "the feed did not load its 21 rows within 30 s");
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (pool != null) {
      pool.close().await(10, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.stop().await(30, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFeedRowWithCountAndDenominatorGetsWilsonOrByarsLimitsMarkedComputed() throws Exception {
    for (Reference.Row r : proportions) {
      matches(r, observation("P", "F-" + r.get("Area")), "feed proportion " + r.get("Area"));
    }
    for (Reference.Row r : rates) {
      matches(r, observation("R", "F-" + r.get("Area")), "feed rate " + r.get("Area"));
    }
  }

  @Test
  void aPushedRowGetsTheIntervalByTheValueTypeAFeedConfigured() throws Exception {
    JsonArray rows = new JsonArray();
    for (Reference.Row r : proportions) {
      rows.add(pushed("P", "U-" + r.get("Area"), r));
    }
    for (Reference.Row r : rates) {
      rows.add(pushed("R", "U-" + r.get("Area"), r));
    }
    rows.add(new JsonObject().put("indicatorId", "P").put("areaCode", "U-PUBLISHED").put("period", "2020")
        .put("value", 20).put("lowerCi95", 1).put("upperCi95", 50).put("lowerCi998", 0.5).put("upperCi998", 60)
        .put("count", 20).put("denominator", 100));
    rows.add(new JsonObject().put("indicatorId", "P").put("areaCode", "U-NODEN").put("period", "2020")
        .put("value", 20).put("count", 20));
    rows.add(new JsonObject().put("indicatorId", "UNKNOWN").put("areaCode", "U-1").put("period", "2020")
        .put("value", 20).put("count", 20).put("denominator", 100));
    HttpResponse<Buffer> answer = web.post(app.httpPort(), "127.0.0.1", "/api/observations")
        .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Content-Type", "application/json")
        .sendBuffer(rows.toBuffer()).await(60, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(19, answer.bodyAsJsonObject().getLong("inserted"), answer.bodyAsString());
    for (Reference.Row r : proportions) {
      matches(r, observation("P", "U-" + r.get("Area")), "pushed proportion " + r.get("Area"));
    }
    for (Reference.Row r : rates) {
      matches(r, observation("R", "U-" + r.get("Area")), "pushed rate " + r.get("Area"));
    }
    published(observation("P", "U-PUBLISHED"));
    nothingComputed(observation("P", "U-NODEN"));
    nothingComputed(observation("UNKNOWN", "U-1"));
    // The same rows again: the computed limits come out the same, so nothing is revised.
    HttpResponse<Buffer> again = web.post(app.httpPort(), "127.0.0.1", "/api/observations")
        .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Content-Type", "application/json")
        .sendBuffer(rows.toBuffer()).await(60, TimeUnit.SECONDS);
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(19, again.bodyAsJsonObject().getLong("unchanged"), again.bodyAsString());
    assertEquals(0, again.bodyAsJsonObject().getLong("updated"), again.bodyAsString());
  }

  @Test
  void aPublishedIntervalIsNeverOverwrittenAndAMissingInputOrScaleGivesNone() throws Exception {
    published(observation("P", "F-PUBLISHED"));
    JsonObject half = observation("P", "F-HALF");
    assertEquals(1.0, half.getDouble("lowerCi95"));
    assertEquals(50.0, half.getDouble("upperCi95"));
    Reference.Row area3 = proportions.stream().filter(r -> r.get("Area").equals("Area3")).findFirst().orElseThrow();
    Reference.close(area3.num("lower99_8cl"), half.getDouble("lowerCi998"), TOL, "F-HALF lower 99.8");
    Reference.close(area3.num("upper99_8cl"), half.getDouble("upperCi998"), TOL, "F-HALF upper 99.8");
    assertTrue(half.getBoolean("ciComputed"), half.encode());
    nothingComputed(observation("P", "F-NODEN"));
    nothingComputed(observation("N", "F-NOUNIT"));
    nothingComputed(observation("P", "F-OTHERSCALE"));
  }

  private static void matches(Reference.Row r, JsonObject o, String what) {
    Reference.close(r.num("lower95_0cl"), o.getDouble("lowerCi95"), TOL, what + " lower 95");
    Reference.close(r.num("upper95_0cl"), o.getDouble("upperCi95"), TOL, what + " upper 95");
    Reference.close(r.num("lower99_8cl"), o.getDouble("lowerCi998"), TOL, what + " lower 99.8");
    Reference.close(r.num("upper99_8cl"), o.getDouble("upperCi998"), TOL, what + " upper 99.8");
    assertTrue(o.getBoolean("ciComputed"), what + ": " + o.encode());
  }

  private static void published(JsonObject o) {
    assertEquals(1.0, o.getDouble("lowerCi95"));
    assertEquals(50.0, o.getDouble("upperCi95"));
    assertEquals(0.5, o.getDouble("lowerCi998"));
    assertEquals(60.0, o.getDouble("upperCi998"));
    assertFalse(o.getBoolean("ciComputed"), o.encode());
  }

  private static void nothingComputed(JsonObject o) {
    assertNull(o.getValue("lowerCi95"), o.encode());
    assertNull(o.getValue("upperCi95"), o.encode());
    assertNull(o.getValue("lowerCi998"), o.encode());
    assertNull(o.getValue("upperCi998"), o.encode());
    assertFalse(o.getBoolean("ciComputed"), o.encode());
  }

  private static JsonObject pushed(String indicator, String area, Reference.Row r) {
    return new JsonObject().put("indicatorId", indicator).put("areaCode", area).put("period", "2020")
        .put("value", r.num("value")).put("count", r.num("Numerator")).put("denominator", r.num("Denominator"));
  }

  /** The one observation of a series, read over HTTP ({@code GET /api/series/{id}/observations}). */
  private static JsonObject observation(String indicator, String area) throws Exception {
    Row s = pool.preparedQuery("SELECT id FROM series WHERE indicator_id = $1 AND area_code = $2")
        .execute(Tuple.of(indicator, area)).await(10, TimeUnit.SECONDS).iterator().next();
    HttpResponse<Buffer> r = web.get(app.httpPort(), "127.0.0.1", "/api/series/" + s.getLong(0) + "/observations")
        .send().await(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray list = r.bodyAsJsonArray();
    assertEquals(1, list.size(), list.encode());
    return list.getJsonObject(0);
  }

  private static List<Reference.Row> withInputs(String file, double multiplier) {
    List<Reference.Row> rows = new ArrayList<>();
    for (Reference.Row r : Reference.csv(DIR + file)) {
      if (r.num("multiplier") == multiplier && r.get("Numerator") != null && r.get("Denominator") != null
          && r.num("Numerator") <= r.num("Denominator")) {
        rows.add(r);
      }
    }
    return rows;
  }

  private static long count(String sql) throws Exception {
    return pool.query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }
}
