package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The COPY path (issue 14) on a real PostgreSQL: text that COPY's format escapes (tab, line breaks, backslash) and
 * doubles that must come back bit for bit (else an unchanged re-read would revise every row), first load straight
 * into the table, re-read through the staging table writing nothing, a change kept as a revision.
 */
@ExtendWith(VertxExtension.class)
class CopyWriterTest {
  static Database database;

  /** Values whose text form is the hard part: shortest round trip, exponents, negative zero, the rule limits. */
  static final double[] VALUES = {0.1 + 0.2, 1e-300, -0.0, 1e15, -1e15, 123456.78901234567, 4.9e-324, 1.0 / 3};
  static final String NOTE = "a\tb\\c\nd\re \\N \"quoted\", é";

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  static Batch batch(double shift) {
    Batch b = new Batch(VALUES.length);
    for (int i = 0; i < VALUES.length; i++) {
      SeriesKey key = new SeriesKey("copy\\ind", "E08000027", "Persons", "All ages", "Tab\there", "back\\slash");
      double v = VALUES[i] + shift;
      b.add(new Observation(key, Period.parse(String.valueOf(2000 + i)), v, v - 1, v + 1, null, null,
          i % 2 == 0 ? null : 7.0, null, i == 3 ? NOTE : null),
          new Indicator("copy\\ind", "Copy", null, null, null), new Area("E08000027", "Dudley", null, null));
    }
    return b;
  }

  @Test
  void copiesExactValuesAndEscapedTextThenWritesNothingOnAnUnchangedReRead(Vertx vertx) throws Exception {
    ObservationStore store = new ObservationStore(vertx, database);
    assertTrue(store.copies(), "the service's store copies");

    BatchResult first = store.write("copy-feed", batch(0), new InitialLoad(true)).await(30, TimeUnit.SECONDS);
    assertEquals(VALUES.length, first.inserted());
    assertStored(0);

    // Re-read through the staging table: nothing differs, nothing is written.
    String before = fingerprint();
    BatchResult again = store.write("copy-feed", batch(0), InitialLoad.none()).await(30, TimeUnit.SECONDS);
    assertEquals(0, again.written(), "an unchanged re-read writes nothing: " + again);
    assertEquals(VALUES.length, again.unchanged());
    assertEquals(before, fingerprint(), "no row touched");

    // A first poll that meets stored rows falls back to the compare (and writes nothing here).
    BatchResult firstAgain = store.write("copy-feed", batch(0), new InitialLoad(true)).await(30, TimeUnit.SECONDS);
    assertEquals(0, firstAgain.written(), firstAgain.toString());

    // Every value changes: all updated, the old ones kept as revision 1.
    BatchResult changed = store.write("copy-feed", batch(1), InitialLoad.none()).await(30, TimeUnit.SECONDS);
    assertEquals(VALUES.length, changed.updated());
    assertStored(1);
    Row kept = database.pool().preparedQuery("SELECT count(*), min(revision), max(revision) FROM observation_revision")
        .execute().await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals(VALUES.length, kept.getLong(0));
    assertEquals(1, kept.getInteger(1));
    assertEquals(1, kept.getInteger(2));
    Row note = database.pool().preparedQuery("SELECT value_note FROM observation_revision WHERE period = '2003'")
        .execute().await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals(NOTE, note.getString(0));
  }

  /** A stored row met late in a large first-poll COPY (the server's error arrives mid-stream): nothing half written. */
  @Test
  void aFirstPollBatchThatMeetsAStoredRowMidStreamIsComparedInstead(Vertx vertx) throws Exception {
    ObservationStore store = new ObservationStore(vertx, database);
    int n = 20_000;
    Batch all = new Batch(n);
    Batch one = new Batch(1);
    for (int i = 0; i < n; i++) {
      SeriesKey key = new SeriesKey("copy-large", "E" + (10_000_000 + i / 10), "Persons", "All ages", "", "");
      Observation o = new Observation(key, Period.parse(String.valueOf(2000 + i % 10)), i * 0.5, null, null, null,
          null, null, null, null);
      all.add(o, new Indicator("copy-large", "Large", null, null, null), new Area(key.areaCode(), null, null, null));
      if (i == n - 5) {
        one.add(o, new Indicator("copy-large", "Large", null, null, null), new Area(key.areaCode(), null, null, null));
      }
    }
    assertEquals(1, store.write("copy-feed", one, InitialLoad.none()).await(30, TimeUnit.SECONDS).inserted());
    BatchResult r = store.write("copy-feed", all, new InitialLoad(true)).await(60, TimeUnit.SECONDS);
    assertEquals(n - 1, r.inserted(), r.toString());
    assertEquals(1, r.unchanged(), r.toString());
    Row count = database.pool().query("SELECT count(*), max(revision) FROM observation o JOIN series s "
        + "ON s.id = o.series_id WHERE s.indicator_id = 'copy-large'").execute().await(10, TimeUnit.SECONDS)
        .iterator().next();
    assertEquals(n, count.getLong(0));
    assertEquals(1, count.getInteger(1));
  }

  private static void assertStored(double shift) throws Exception {
    for (int i = 0; i < VALUES.length; i++) {
      Row r = database.pool().preparedQuery("""
              SELECT o.value, o.lower_ci95, o.count, o.value_note, o.source, o.revision, s.category_type, s.category
              FROM observation o JOIN series s ON s.id = o.series_id
              WHERE s.indicator_id = 'copy\\ind' AND o.period = $1""")
          .execute(Tuple.of(String.valueOf(2000 + i))).await(10, TimeUnit.SECONDS).iterator().next();
      double v = VALUES[i] + shift;
      assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(r.getDouble("value")), "value " + v);
      assertEquals(Double.doubleToRawLongBits(v - 1), Double.doubleToRawLongBits(r.getDouble("lower_ci95")));
      if (i % 2 == 0) {
        assertNull(r.getDouble("count"));
      } else {
        assertEquals(7.0, r.getDouble("count"));
      }
      assertEquals(i == 3 ? NOTE : null, r.getString("value_note"));
      assertEquals("copy-feed", r.getString("source"));
      assertEquals(shift == 0 ? 1 : 2, r.getInteger("revision"));
      assertEquals("Tab\there", r.getString("category_type"));
      assertEquals("back\\slash", r.getString("category"));
    }
  }

  private static String fingerprint() throws Exception {
    return database.pool().query("SELECT string_agg(xmin::text || last_seen::text, ',' ORDER BY series_id, period) "
        + "FROM observation").execute().await(10, TimeUnit.SECONDS).iterator().next().getString(0);
  }
}
