package io.fingerpost.alert;

import io.fingerpost.config.AlertsConfig;
import io.fingerpost.config.DeliveryConfig;
import io.fingerpost.config.ReceiverConfig;
import io.fingerpost.event.Events;
import io.fingerpost.event.EvaluationsCreated;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Evaluations → alerts verticle → notifier → a real Alertmanager whose resolve_timeout (3 s) is shorter than
 * the test: the alert stays active only because the notifier re-sends it, and resolves when the series
 * recovers.
 */
class AlertmanagerFlowTest {

  @Test
  void firingAlertIsKeptAliveByResendsAndResolves() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Evaluations.insertTarget(db, "smoking", "Adults who smoke", "92443", "E08000027", "", "Primary care networks",
        "Place", "2028", 10);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(db.connectOptions()).using(vertx).build();
    try (AlertmanagerServer am = AlertmanagerServer.start("3s")) {
      AlertsConfig cfg = new AlertsConfig(true, "http://127.0.0.1:8080", null, null,
          Map.of("am", new ReceiverConfig("alertmanager", am.url, null, null, null, null, null)), List.of(), List.of("am"),
          null, new DeliveryConfig(Duration.ofMillis(50), Duration.ofMillis(500), null, Duration.ofSeconds(1),
              Duration.ofSeconds(1), null));
      AlertsVerticle verticle = new AlertsVerticle(cfg, pool, Clock.systemUTC());
      vertx.deployVerticle(verticle).await();

      publish(vertx, insert(pool, "2021", "AT_RISK", 14.0));
      verticle.idle().await();
      JsonArray active = waitFor(am, a -> a.size() == 1, Duration.ofSeconds(15));
      JsonObject labels = active.getJsonObject(0).getJsonObject("labels");
      assertEquals("warning", labels.getString("severity"));
      assertEquals("Primary care networks", labels.getString("team"));
      Thread.sleep(5000); // longer than resolve_timeout: still active thanks to the re-sends
      assertEquals(1, new JsonArray(am.alerts()).size(), "kept alive by re-sending");

      publish(vertx, insert(pool, "2022", "ON_TRACK", 11.0));
      verticle.idle().await();
      waitFor(am, JsonArray::isEmpty, Duration.ofSeconds(15));
    } finally {
      vertx.close().await();
    }
  }

  private static long insert(Pool pool, String period, String status, double value) {
    return pool.preparedQuery("INSERT INTO evaluation (target_id, series_id, period, observation_revision, evaluated_at,"
            + " initial_load, status, value, expected, deviation, amber_tolerance, red_tolerance, explanation, verdicts,"
            + " fingerprint) VALUES ('smoking', NULL, $1, 1, now(), false, $2, $3, 12, 12 - $3, 1, 3, '', '{}', $1)"
            + " RETURNING id")
        .execute(Tuple.of(period, status, value)).await().iterator().next().getLong(0);
  }

  private static void publish(Vertx vertx, long id) {
    Events.publish(vertx, new EvaluationsCreated(false, List.of(id), List.of()));
  }

  private static JsonArray waitFor(AlertmanagerServer am, java.util.function.Predicate<JsonArray> ok, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    JsonArray last;
    do {
      last = new JsonArray(am.alerts());
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("Alertmanager never reached the expected state; last: " + last.encode());
  }
}
