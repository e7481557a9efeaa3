package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A full re-read compared in memory with the feed's stored rows (issue 14, item 3), on a real PostgreSQL through
 * the COPY store: an unchanged re-read writes nothing and sends no row to the merge; a real change is never
 * skipped, whether the file changed, a push changed the stored row between two reads, a value was changed behind
 * the feed's back (plain SQL), or a push changed it while the read was under way.
 */
@ExtendWith(VertxExtension.class)
class StoredRowsTest {
  static Database database;
  static final String FEED = "mem-feed";
  static final int SERIES = 600;
  static final int YEARS = 5;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  static SeriesKey key(int s) {
    return new SeriesKey("mem-ind", "E" + (20_000_000 + s / 3), new String[] {"Male", "Female", "Persons"}[s % 3],
        "All ages", "", "");
  }

  /** The file, in year-major order (every batch touches many series), value changed for {@code changed}. */
  static List<Batch> file(int changedSeries, int changedYear, double delta) {
    List<Batch> batches = new ArrayList<>();
    Batch b = new Batch(1000);
    for (int y = 0; y < YEARS; y++) {
      for (int s = 0; s < SERIES; s++) {
        double v = s * 1.5 + y + 0.1 + (s == changedSeries && y == changedYear ? delta : 0);
        b.add(new Observation(key(s), Period.parse(String.valueOf(2010 + y)), v, v - 1, v + 1, null, null,
            s % 2 == 0 ? null : 12.0, 100.0, s % 7 == 0 ? "note\t" + s : null),
            new Indicator("mem-ind", "Memory", null, null, null), new Area(key(s).areaCode(), "A", "UA", null));
        if (b.size() == 1000) {
          batches.add(b);
          b = new Batch(1000);
        }
      }
    }
    batches.add(b);
    return batches;
  }

  static BatchResult load(ObservationStore store, List<Batch> batches, InitialLoad initial, StoredRows stored)
      throws Exception {
    BatchResult sum = BatchResult.EMPTY;
    for (Batch b : batches) {
      sum = sum.plus(store.write(FEED, b, initial, stored).await(60, TimeUnit.SECONDS));
    }
    return sum;
  }

  static StoredRows snapshot(ObservationStore store) throws Exception {
    return store.storedRows(FEED, InitialLoad.none(), -1).await(60, TimeUnit.SECONDS);
  }

  @Test
  void anUnchangedReReadWritesNothingAndEveryRealChangeIsWritten(Vertx vertx) throws Exception {
    ObservationStore store = new ObservationStore(vertx, database);
    store.compareInMemoryFrom(1000);
    int rows = SERIES * YEARS;
    assertEquals(rows, load(store, file(-1, 0, 0), new InitialLoad(true), null).inserted());
    database.pool().preparedQuery("INSERT INTO feed_status (feed, type, rows_read) VALUES ($1, 'tidy-csv', $2)")
        .execute(Tuple.of(FEED, rows)).await(10, TimeUnit.SECONDS);
    assertNull(store.storedRows(FEED, InitialLoad.none(), 500).await(10, TimeUnit.SECONDS),
        "a small read compares in the database");
    assertNull(store.storedRows(FEED, new InitialLoad(true), -1).await(10, TimeUnit.SECONDS),
        "a first poll inserts without comparing");

    // 1. Unchanged: nothing written, nothing even sent to the merge (no MERGE time), no row touched.
    StoredRows held = snapshot(store);
    assertNotNull(held);
    assertEquals(rows, held.size());
    String before = fingerprint();
    LoadProfile.reset();
    BatchResult same = load(store, file(-1, 0, 0), InitialLoad.none(), held);
    held.close();
    assertEquals(0, same.written(), same.toString());
    assertEquals(rows, same.unchanged());
    assertEquals(0.0, LoadProfile.seconds().get(LoadProfile.Step.MERGE), "no batch reached the database");
    assertEquals(before, fingerprint(), "no row touched");

    // 2. Between two reads a push changes one row and plain SQL another: the next full read revises both back.
    SeriesKey pushed = key(10);
    Batch push = new Batch(1, true);
    push.add(new Observation(pushed, Period.parse("2012"), 999.0, null, null, null, null, null, null, null),
        null, null);
    assertEquals(1, store.writeAtomically("push", push).await(30, TimeUnit.SECONDS).updated());
    database.pool().query("UPDATE observation SET value = value + 0.5 WHERE period = '2013' AND series_id = "
        + "(SELECT id FROM series WHERE area_code = '" + key(20).areaCode() + "' AND sex = '" + key(20).sex() + "')")
        .execute().await(10, TimeUnit.SECONDS);
    held = snapshot(store);
    BatchResult back = load(store, file(-1, 0, 0), InitialLoad.none(), held);
    held.close();
    assertEquals(2, back.updated(), back.toString());
    assertEquals(rows - 2, back.unchanged());
    assertEquals(10 * 1.5 + 2 + 0.1, value(pushed, "2012"), 1e-9, "the pushed row revised back");
    assertEquals(20 * 1.5 + 3 + 0.1, value(key(20), "2013"), 1e-9, "the row edited in SQL revised back");

    // 3. The file changes one row: written, its old value kept as a revision.
    held = snapshot(store);
    BatchResult changed = load(store, file(33, 4, 2.0), InitialLoad.none(), held);
    held.close();
    assertEquals(1, changed.updated(), changed.toString());
    assertEquals(33 * 1.5 + 4 + 0.1 + 2.0, value(key(33), "2014"), 1e-9);

    // 4. A push while the read is under way (after its snapshot): followed through the event, revised back.
    held = snapshot(store);
    Batch during = new Batch(1, true);
    during.add(new Observation(key(40), Period.parse("2011"), -5.0, null, null, null, null, null, null, null),
        null, null);
    assertEquals(1, store.writeAtomically("push", during).await(30, TimeUnit.SECONDS).updated());
    long series40 = seriesId(key(40));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!held.follows(series40) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(held.follows(series40), "the read follows the pushed series");
    BatchResult afterPush = load(store, file(33, 4, 2.0), InitialLoad.none(), held);
    held.close();
    assertEquals(1, afterPush.updated(), afterPush.toString());
    assertEquals(40 * 1.5 + 1 + 0.1, value(key(40), "2011"), 1e-9);

    // Every replaced value is kept: two pushes, one SQL edit, two revisions back and one file change.
    Row revisions = database.pool().query("SELECT count(*) FROM observation_revision").execute()
        .await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals(6, revisions.getLong(0));
  }

  private static double value(SeriesKey key, String period) throws Exception {
    return StoredObservations.value(database.pool(), key, period);
  }

  private static long seriesId(SeriesKey key) throws Exception {
    return StoredObservations.seriesId(database.pool(), key);
  }

  private static String fingerprint() throws Exception {
    return StoredObservations.fingerprint(database.pool());
  }
}
