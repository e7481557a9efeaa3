package io.fingerpost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reliability issue, items 2 and 11, over real HTTP against the service on a real PostgreSQL: every pushed
 * row is checked before anything is written, bad rows are listed with line and reason, good rows are stored,
 * and one request is one transaction (all its good rows or none, never an indicator or series alone).
 */
class PushValidationTest {
  static final String TOKEN = "push-token";
  static TestDatabase.Db db;
  static Vertx vertx;
  static App app;
  static Pool pool;
  static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.newDatabase();
    String yaml = """
        http: {port: 0, host: 127.0.0.1}
        database: {url: "%s"}
        push: {token: "${PUSH_TOKEN}"}
        """.formatted(db.url());
    vertx = Vertx.vertx();
    app = App.start(vertx, ConfigLoader.parse(yaml, ConfigFile.of(Path.of("test.yaml")),
        Map.of("PUSH_TOKEN", TOKEN))).await(60, TimeUnit.SECONDS);
    pool = PgBuilder.pool().connectingTo(db.connectOptions()).using(vertx).build();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    app.stop().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aNulInRow75001Of100kRejectsThatRowAndStoresTheOther99999() throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = 1; i <= 100_000; i++) {
      String note = i == 75_001 ? ",\"valueNote\":\"bad\\u0000note\"" : "";
      body.append(i > 1 ? "," : "").append("{\"indicatorId\":\"big\",\"areaCode\":\"A").append(i % 1000)
          .append("\",\"sex\":\"Persons\",\"age\":\"All ages\",\"period\":\"").append(1901 + i / 1000)
          .append("\",\"value\":").append(i).append(note).append('}');
    }
    JsonObject answer = ok(push(body.append(']').toString(), "application/json"));
    assertEquals(100_000, answer.getLong("rowsRead"));
    assertEquals(99_999, answer.getLong("inserted"), answer.getLong("inserted").toString());
    assertEquals(1, answer.getLong("rejected"));
    JsonObject rejection = answer.getJsonArray("rejections").getJsonObject(0);
    assertEquals(75_001, rejection.getLong("line"));
    assertTrue(rejection.getString("reason").contains("valueNote holds a NUL byte"), rejection.encode());
    assertEquals(99_999L, count("SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id"
        + " WHERE s.indicator_id = 'big'"));
    assertEquals(0L, count("SELECT count(*) FROM observation WHERE value = 75001"));
  }

  @Test
  void aGoodRowIsStoredBesideABadOneAndNothingIsHalfWritten() throws Exception {
    JsonObject answer = ok(push("""
        [{"indicatorId":"good","areaCode":"G1","period":"2020","value":1},
         {"indicatorId":"half","areaCode":"H1","areaName":"Half","period":"2020","value":2,"valueNote":"x\\u0000"}]""",
        "application/json"));
    assertEquals(1, answer.getLong("inserted"));
    assertEquals(List.of(2L), lines(answer));
    assertEquals(1L, count("SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id"
        + " WHERE s.indicator_id = 'good'"));
    nothingOf("half", "H1");
  }

  @Test
  void overlongKeysAndLoneSurrogatesAreRejectionsNotErrorsNorEmptySeries() throws Exception {
    String longCode = "E".repeat(100_000);
    JsonObject answer = ok(push("[{\"indicatorId\":\"long\",\"areaCode\":\"" + longCode + "\",\"period\":\"2020\",\"value\":1},"
        + "{\"indicatorId\":\"long\",\"areaCode\":\"L1\",\"sex\":\"" + "M".repeat(100_000) + "\",\"period\":\"2020\",\"value\":1},"
        + "{\"indicatorId\":\"lone\",\"areaCode\":\"S\\ud800\",\"period\":\"2020\",\"value\":1}]", "application/json"));
    assertEquals(List.of(1L, 2L, 3L), lines(answer));
    assertTrue(reason(answer, 0).contains("areaCode has 100000 characters, at most 64"), answer.encode());
    assertTrue(reason(answer, 1).contains("sex has 100000 characters"), answer.encode());
    assertTrue(reason(answer, 2).contains("lone surrogate"), answer.encode());
    nothingOf("long", "L1");
    nothingOf("lone", "S");
  }

  @Test
  void implausibleNumbersPeriodsIdsAndTextAreRejectedWithAReason() throws Exception {
    JsonObject answer = ok(push("""
        [{"indicatorId":"odd","areaCode":"O1","period":"2001","value":1,"count":-1},
         {"indicatorId":"odd","areaCode":"O1","period":"2002","value":1,"denominator":-10},
         {"indicatorId":"odd","areaCode":"O1","period":"2003","value":1,"lowerCi95":3,"upperCi95":2},
         {"indicatorId":"odd","areaCode":"O1","period":"2004","value":1e300},
         {"indicatorId":"odd","areaCode":"O1","period":"0000","value":1},
         {"indicatorId":"odd","areaCode":"O1","period":"2006","value":"5d"},
         {"indicatorId":90366.0,"areaCode":"O1","period":"2007","value":1},
         {"indicatorId":"odd","areaCode":"O1\\u0000","period":"2008","value":1},
         {"indicatorId":"odd","areaCode":"O1","period":"2009","value":5,"lowerCi95":1,"upperCi95":2},
         {"indicatorId":90366,"areaCode":"O1","period":"2010","value":1}]""", "application/json"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), lines(answer), answer.encode());
    List<String> expected = List.of("count -1 is negative", "denominator -10 is negative",
        "the lower 95% limit 3 is above the upper 2", "beyond ±1e15", "outside the years 1800–2200",
        "value '5d' is not a number", "indicatorId must be a string", "areaCode holds a NUL byte");
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(reason(answer, i).contains(expected.get(i)), i + ": " + answer.encode());
    }
    // plausible but odd: stored, and listed as a warning
    assertEquals(2, answer.getLong("inserted"), answer.encode());
    JsonObject warning = answer.getJsonArray("warnings").getJsonObject(0);
    assertEquals(9, warning.getLong("line"));
    assertTrue(warning.getString("reason").contains("outside its own 95% confidence interval"), warning.encode());
    assertEquals(List.of("90366", "odd"), pool.query("SELECT id FROM indicator WHERE id IN ('odd', '90366', '90366.0')"
        + " ORDER BY id").execute().await(10, TimeUnit.SECONDS).stream().map(r -> r.getString(0)).toList());
    // the feed's rejection list has the rejections and, flagged, the warning
    JsonArray listed = web.get(app.httpPort(), "127.0.0.1", "/api/feeds/push/rejections?limit=1000").send()
        .await(10, TimeUnit.SECONDS).bodyAsJsonArray();
    assertTrue(listed.stream().map(o -> ((JsonObject) o).getString("reason"))
        .anyMatch(r -> r.startsWith("warning: value 5 is outside")), listed.encode());
  }

  @Test
  void badBytesRejectTheirRowInJsonAndCsvNeverStoredAsReplacementCharacters() throws Exception {
    byte[] json = "[{\"indicatorId\":\"bytes\",\"areaCode\":\"B1\",\"areaName\":\"Bad@\",\"period\":\"2020\",\"value\":1},"
        .concat("{\"indicatorId\":\"bytes\",\"areaCode\":\"B2\",\"period\":\"2020\",\"value\":2}]")
        .getBytes(StandardCharsets.UTF_8);
    json[indexOf(json, (byte) '@')] = (byte) 0xFF;
    JsonObject answer = ok(push(Buffer.buffer(json), "application/json"));
    assertEquals(List.of(1L), lines(answer));
    assertTrue(reason(answer, 0).contains("areaName holds bytes that are not UTF-8"), answer.encode());
    byte[] csv = ("indicatorId,areaCode,period,value,valueNote\nbytes,C1,2020,1,ok\nbytes,C2,2020,2,n@l\n"
        + "bytes,C3,2020,3,in#valid\n").getBytes(StandardCharsets.UTF_8);
    csv[indexOf(csv, (byte) '@')] = 0;
    csv[indexOf(csv, (byte) '#')] = (byte) 0xC3;
    answer = ok(push(Buffer.buffer(csv), "text/csv"));
    assertEquals(List.of(3L, 4L), lines(answer), answer.encode());
    assertEquals(1, answer.getLong("inserted"));
    assertEquals(0L, count("SELECT count(*) FROM area WHERE name LIKE '%' || chr(65533) || '%'"));
    assertEquals(2L, count("SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id"
        + " WHERE s.indicator_id = 'bytes'"));
  }

  /** A write that fails in the database (a trigger refuses one row) leaves nothing of the request behind. */
  @Test
  void aRequestIsOneTransactionAllItsGoodRowsOrNone() throws Exception {
    db.execute("""
        CREATE FUNCTION refuse_666() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.value = 666 THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER refuse_666 BEFORE INSERT ON observation FOR EACH ROW EXECUTE FUNCTION refuse_666();""");
    try {
      HttpResponse<Buffer> r = push("""
          [{"indicatorId":"atomic","indicatorName":"Atomic","areaCode":"T1","areaName":"Tee","period":"2020","value":1},
           {"indicatorId":"atomic","areaCode":"T2","period":"2020","value":666}]""", "application/json");
      assertEquals(500, r.statusCode(), r.bodyAsString());
      assertFalse(r.bodyAsString().contains("refused by test"), "no database text to the client");
      nothingOf("atomic", "T1");
      nothingOf("atomic", "T2");
    } finally {
      db.execute("DROP TRIGGER refuse_666 ON observation; DROP FUNCTION refuse_666();");
    }
    // the same request without the refusal is stored whole, so the catalog cached nothing of the failed one
    JsonObject answer = ok(push("""
        [{"indicatorId":"atomic","areaCode":"T1","period":"2020","value":1},
         {"indicatorId":"atomic","areaCode":"T2","period":"2020","value":666}]""", "application/json"));
    assertEquals(2, answer.getLong("inserted"));
    assertEquals(2L, count("SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id"
        + " WHERE s.indicator_id = 'atomic'"));
  }

  private static void nothingOf(String indicator, String area) throws Exception {
    assertEquals(0L, count("SELECT count(*) FROM indicator WHERE id = '" + indicator + "'"), "indicator " + indicator);
    assertEquals(0L, count("SELECT count(*) FROM series WHERE indicator_id = '" + indicator + "'"), "series " + indicator);
    assertEquals(0L, count("SELECT count(*) FROM area WHERE code LIKE '" + area + "%'"), "area " + area);
  }

  private static int indexOf(byte[] bytes, byte b) throws Exception {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new AssertionError("no " + b);
  }

  private static List<Long> lines(JsonObject answer) throws Exception {
    return answer.getJsonArray("rejections").stream().map(o -> ((JsonObject) o).getLong("line")).toList();
  }

  private static String reason(JsonObject answer, int i) throws Exception {
    return answer.getJsonArray("rejections").getJsonObject(i).getString("reason");
  }

  private static JsonObject ok(HttpResponse<Buffer> r) throws Exception {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> push(String body, String type) throws Exception {
    return push(Buffer.buffer(body), type);
  }

  private static HttpResponse<Buffer> push(Buffer body, String type) throws Exception {
    return web.post(app.httpPort(), "127.0.0.1", "/api/observations").putHeader("Authorization", "Bearer " + TOKEN)
        .putHeader("Content-Type", type).sendBuffer(body).await(120, TimeUnit.SECONDS);
  }

  private static long count(String sql) throws Exception {
    return pool.query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }
}
