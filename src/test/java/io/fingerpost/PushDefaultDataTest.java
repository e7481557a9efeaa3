package io.fingerpost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.config.MetricsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Reliability issue, items 13 and 6, on the bundled default data over real HTTP: the README's push example,
 * sent literally, lands on Dudley's male life expectancy series (age "<1 yr", which the example leaves out)
 * and is answered as the README says; a push cannot rename an area or indicator a feed named, in the API or
 * in the metric labels, but may name an area nobody named.
 */
class PushDefaultDataTest {

  @Test
  void theReadmePushExampleWorksAsWrittenAndPushedNamesNeverOverwriteAFeeds() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String example = group(readme, "(?s)```\\n(FINGERPOST_PUSH_TOKEN=.*?curl -X POST.*?)```");
    String token = group(example, "FINGERPOST_PUSH_TOKEN=(\\S+)");
    assertEquals(token, group(example, "Authorization: Bearer ([^']+)'"));
    String path = group(example, "'http://localhost:8080(/api/observations)'");
    String type = group(example, "Content-Type: ([^']+)'");
    String body = group(example, "-d '(.*)'");
    JsonObject documented = new JsonObject(group(readme, "The answer is `(\\{.*?\\})`"));

    TestDatabase.Db db = TestDatabase.newDatabase();
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of("FINGERPOST_PUSH_TOKEN", token));
    FingerpostConfig c = def.config().withDatabase(db.config()).withHttpPort(0);
    // metrics re-read soon after an evaluation, so the labels after the pushes are seen within the test
    c = new FingerpostConfig(c.http(), c.database(), c.feeds(), c.push(), c.targets(), c.alerts(),
        new MetricsSettings(c.metrics().scope(), c.metrics().maxSeries(), Duration.ofMillis(300)));
    Vertx vertx = Vertx.vertx();
    App app = App.start(vertx, new ConfigLoader.Loaded(c, def.file())).await(60, TimeUnit.SECONDS);
    try {
      WebClient web = WebClient.create(vertx);
      int port = app.httpPort();
      long deadline = System.currentTimeMillis() + 60_000;
      int ready;
      do {
        Thread.sleep(200);
        ready = web.get(port, "127.0.0.1", "/ready").send().await(10, TimeUnit.SECONDS).statusCode();
      } while (ready != 200 && System.currentTimeMillis() < deadline);
      assertEquals(200, ready);

      HttpResponse<Buffer> pushed = web.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token)
          .putHeader("Content-Type", type).sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
      assertEquals(200, pushed.statusCode(), pushed.bodyAsString());
      assertEquals(documented, pushed.bodyAsJsonObject());
      JsonArray obs = get(web, port, "/api/observations?indicator=90366&area=E08000027&sex=Male").bodyAsJsonArray();
      assertEquals(10, obs.size(), obs.encode());
      assertEquals("2024 - 26", obs.getJsonObject(9).getString("period"));
      assertEquals(79.4, obs.getJsonObject(9).getDouble("value"));
      JsonArray series = get(web, port, "/api/series?indicator=90366&area=E08000027&sex=Male").bodyAsJsonArray();
      assertEquals(1, series.size(), "no new series without age: " + series.encode());
      assertEquals("<1 yr", series.getJsonObject(0).getString("age"));

      // several series match (Male and Female): the row is rejected with the choices, nothing stored
      JsonObject ambiguous = push(web, port, token, "[{\"indicatorId\":\"90366\",\"areaCode\":\"E08000027\","
          + "\"period\":\"2024 - 26\",\"value\":80}]");
      assertEquals(1, ambiguous.getLong("rejected"), ambiguous.encode());
      assertTrue(ambiguous.getJsonArray("rejections").getJsonObject(0).getString("reason")
          .contains("sex: \"Female\", \"Male\""), ambiguous.encode());

      JsonObject renamed = push(web, port, token, """
          [{"indicatorId":"90366","indicatorName":"PWNED","areaCode":"E08000027","areaName":"PWNED <script>",
            "areaType":"PWNED","parentCode":"E99999999","sex":"Male","period":"2024 - 26","value":79.6},
           {"indicatorId":"90366","areaCode":"X00000001","areaName":"Pushed place","sex":"Male","age":"<1 yr",
            "period":"2024 - 26","value":70}]""");
      assertEquals(1, renamed.getLong("updated"), renamed.encode());
      JsonObject dudley = get(web, port, "/api/areas/E08000027").bodyAsJsonObject();
      assertEquals("Dudley", dudley.getString("name"));
      assertEquals("E12000005", dudley.getString("parentCode"));
      assertEquals("Life expectancy at birth", get(web, port, "/api/indicators/90366").bodyAsJsonObject()
          .getString("name"));
      assertEquals("Pushed place", get(web, port, "/api/areas/X00000001").bodyAsJsonObject().getString("name"),
          "a push may name an area nobody named");

      // the metrics re-read after the evaluation the push caused: labels still say Dudley
      Pattern valueLine = Pattern.compile("(?m)^fingerpost_indicator_value\\{[^}]*target_id=\"le-birth-male\"[^}]*} 79\\.6$");
      String metrics;
      Matcher m;
      deadline = System.currentTimeMillis() + 30_000;
      do {
        Thread.sleep(200);
        metrics = get(web, port, "/metrics").bodyAsString();
        m = valueLine.matcher(metrics);
      } while (!m.find() && System.currentTimeMillis() < deadline);
      assertTrue(m.find(0), "le-birth-male valued 79.6 in the metrics");
      // the names are on the target's info sample (value samples carry identifying labels only)
      Matcher info = Pattern.compile("(?m)^fingerpost_target_info\\{[^}]*target_id=\"le-birth-male\"[^}]*} 1$").matcher(metrics);
      assertTrue(info.find(), "le-birth-male has its info sample");
      assertTrue(info.group().contains("area_name=\"Dudley\""), info.group());
      assertTrue(info.group().contains("indicator_name=\"Life expectancy at birth\""), info.group());
      assertTrue(m.group().contains("area_code=\"E08000027\""), m.group());
      assertFalse(metrics.contains("PWNED"), "no pushed name in any metric label");
    } finally {
      app.stop().await(60, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static JsonObject push(WebClient web, int port, String token, String body) throws Exception {
    HttpResponse<Buffer> r = web.post(port, "127.0.0.1", "/api/observations").putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> get(WebClient web, int port, String uri) throws Exception {
    HttpResponse<Buffer> r = web.get(port, "127.0.0.1", uri).send().await(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), uri + ": " + r.bodyAsString());
    return r;
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "README has " + regex);
    String g = m.group(1);
    assertNotNull(g);
    return g;
  }
}
