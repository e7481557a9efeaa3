package io.fingerpost.strategy;

import io.fingerpost.event.Events;
import io.fingerpost.event.EvaluationsCreated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fingerpost.TestDatabase;
import io.fingerpost.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The slope index of inequality through the real evaluator: a target's series with its deprivation quintiles
 * (and their populations) in the database gets the SII (phe_sii, Sii) in its evaluation row.
 *
 * <p>Hand-computed case: populations 200, 100, 100, 100, 100 (most to least deprived) give shares a = 1/3,
 * 1/6 × 4 and relative ranks b = 1/6, 5/12, 7/12, 9/12, 11/12; values 72, 75, 77, 79, 81 lie exactly on
 * y = 70 + 12·b, so the population-weighted regression's slope, the SII, is 12 (equal shares would give 11:
 * the weighting is checked). Gap: most − least = 72 − 81 = −9, relative 72/81.
 */
@ExtendWith(VertxExtension.class)
class SiiEvaluationTest {

  private static final String[][] QUINTILES = {
    // inserted out of order: the order comes from the labels
    {"Average deprived quintile", "77", "100"},
    {"Least deprived quintile", "81", "100"},
    {"Most deprived quintile", "72", "200"},
    {"Second least deprived quintile", "79", "100"},
    {"Second most deprived quintile", "75", "100"}};

  @Test
  void siiOfTheDeprivationQuintilesIsStored(Vertx vertx) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('90366', 'Life expectancy at birth', 'Years', 'Life expectancy', 'HIGH_IS_GOOD')");
    db.execute("INSERT INTO area (code, name, type) VALUES ('E08000027', 'Dudley', 'UA'), ('E92000001', 'England', 'Country')");
    db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('90366', 'E08000027', 'Male', '<1 yr'),"
        + " ('90366', 'E92000001', 'Male', '<1 yr')");
    // the target's goal is England's value in 2018 - 20
    db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
        + " SELECT id, '2018 - 20', 2018, 2021, 79.3, 'test' FROM series WHERE area_code = 'E92000001'");
    double[] values = {78.9, 79.0, 79.5, 78.9, 78.8, 78.3, 78.6, 78.9};
    for (int i = 0; i < values.length; i++) {
      insert("", values[i], 2015 + i, null, db);
    }
    for (String[] q : QUINTILES) {
      db.execute("INSERT INTO series (indicator_id, area_code, sex, age, category_type, category) VALUES"
          + " ('90366', 'E08000027', 'Male', '<1 yr', 'Deprivation quintile', '" + q[0] + "')");
      insert(q[0], Double.parseDouble(q[1]), 2022, q[2], db);
    }
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      List<TargetDefinition> targets = TargetsLoader.loadResource(DudleyTargetsFileTest.RESOURCE).stream()
          .filter(t -> t.id().equals("le-birth-male")).toList();
      LinkedBlockingQueue<EvaluationsCreated> events = new LinkedBlockingQueue<>();
      Events.consumer(vertx, EvaluationsCreated.ADDRESS, events::add);
      vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets)).await(30, TimeUnit.SECONDS);
      assertNotNull(events.poll(15, TimeUnit.SECONDS), "no evaluation");

      Row row = database.pool().query("SELECT * FROM evaluation WHERE target_id = 'le-birth-male'").execute()
          .await(10, TimeUnit.SECONDS).iterator().next();
      assertEquals("2022 - 24", row.getString("period"));
      assertEquals(12.0, row.getDouble("sii"), 1e-9);
      assertEquals(-9.0, row.getDouble("gap_absolute"), 1e-12);
      assertEquals(72.0 / 81.0, row.getDouble("gap_relative"), 1e-12);
      assertNull(row.getBoolean("gap_widening")); // one period only: not judged
      JsonObject gap = row.getJsonObject("verdicts").getJsonObject("gap");
      assertEquals(5, gap.getInteger("siiGroups"));
      assertEquals("Deprivation quintile", gap.getString("categoryType"));
      // the one mapping reads it back into the record tree
      assertEquals(12.0, EvaluationMapping.evaluation(row).gap().sii(), 1e-9);
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void insert(String category, double value, int start, String denominator, TestDatabase.Db db) {
    String period = start + " - " + String.valueOf(start + 2).substring(2);
    db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, denominator, source)"
        + " SELECT id, '" + period + "', " + start + ", " + (start + 3) + ", " + value + ", " + denominator
        + ", 'test' FROM series WHERE area_code = 'E08000027' AND category = '" + category + "'");
  }
}
