package io.fingerpost.metrics;

import io.fingerpost.model.SeriesKey;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.event.Events;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.config.MetricsSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.api.TargetsApi;
import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.store.Database;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetEvaluatorVerticle;
import io.fingerpost.strategy.TargetsLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API and the metrics read one definition of a target's current evaluation ({@code current_evaluation}):
 * after a NOT_ENOUGH_DATA evaluation follows a rated one, {@code GET /api/targets} and
 * {@code fingerpost_target_status_code} on {@code /metrics} give every target the same status. Real
 * PostgreSQL, the real evaluator, API and metrics verticle, over HTTP.
 */
class StatusAgreementTest {

  private static final String[] PERIODS = {"2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20", "2019 - 21",
      "2020 - 22", "2021 - 23", "2022 - 24"};

  @Test
  void apiAndMetricsAgreeAfterNotEnoughDataFollowsARatedEvaluation() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('90366', 'Life expectancy at birth', 'Years', 'Life expectancy', 'HIGH_IS_GOOD'),"
        + " ('92901', 'Inequality in life expectancy at birth', 'Years', NULL, 'LOW_IS_GOOD')");
    db.execute("INSERT INTO area (code, name, type) VALUES ('E08000027', 'Dudley', 'UA'),"
        + " ('E92000001', 'England', 'Country')");
    db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('90366', 'E08000027', 'Male', '<1 yr'),"
        + " ('90366', 'E92000001', 'Male', '<1 yr'), ('92901', 'E08000027', 'Male', '<1 yr')");
    for (int i = 0; i < PERIODS.length; i++) {
      int start = Integer.parseInt(PERIODS[i].substring(0, 4));
      db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
          + " SELECT id, '" + PERIODS[i] + "', " + start + ", " + (start + 3) + ", CASE"
          + " WHEN indicator_id = '92901' THEN " + (9.0 + 0.3 * i) + " WHEN area_code = 'E92000001' THEN 79.3"
          + " ELSE " + (78.9 + 0.01 * i) + " END, 'test' FROM series");
    }
    FingerpostMetrics metrics = FingerpostMetrics.create();
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    metrics.bind(vertx);
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      // le-birth-male (rated, then its data suppressed), inequality-le-birth-male (rated throughout),
      // le-birth-female (no series: NO_DATA, no metric)
      List<TargetDefinition> targets = TargetsLoader.loadResource("fingerpost/default/targets/dudley-2023-2033.yaml")
          .stream().filter(t -> List.of("le-birth-male", "inequality-le-birth-male", "le-birth-female")
              .contains(t.id())).toList();
      LinkedBlockingQueue<EvaluationsCreated> events = new LinkedBlockingQueue<>();
      Events.consumer(vertx, EvaluationsCreated.ADDRESS, events::add);
      vertx.deployVerticle(new MetricsVerticle(metrics, database.pool(), MetricsSettings.DEFAULT))
          .await(30, TimeUnit.SECONDS);
      vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets)).await(30, TimeUnit.SECONDS);
      assertNotNull(events.poll(15, TimeUnit.SECONDS), "no evaluations at start-up");

      Router router = Router.router(vertx);
      new TargetsApi(database.pool(), targets).mount(router);
      router.get("/metrics").handler(new MetricsHandler(metrics));
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      WebClient client = WebClient.create(vertx);
      int port = server.actualPort();
      assertEquals("ON_TRACK", status(client, port, "le-birth-male"));

      // the feed revises every Dudley value of the series to "no value" (suppressed): the baseline value
      // cannot be looked up any more, so the evaluator writes a NOT_ENOUGH_DATA row without a period
      db.execute("UPDATE observation SET value = NULL, revision = revision + 1 WHERE series_id ="
          + " (SELECT id FROM series WHERE indicator_id = '90366' AND area_code = 'E08000027')");
      Events.publish(vertx, new SeriesChanged("test", false, List.of(new SeriesChanged.Item(1,
          new SeriesKey("90366", "E08000027", "Male", "<1 yr", "", "")))));
      EvaluationsCreated event = events.poll(15, TimeUnit.SECONDS);
      assertNotNull(event, "no evaluation after the data was suppressed");
      assertEquals(List.of("le-birth-male"), event.targetIds());

      // the metrics refresh on that event: wait (bounded) until the exposition shows the second evaluation
      String text = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline && !text.contains("fingerpost_target_previous_status_code{target_id=\"le-birth-male\"")) {
        Thread.sleep(100);
        text = client.get(port, "127.0.0.1", "/metrics").send().await(10, TimeUnit.SECONDS).bodyAsString();
      }
      assertTrue(text.contains("fingerpost_target_previous_status_code{target_id=\"le-birth-male\""), text);

      JsonArray list = client.get(port, "127.0.0.1", "/api/targets").send().await(10, TimeUnit.SECONDS)
          .bodyAsJsonObject().getJsonArray("targets");
      assertEquals(3, list.size());
      for (int i = 0; i < list.size(); i++) {
        JsonObject t = list.getJsonObject(i);
        String id = t.getString("id");
        String sample = "fingerpost_target_status_code{target_id=\"" + id + "\"";
        if (t.getString("status").equals("NO_DATA")) {
          assertFalse(text.contains(sample), id + " has no evaluation, so no status code:\n" + text);
        } else {
          String code = ExpositionTest.sample(text, "fingerpost_target_status_code", "target_id=\"" + id + "\"");
          assertEquals(String.valueOf(StateCodes.STATUSES.indexOf(t.getString("status"))), code, id);
        }
      }
      // the current state is the newest evaluation; the rated one is the previous status
      assertEquals("NOT_ENOUGH_DATA", find(list, "le-birth-male").getString("status"));
      assertEquals("0", ExpositionTest.sample(text, "fingerpost_target_status_code", "target_id=\"le-birth-male\""));
      assertEquals("1", ExpositionTest.sample(text, "fingerpost_target_previous_status_code",
          "target_id=\"le-birth-male\""));
      assertEquals("OFF_TRACK", find(list, "inequality-le-birth-male").getString("status"));
      assertEquals("NO_DATA", find(list, "le-birth-female").getString("status"));
      server.close().await(10, TimeUnit.SECONDS);
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static String status(WebClient client, int port, String id) throws Exception {
    return client.get(port, "127.0.0.1", "/api/targets/" + id).send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getString("status");
  }

  private static JsonObject find(JsonArray list, String id) {
    for (int i = 0; i < list.size(); i++) {
      if (list.getJsonObject(i).getString("id").equals(id)) {
        return list.getJsonObject(i);
      }
    }
    throw new AssertionError("no target " + id + " in " + list.encode());
  }
}
