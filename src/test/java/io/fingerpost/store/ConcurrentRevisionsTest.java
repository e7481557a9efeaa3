package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.TestDatabase;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writes of one series and period, each in its own transaction on its own connection: every
 * value accepted must end up either current or in {@code observation_revision}, whatever the interleaving
 * (reliability issue, item 1: before the fix, 24 concurrent pushes kept only 12–16 superseded values).
 */
class ConcurrentRevisionsTest {
  static final int WRITERS = 50;
  static final int ROUNDS = 20;
  /** The first value of a period raced by many writers (the rarer case; each round costs a second statement). */
  static final int FIRST_VALUE_ROUNDS = 10;
  static final TestDatabase.Db db = TestDatabase.newDatabase();
  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(24)).connectingTo(db.connectOptions()).using(vertx)
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void concurrentRevisionsOfAStoredValueAreAllKept() throws Exception {
    revisionsOfAStoredValue(new ObservationStore(vertx, pool), "rev-stored");
  }

  @Test
  void concurrentFirstValuesOfAPeriodAreAllKept() throws Exception {
    firstValuesOfAPeriod(new ObservationStore(vertx, pool), "rev-new");
  }

  /** The same on the COPY path (issue 14), with as many COPY connections as the unnest path has. */
  @Test
  void concurrentRevisionsThroughCopyAreAllKept() throws Exception {
    revisionsOfAStoredValue(copyStore(), "copy-rev-stored");
  }

  @Test
  void concurrentFirstValuesThroughCopyAreAllKept() throws Exception {
    firstValuesOfAPeriod(copyStore(), "copy-rev-new");
  }

  private static ObservationStore copyStore() {
    var o = db.connectOptions();
    ObservationStore store = new ObservationStore(vertx, pool,
        new CopyWriter(vertx, db.jdbcUrl(), o.getUser(), o.getPassword(), 24));
    org.junit.jupiter.api.Assertions.assertTrue(store.copies());
    return store;
  }

  private static void revisionsOfAStoredValue(ObservationStore store, String indicator) throws Exception {
    SeriesKey key = new SeriesKey(indicator, "E08000027", "Persons", "All ages", "", "");
    for (int round = 0; round < ROUNDS; round++) {
      String period = String.valueOf(1990 + round);
      BatchResult first = write(store, key, period, -1.0).await(30, TimeUnit.SECONDS);
      assertEquals(1, first.inserted());
      Set<Double> accepted = new HashSet<>(Set.of(-1.0));
      List<Future<BatchResult>> writes = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        double value = round * 1000 + i;
        accepted.add(value);
        writes.add(write(store, key, period, value));
      }
      Future.all(writes).await(60, TimeUnit.SECONDS);
      assertEquals(WRITERS, writes.stream().mapToLong(w -> w.result().updated()).sum(),
          "every write replaced the value it found");
      assertHistory(key, period, accepted, WRITERS + 1);
    }
  }

  private static void firstValuesOfAPeriod(ObservationStore store, String indicator) throws Exception {
    SeriesKey key = new SeriesKey(indicator, "E08000027", "Persons", "All ages", "", "");
    write(store, key, "1980", 0.0).await(30, TimeUnit.SECONDS); // the series exists; its periods do not
    for (int round = 0; round < FIRST_VALUE_ROUNDS; round++) {
      String period = String.valueOf(1990 + round);
      Set<Double> accepted = new HashSet<>();
      List<Future<BatchResult>> writes = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        double value = round * 1000 + i;
        accepted.add(value);
        writes.add(write(store, key, period, value));
      }
      Future.all(writes).await(60, TimeUnit.SECONDS);
      assertEquals(1, writes.stream().mapToLong(w -> w.result().inserted()).sum(), "one write inserted");
      assertEquals(WRITERS - 1, writes.stream().mapToLong(w -> w.result().updated()).sum(),
          "the others replaced the value they found");
      assertHistory(key, period, accepted, WRITERS);
    }
  }

  /** The current value and the revisions together are exactly the values accepted, numbered 1…n. */
  private static void assertHistory(SeriesKey key, String period, Set<Double> accepted, int values)
      throws Exception {
    Row current = pool.preparedQuery("""
            SELECT o.value, o.revision FROM observation o JOIN series s ON s.id = o.series_id
            WHERE s.indicator_id = $1 AND o.period = $2""")
        .execute(Tuple.of(key.indicatorId(), period)).await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals(values, current.getInteger("revision"), "period " + period);
    List<Double> kept = new ArrayList<>();
    List<Integer> revisions = new ArrayList<>();
    for (Row r : pool.preparedQuery("""
            SELECT r.value, r.revision FROM observation_revision r JOIN series s ON s.id = r.series_id
            WHERE s.indicator_id = $1 AND r.period = $2 ORDER BY r.revision""")
        .execute(Tuple.of(key.indicatorId(), period)).await(10, TimeUnit.SECONDS)) {
      kept.add(r.getDouble("value"));
      revisions.add(r.getInteger("revision"));
    }
    assertEquals(values - 1, kept.size(), "superseded values kept for period " + period);
    List<Integer> expectedRevisions = new ArrayList<>();
    for (int i = 1; i < values; i++) {
      expectedRevisions.add(i);
    }
    assertEquals(expectedRevisions, revisions);
    Set<Double> all = new HashSet<>(kept);
    all.add(current.getDouble("value"));
    assertEquals(accepted, all, "every accepted value is current or kept, period " + period);
  }

  private static Future<BatchResult> write(ObservationStore store, SeriesKey key, String period, double value) {
    Batch batch = new Batch(1);
    batch.add(new Observation(key, Period.parse(period), value, null, null, null, null, null, null, null),
        new Indicator(key.indicatorId(), "Revisions", null, null, null), new Area(key.areaCode(), "Dudley", null, null));
    return store.write("push", batch, InitialLoad.none());
  }
}
