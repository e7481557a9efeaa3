package io.fingerpost.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The service on its bundled default configuration with the alert receivers pointed at a webhook: loading
 * the bundled history sends nothing; a deteriorating pushed observation for a Dudley target sends exactly one
 * notification, to the owning team's route; a recovering one resolves it.
 */
class AlertsEndToEndTest {
  static final String TOKEN = "e2e-token";

  @Test
  void historyIsSilentDeteriorationNotifiesTheTeamOnceRecoveryResolves() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    HttpServer hook = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      received.add(b.toJsonObject().put("_key", req.getHeader(HttpReceiver.IDEMPOTENCY_HEADER)));
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await();
    TestDatabase.Db db = TestDatabase.newDatabase();
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of("FINGERPOST_PUSH_TOKEN", TOKEN,
        "FINGERPOST_ALERT_RECEIVER", "webhook",
        "FINGERPOST_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + hook.actualPort() + "/alerts"));
    FingerpostConfig cfg = def.config().withDatabase(db.config()).withHttpPort(0);
    App app = App.start(vertx, new ConfigLoader.Loaded(cfg, def.file())).await(120, TimeUnit.SECONDS);
    WebClient web = WebClient.create(vertx);
    Pool pool = app.context().pool();
    try {
      int port = app.httpPort();
      waitUntil(() -> web.get(port, "127.0.0.1", "/ready").send().await(10, TimeUnit.SECONDS).statusCode() == 200,
          Duration.ofSeconds(120));
      // history: the app's own evaluator writes evaluations, alerts record them as history, nothing is sent
      waitUntil(() -> latestStatus(pool, "le-birth-male") != null, Duration.ofSeconds(60));
      waitForQuiet(pool);
      assertEquals("ON_TRACK", latestStatus(pool, "le-birth-male"), "precondition: on track after the history");
      assertTrue(count(pool, "SELECT count(*) FROM alert_transition WHERE initial_load") > 0, "history recorded");
      assertEquals(0, count(pool, "SELECT count(*) FROM outbox"));
      Thread.sleep(500);
      assertEquals(List.of(), received, "loading the history notifies nobody");

      // deterioration: life expectancy (male) 78.0 in 2024 - 26, a year behind the trajectory (red is 0.5)
      push(web, port, "2024 - 26", 78.0);
      waitUntil(() -> !received.isEmpty(), Duration.ofSeconds(60));
      waitForQuiet(pool);
      Thread.sleep(1000);
      assertEquals(1, received.size(), "exactly one notification: " + received);
      JsonObject fired = received.get(0);
      assertEquals("public-health", fired.getString("receiver"));
      assertEquals("firing", fired.getString("status"));
      JsonObject off = alertOf(fired, "le-birth-male", "off_trajectory");
      assertEquals("critical", off.getJsonObject("labels").getString("severity"));
      assertEquals("firing", off.getString("status"));
      assertTrue(off.getJsonObject("annotations").getString("description").contains("was 78 Years in 2024 - 26"),
          off.encode());

      // recovery: 79.4 in 2025 - 27 is ahead of the trajectory
      push(web, port, "2025 - 27", 79.4);
      waitUntil(() -> received.size() >= 2, Duration.ofSeconds(60));
      waitForQuiet(pool);
      Thread.sleep(1000);
      assertEquals(2, received.size(), "one more notification: " + received);
      assertEquals("public-health", received.get(1).getString("receiver"));
      assertEquals("resolved", alertOf(received.get(1), "le-birth-male", "off_trajectory").getString("status"));

      JsonObject detail = web.get(port, "127.0.0.1", "/api/alerts/" + off.getString("fingerprint"))
          .putHeader("Authorization", "Bearer " + TOKEN).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertEquals("resolved", detail.getString("state"));
      assertEquals(2, detail.getJsonArray("deliveries").size());
    } finally {
      app.stop().await(60, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static JsonObject alertOf(JsonObject notification, String target, String rule) {
    for (Object o : notification.getJsonArray("alerts")) {
      JsonObject a = (JsonObject) o;
      if (target.equals(a.getJsonObject("labels").getString("target")) && rule.equals(a.getJsonObject("labels").getString("rule"))) {
        return a;
      }
    }
    throw new AssertionError("no " + rule + " alert for " + target + " in " + notification.encodePrettily());
  }

  static void push(WebClient web, int port, String period, double value) throws Exception {
    JsonArray body = new JsonArray().add(new JsonObject().put("indicatorId", "90366").put("areaCode", "E08000027")
        .put("sex", "Male").put("age", "<1 yr").put("period", period).put("value", value));
    HttpResponse<Buffer> r = web.post(port, "127.0.0.1", "/api/observations")
        .putHeader("Authorization", "Bearer " + TOKEN).sendJson(body).await(30, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  static String latestStatus(Pool pool, String target) {
    var rows = pool.preparedQuery("SELECT status FROM evaluation WHERE target_id = $1 ORDER BY id DESC LIMIT 1")
        .execute(io.vertx.sqlclient.Tuple.of(target)).await();
    return rows.size() == 0 ? null : rows.iterator().next().getString(0);
  }

  static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }

  /** Waits until evaluations and alert transitions stop changing for a second (bounded). */
  static void waitForQuiet(Pool pool) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    int stable = 0;
    while (System.nanoTime() < deadline) {
      String now = count(pool, "SELECT count(*) FROM evaluation") + "/" + count(pool, "SELECT count(*) FROM alert_transition")
          + "/" + count(pool, "SELECT count(*) FROM outbox WHERE status = 'pending'");
      stable = now.equals(last) ? stable + 1 : 0;
      if (stable >= 4 && now.endsWith("/0")) {
        return;
      }
      last = now;
      Thread.sleep(250);
    }
    throw new AssertionError("evaluations and alerts never settled: " + last);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitUntil(Check check, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + max);
      }
      Thread.sleep(200);
    }
  }
}
