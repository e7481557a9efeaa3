package io.fingerpost.strategy;

import io.fingerpost.event.Events;
import io.fingerpost.event.EvaluationsCreated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.store.Database;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A target whose evaluation fails (here: its series holds a poisoned row, a period that ends before it
 * starts, which no period can be made of) is counted in {@code fingerpost_evaluation_failures_total}, and
 * the other targets of the round are still evaluated. Real PostgreSQL, the real evaluator and meters.
 */
class EvaluationFailuresTest {

  @Test
  void aFailingEvaluationIsCounted() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('90366', 'Life expectancy at birth', 'Years', 'Life expectancy', 'HIGH_IS_GOOD'),"
        + " ('92901', 'Inequality in life expectancy at birth', 'Years', NULL, 'LOW_IS_GOOD')");
    db.execute("INSERT INTO area (code, name, type) VALUES ('E08000027', 'Dudley', 'UA')");
    db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('90366', 'E08000027', 'Male', '<1 yr'),"
        + " ('92901', 'E08000027', 'Male', '<1 yr')");
    for (int start = 2016; start <= 2021; start++) {
      String period = start + " - " + String.valueOf(start + 2).substring(2);
      db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
          + " SELECT id, '" + period + "', " + start + ", " + (start + 3) + ", "
          + "CASE WHEN indicator_id = '92901' THEN 9.5 ELSE 79.0 END, 'test' FROM series");
    }
    // the poisoned row: ends before it starts (the store's own writers never make one; a hand edit could)
    db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
        + " SELECT id, '2022 - 24', 2025, 2022, 79.1, 'hand edit' FROM series WHERE indicator_id = '90366'");

    FingerpostMetrics metrics = FingerpostMetrics.create();
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    metrics.bind(vertx);
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      List<TargetDefinition> targets = TargetsLoader.loadResource(DudleyTargetsFileTest.RESOURCE).stream()
          .filter(t -> List.of("le-birth-male", "inequality-le-birth-male").contains(t.id())).toList();
      LinkedBlockingQueue<EvaluationsCreated> events = new LinkedBlockingQueue<>();
      Events.consumer(vertx, EvaluationsCreated.ADDRESS, events::add);
      vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets)).await(30, TimeUnit.SECONDS);

      // the round evaluates the healthy target (one event) and counts the poisoned one as failed
      EvaluationsCreated event = events.poll(15, TimeUnit.SECONDS);
      assertNotNull(event, "the healthy target was not evaluated");
      assertEquals(List.of("inequality-le-birth-male"), event.targetIds());
      Counter failures = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline
          && (failures = metrics.registry().find("fingerpost.evaluation.failures").counter()) == null) {
        Thread.sleep(50);
      }
      assertNotNull(failures, "no evaluation batch recorded");
      assertEquals(1.0, failures.count());
      assertEquals(1.0, metrics.registry().find("fingerpost.evaluations").counter().count());
      String exposition = metrics.registry().scrape();
      assertTrue(exposition.contains("fingerpost_evaluation_failures_total 1.0"), exposition);
      assertEquals(0L, count(database, "SELECT count(*) FROM evaluation WHERE target_id = 'le-birth-male'"));
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static long count(Database database, String sql) throws Exception {
    return database.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }
}
