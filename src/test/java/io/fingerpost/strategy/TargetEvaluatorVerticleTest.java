package io.fingerpost.strategy;

import io.fingerpost.model.SeriesKey;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.event.Events;
import io.fingerpost.event.EvaluationsCreated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.store.Database;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The evaluator on a real (embedded) PostgreSQL: start-up evaluation of stored data, a new observation
 * → one new evaluation and one event, the same data again → none.
 */
@ExtendWith(VertxExtension.class)
class TargetEvaluatorVerticleTest {

  private static final String[] PERIODS = {"2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20", "2019 - 21",
      "2020 - 22", "2021 - 23", "2022 - 24"};
  private static final double[] DUDLEY = {78.9, 79.0, 79.5, 78.9, 78.8, 78.3, 78.6, 78.9};
  private static final double[] ENGLAND = {79.5, 79.6, 79.7, 79.3, 79.0, 78.9, 79.1, 79.5};

  static TestDatabase.Db db;

  @BeforeAll
  static void data() {
    db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('90366', 'Life expectancy at birth', 'Years', 'Life expectancy', 'HIGH_IS_GOOD')");
    db.execute("INSERT INTO area (code, name, type, parent_code) VALUES ('E08000027', 'Dudley', 'UA', NULL),"
        + " ('E92000001', 'England', 'Country', NULL)");
    db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('90366', 'E08000027', 'Male',"
        + " '<1 yr'), ('90366', 'E92000001', 'Male', '<1 yr')");
    for (int i = 0; i < PERIODS.length; i++) {
      insert("E08000027", PERIODS[i], DUDLEY[i]);
      insert("E92000001", PERIODS[i], ENGLAND[i]);
    }
  }

  private static void insert(String area, String period, double value) {
    int start = Integer.parseInt(period.substring(0, 4));
    db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
        + " SELECT id, '" + period + "', " + start + ", " + (start + 3) + ", " + value + ", 'test'"
        + " FROM series WHERE area_code = '" + area + "'");
  }

  static Database database;

  @AfterAll
  static void close() throws Exception {
    if (database != null) {
      database.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static List<TargetDefinition> targets() {
    return TargetsLoader.loadResource(DudleyTargetsFileTest.RESOURCE).stream()
        .filter(t -> List.of("le-birth-male", "le-birth-female", "food-banks").contains(t.id())).toList();
  }

  @Test
  void evaluatesOnStartAndOnChangeOnlyWhenSomethingChanged(Vertx vertx) throws Exception {
    database = db.start(vertx).await(60, TimeUnit.SECONDS);
    LinkedBlockingQueue<EvaluationsCreated> events = new LinkedBlockingQueue<>();
    Events.consumer(vertx, EvaluationsCreated.ADDRESS, events::add);
    TargetEvaluatorVerticle evaluator = new TargetEvaluatorVerticle(database.pool(), targets());
    vertx.deployVerticle(evaluator).await(30, TimeUnit.SECONDS);

    // start-up: the stored data is evaluated, as an initial load (never evaluated before)
    EvaluationsCreated first = events.poll(10, TimeUnit.SECONDS);
    assertTrue(first != null, "no evaluations at start-up");
    assertTrue(first.initialLoad());
    assertEquals(List.of("le-birth-male"), first.targetIds());
    Row row = one("SELECT * FROM evaluation WHERE target_id = 'le-birth-male' ORDER BY id DESC LIMIT 1");
    // b = 78.9 (2018 - 20), g = England 2018 - 20 = 79.3 by 2031 - 33 (t₁ = 2032.5); latest 2022 - 24
    // (t = 2023.5): expected = 78.9 + 0.4·4/13 = 79.023077, d = −0.123077 ≥ −0.25 → ON_TRACK
    assertEquals("2022 - 24", row.getString("period"));
    assertEquals("ON_TRACK", row.getString("status"));
    assertEquals(78.9 + 0.4 * 4 / 13, row.getDouble("expected"), 1e-9);
    assertEquals("Not compared", row.getString("compared_to_england"));
    assertEquals(1, row.getInteger("observation_revision"));
    assertTrue(row.getBoolean("initial_load"));
    Row target = one("SELECT * FROM target WHERE id = 'le-birth-male'");
    assertEquals(78.9, target.getDouble("baseline_value"), 1e-12);
    assertEquals(79.3, target.getDouble("target_value"), 1e-12);
    assertNull(target.getString("warning"));
    // targets without a series are warned about, not evaluated
    assertTrue(one("SELECT warning FROM target WHERE id = 'le-birth-female'").getString("warning")
        .startsWith("no series for indicator 90366 in E08000027 (Female, <1 yr)"));
    // (a target marked noData: since issue 13 le-65-male has its printed baseline, so a theme without one)
    assertTrue(one("SELECT warning FROM target WHERE id = 'food-banks'").getString("warning")
        .startsWith("no data: no measure printed in the strategy and none in the bundled data"
            + " (indicator dudley-his.food-banks"));
    assertEquals(2, evaluator.warnings().size());

    // a new observation: one new evaluation, within a second, not an initial load
    insert("E08000027", "2023 - 25", 78.4);
    long sent = System.nanoTime();
    Events.publish(vertx, changed(false));
    EvaluationsCreated second = events.poll(5, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(second != null, "no evaluation after the change");
    assertTrue(ms < 1000, "took " + ms + " ms");
    assertFalse(second.initialLoad());
    assertEquals(1, second.evaluationIds().size());
    // t = 2024.5: expected = 78.9 + 0.4·5/13 = 79.053846, d = −0.653846 < −0.5 → OFF_TRACK
    Row latest = one("SELECT * FROM evaluation WHERE id = " + second.evaluationIds().get(0));
    assertEquals("OFF_TRACK", latest.getString("status"));
    assertEquals("2023 - 25", latest.getString("period"));
    assertTrue(latest.getString("explanation").startsWith("Dudley, Life expectancy at birth, male (years)"
        + " 2023 - 25: 78.4 years, 0.65 below its trajectory to 79.3 by 2031 - 33 (red, tolerance 0.5;"
        + " expected 79.05); projected "), latest.getString("explanation"));

    // the same data again (e.g. England's series reported changed, nothing new): no row, no event
    Events.publish(vertx, changed(false));
    assertNull(events.poll(1500, TimeUnit.MILLISECONDS));
    assertEquals(2L, one("SELECT count(*) FROM evaluation").getLong(0));

    // a restart on unchanged data writes nothing either
    vertx.undeploy(evaluator.deploymentID()).await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets())).await(30, TimeUnit.SECONDS);
    assertNull(events.poll(1500, TimeUnit.MILLISECONDS));
    assertEquals(2L, one("SELECT count(*) FROM evaluation").getLong(0));
  }

  private static SeriesChanged changed(boolean initialLoad) {
    return new SeriesChanged("test", initialLoad, List.of(
        new SeriesChanged.Item(1, new SeriesKey("90366", "E08000027", "Male", "<1 yr", "", ""))));
  }

  private static Row one(String sql) throws Exception {
    return database.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next();
  }
}
