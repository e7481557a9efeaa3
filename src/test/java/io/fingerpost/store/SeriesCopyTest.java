package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A feed batch's series created in the batch's own transaction on the COPY worker ({@link SeriesCopy}, issue 14),
 * on a real PostgreSQL: a series whose batch rolled back is never handed out (the observation table has no
 * foreign key, so a stale id would be written silently), and writers with separate caches (two processes) that
 * create the same new series at the same time end with one row per series and every observation on it.
 */
@ExtendWith(VertxExtension.class)
class SeriesCopyTest {
  static Database database;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  static SeriesKey key(String indicator, int area) {
    return new SeriesKey(indicator, String.format("E%08d", area), "Persons", "All ages", "", "");
  }

  /** One row a series, areas {@code from}…{@code to - 1} of {@code indicator}, in year {@code year}. */
  static Batch batch(String indicator, int from, int to, int year) {
    Batch b = new Batch(to - from);
    Indicator ind = new Indicator(indicator, "Series copy " + indicator, null, null, null);
    for (int a = from; a < to; a++) {
      b.add(new Observation(key(indicator, a), Period.parse(String.valueOf(year)), a + year / 1000.0, null, null,
          null, null, null, null, null), ind, new Area(String.format("E%08d", a), "Area " + a, null, null));
    }
    return b;
  }

  @Test
  void aSeriesCreatedByABatchThatRolledBackIsNeverHandedOut(Vertx vertx) throws Exception {
    ObservationStore store = new ObservationStore(vertx, database);
    assertTrue(store.copies());
    store.write("rolled", batch("sc.rolled", 0, 10, 2020), new InitialLoad(true)).await(30, TimeUnit.SECONDS);

    // A first poll's batch with a stored row (area 5, 2020) and ten new series (areas 10-19): the insert-only
    // attempt creates the new series, meets the stored row (23505) and rolls back; the merge then creates them again.
    Batch mixed = batch("sc.rolled", 5, 20, 2020);
    BatchResult r = store.write("rolled", mixed, new InitialLoad(true)).await(30, TimeUnit.SECONDS);
    assertEquals(10, r.inserted(), r.toString());
    assertEquals(5, r.unchanged(), r.toString());

    // Later batches of the same series take their ids from the cache: they must be the committed ones.
    store.write("rolled", batch("sc.rolled", 10, 20, 2021), InitialLoad.none()).await(30, TimeUnit.SECONDS);
    assertEquals(20L, count("SELECT count(*) FROM series WHERE indicator_id = 'sc.rolled'"));
    assertEquals(0L, orphans(), "every observation is on a stored series");
    assertEquals(30L, count("SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id"
        + " WHERE s.indicator_id = 'sc.rolled'"));
  }

  @Test
  void writersWithTheirOwnCachesCreateTheSameNewSeriesOnce(Vertx vertx) throws Exception {
    for (int round = 0; round < 4; round++) {
      String indicator = "sc.race" + round;
      // Two stores: two caches, as two processes; their batches overlap on areas 500-1499.
      ObservationStore a = new ObservationStore(vertx, database);
      ObservationStore b = new ObservationStore(vertx, database);
      List<Future<BatchResult>> writes = List.of(
          a.write("race-a", batch(indicator, 0, 1500, 2020), new InitialLoad(true)),
          b.write("race-b", batch(indicator, 500, 2000, 2021), new InitialLoad(true)),
          a.write("race-a", batch(indicator, 1500, 2000, 2020), new InitialLoad(true)),
          b.write("race-b", batch(indicator, 0, 500, 2021), new InitialLoad(true)));
      for (Future<BatchResult> w : writes) {
        w.await(60, TimeUnit.SECONDS);
      }
      assertEquals(2000L, count("SELECT count(*) FROM series WHERE indicator_id = '" + indicator + "'"), indicator);
      assertEquals(0L, orphans(), indicator);
      // each series has both years, on the one series row
      assertEquals(2000L, count("SELECT count(*) FROM (SELECT s.id FROM series s JOIN observation o"
          + " ON o.series_id = s.id WHERE s.indicator_id = '" + indicator + "' GROUP BY s.id"
          + " HAVING count(*) = 2) x"), indicator);
    }
  }

  /** Observations of this test's feeds whose series id is not a stored series. */
  static long orphans() throws Exception {
    return count("SELECT count(*) FROM observation o WHERE o.source IN ('rolled', 'race-a', 'race-b')"
        + " AND NOT EXISTS (SELECT 1 FROM series s WHERE s.id = o.series_id)");
  }

  static long count(String sql) throws Exception {
    Row r = database.pool().preparedQuery(sql).execute(Tuple.tuple()).await(30, TimeUnit.SECONDS).iterator().next();
    return r.getLong(0);
  }
}
