package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.feed.FeedLoader;
import io.fingerpost.feed.FeedRow;
import io.fingerpost.feed.ParsedRow;
import io.fingerpost.feed.RowReader;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole reads by per-series digests (issue 14, V90) through {@code FeedLoader} and the COPY store on a real
 * PostgreSQL: an unchanged re-read sends nothing to the store and reads no stored row; one changed value writes
 * that row; a plain-SQL UPDATE and DELETE drop their series' digests (the triggers) and the next read writes the
 * rows back; a push while pass 1 parses is revised back; a load that fails half way leaves no digest that would
 * hide what it wrote, so the reverted file writes the old values back.
 */
@ExtendWith(VertxExtension.class)
class SeriesDigestTest {
  static Database database;
  static final String FEED = "digest-feed";
  static final int SERIES = 300;
  static final int YEARS = 5;
  static final int ROWS = SERIES * YEARS;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  static SeriesKey key(int s) {
    return new SeriesKey("digest-ind", "E" + (40_000_000 + s / 3), new String[] {"Male", "Female", "Persons"}[s % 3],
        "All ages", "", "");
  }

  static double value(int s, int y) {
    return s * 3.5 + y + 0.25;
  }

  /** The file in year-major order; {@code change} adjusts (series, year)'s value; {@code hook} sees each row index. */
  static RowReader reader(java.util.function.BiFunction<Integer, Integer, Double> change, IntConsumer hook) {
    List<FeedRow> rows = new ArrayList<>();
    for (int y = 0; y < YEARS; y++) {
      for (int s = 0; s < SERIES; s++) {
        double v = value(s, y) + change.apply(s, y);
        rows.add(new ParsedRow(rows.size() + 2L, new Observation(key(s), Period.parse(String.valueOf(2010 + y)), v,
            v - 1, v + 1, null, null, s % 2 == 0 ? null : 7.0, 90.0, s % 5 == 0 ? "note " + s : null),
            new Indicator("digest-ind", "Digests", null, null, null), new Area(key(s).areaCode(), "A", "UA", null),
            null));
      }
    }
    return over(rows, hook);
  }

  /** A reader of {@code rows}; {@code hook} sees each row index before the row is handed out. */
  static RowReader over(List<FeedRow> rows, IntConsumer hook) {
    Iterator<FeedRow> it = rows.iterator();
    int[] at = {0};
    return new RowReader() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public FeedRow next() {
        hook.accept(at[0]++);
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  static final java.util.function.BiFunction<Integer, Integer, Double> SAME = (s, y) -> 0.0;

  /** A fresh store (no cached series), batches of 100, 3 in flight. */
  static Future<FeedLoader.Result> read(Vertx vertx, java.util.concurrent.Callable<RowReader> open,
                                        InitialLoad initial) {
    return read(vertx, open, initial, 1000);
  }

  /** Reads of fewer than {@code inMemoryFrom} rows compare in the database. */
  static Future<FeedLoader.Result> read(Vertx vertx, java.util.concurrent.Callable<RowReader> open,
                                        InitialLoad initial, long inMemoryFrom) {
    ObservationStore store = new ObservationStore(vertx, database);
    store.compareInMemoryFrom(inMemoryFrom);
    return new FeedLoader(vertx, store, 100, 3).load(FEED, "digest.csv", open, Map.of(), initial);
  }

  @Test
  void digestsSkipUnchangedSeriesAndNeverHideAChange(Vertx vertx) throws Exception {
    FeedLoader.Result first = read(vertx, () -> reader(SAME, i -> { }), new InitialLoad(true))
        .await(60, TimeUnit.SECONDS);
    assertEquals(ROWS, first.written().inserted());
    assertEquals(SERIES, digests(), "a digest for every series after the first load");
    database.pool().preparedQuery("INSERT INTO feed_status (feed, type, rows_read) VALUES ($1, 'tidy-csv', $2)")
        .execute(Tuple.of(FEED, ROWS)).await(10, TimeUnit.SECONDS);

    // 1. Unchanged: parsed once, nothing sent to the store, no stored row read, no row touched.
    String before = fingerprint();
    LoadProfile.reset();
    FeedLoader.Result same = read(vertx, () -> reader(SAME, i -> { }), InitialLoad.none())
        .await(60, TimeUnit.SECONDS);
    assertEquals(new BatchResult(0, 0, ROWS, 0), same.written());
    assertEquals(ROWS, same.read());
    Map<LoadProfile.Step, Double> profile = LoadProfile.seconds();
    assertTrue(profile.get(LoadProfile.Step.DIGEST_PASS) > 0, "pass 1 ran");
    for (LoadProfile.Step untouched : List.of(LoadProfile.Step.PREFETCH, LoadProfile.Step.COMPARE,
        LoadProfile.Step.COPY, LoadProfile.Step.MERGE, LoadProfile.Step.CATALOG)) {
      assertEquals(0.0, profile.get(untouched), untouched + ": nothing sent to the store");
    }
    assertEquals(before, fingerprint(), "no row touched");

    // 2. One value changed in the file: that row alone is written, its old value kept; the digests stand.
    FeedLoader.Result one = read(vertx, () -> reader((s, y) -> s == 17 && y == 2 ? 0.5 : 0.0, i -> { }),
        InitialLoad.none()).await(60, TimeUnit.SECONDS);
    assertEquals(1, one.written().updated(), one.written().toString());
    assertEquals(0, one.written().inserted());
    assertEquals(ROWS - 1, one.written().unchanged());
    assertEquals(value(17, 2) + 0.5, stored(key(17), "2012"), 1e-9);
    assertEquals(SERIES, digests());
    assertEquals(1, revisions());

    // 3. Behind the feed's back, plain SQL: an UPDATE of one row, a DELETE of another. The triggers drop both
    // series' digests; the next read of the same (changed) file writes both rows back.
    database.pool().query("UPDATE observation SET value = -1 WHERE period = '2013' AND series_id = "
        + seriesId(key(40))).execute().await(10, TimeUnit.SECONDS);
    database.pool().query("DELETE FROM observation WHERE period = '2011' AND series_id = " + seriesId(key(41)))
        .execute().await(10, TimeUnit.SECONDS);
    assertEquals(SERIES - 2, digests(), "the edited series lost their digests");
    FeedLoader.Result back = read(vertx, () -> reader((s, y) -> s == 17 && y == 2 ? 0.5 : 0.0, i -> { }),
        InitialLoad.none()).await(60, TimeUnit.SECONDS);
    assertEquals(1, back.written().updated(), back.written().toString());
    assertEquals(1, back.written().inserted(), back.written().toString());
    assertEquals(value(40, 3), stored(key(40), "2013"), 1e-9);
    assertEquals(value(41, 1), stored(key(41), "2011"), 1e-9);
    assertEquals(SERIES, digests());

    // 4. A push while pass 1 parses (row 700 of 1,500): revised back by the same read. Its series' digest is not
    // saved (another writer changed it during the load: the next read compares it).
    int[] opens = {0};
    FeedLoader.Result afterPush = read(vertx, () -> {
      boolean firstOpen = opens[0]++ == 0;
      return reader((s, y) -> s == 17 && y == 2 ? 0.5 : 0.0, i -> {
        if (firstOpen && i == 700) {
          Batch push = new Batch(1, true);
          push.add(new Observation(key(80), Period.parse("2014"), 123.0, null, null, null, null, null, null, null),
              null, null);
          block(new ObservationStore(vertx, database).writeAtomically("push", push));
        }
      });
    }, InitialLoad.none()).await(60, TimeUnit.SECONDS);
    assertEquals(2, opens[0], "read twice: a series differed");
    assertEquals(1, afterPush.written().updated(), afterPush.written().toString());
    assertEquals(ROWS - 1, afterPush.written().unchanged());
    assertEquals(value(80, 4), stored(key(80), "2014"), 1e-9);
    assertEquals(SERIES - 1, digests());

    // 4b. Plain SQL late in pass 1 (no event: only the digest its trigger drops tells): the digests are fetched
    // after pass 1, so the row is written back by the same read; series 80 (no digest since 4) is compared and its
    // digest saved. (Digests fetched while pass 1 parsed would still hold the dropped one.)
    long series90 = seriesId(key(90));
    int[] sqlOpens = {0};
    FeedLoader.Result afterSql = read(vertx, () -> {
      boolean firstOpen = sqlOpens[0]++ == 0;
      return reader((s, y) -> s == 17 && y == 2 ? 0.5 : 0.0, i -> {
        if (firstOpen && i == ROWS - 100) {
          try {
            Thread.sleep(200); // a fetch made at the read's start would be in by now
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          block(database.pool().query("UPDATE observation SET value = -2 WHERE period = '2014' AND series_id = "
              + series90).execute());
        }
      });
    }, InitialLoad.none()).await(60, TimeUnit.SECONDS);
    assertEquals(2, sqlOpens[0], "read twice: a series differed");
    assertEquals(1, afterSql.written().updated(), afterSql.written().toString());
    assertEquals(value(90, 4), stored(key(90), "2014"), 1e-9);
    assertEquals(SERIES, digests());

    // 5. A load of a new file (every 2014 value moved) fails after some of its batches were written (compared in
    // the database: one batch parsed ahead); the file is then reverted. The failed load had dropped the digests of
    // what it was to write, so the reverted read writes every moved value back.
    String revised = "SELECT count(*) FROM observation_revision WHERE period = '2014'";
    long revisedBefore = count(revised);
    int[] opened = {0};
    Future<FeedLoader.Result> failing = read(vertx, () -> {
      boolean secondOpen = opened[0]++ == 1;
      return reader((s, y) -> y == 4 ? 9.0 : s == 17 && y == 2 ? 0.5 : 0.0, i -> {
        if (secondOpen && i == ROWS - 60) {
          try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (block(database.pool().query(revised).execute()).iterator().next().getLong(0) == revisedBefore
                && System.nanoTime() < deadline) {
              Thread.sleep(20);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          throw new java.io.UncheckedIOException(new java.io.IOException("connection reset while reading"));
        }
      });
    }, InitialLoad.none(), Long.MAX_VALUE);
    assertTrue(failing.transform(ar -> Future.succeededFuture(ar.failed())).await(60, TimeUnit.SECONDS),
        "the load failed");
    long written = count(revised) - revisedBefore;
    assertTrue(written > 0 && written < SERIES, "some of the failed load's rows were written: " + written);
    assertTrue(digests() <= SERIES - written, "no digest of a written series: " + digests());
    FeedLoader.Result reverted = read(vertx, () -> reader((s, y) -> s == 17 && y == 2 ? 0.5 : 0.0, i -> { }),
        InitialLoad.none()).await(60, TimeUnit.SECONDS);
    assertEquals(written, reverted.written().updated(), reverted.written().toString());
    for (int s = 0; s < SERIES; s++) {
      assertEquals(value(s, 4), stored(key(s), "2014"), 1e-9, "series " + s + " holds the reverted value");
    }
    assertEquals(SERIES, digests());

    // 6. A series deleted, then the observations truncated: their digests go with them.
    database.pool().query("DELETE FROM series WHERE id = " + seriesId(key(5))).execute().await(10, TimeUnit.SECONDS);
    assertEquals(SERIES - 1, digests());
    database.pool().query("TRUNCATE observation").execute().await(10, TimeUnit.SECONDS);
    assertEquals(0, digests());
  }

  /**
   * A first load whose last batch fails (a NUL in a note, which PostgreSQL's text refuses) after the source was read
   * to its end, when the digests' save has begun on its own connection: the save rolls back with the load, no digest
   * is saved and no transaction is left open.
   */
  @Test
  void aLoadFailingAfterItsDigestsWereStagedSavesNone(Vertx vertx) throws Exception {
    String feed = "digest-fail";
    List<FeedRow> rows = new ArrayList<>();
    for (int y = 0; y < YEARS; y++) {
      for (int s = 0; s < SERIES; s++) {
        SeriesKey k = new SeriesKey(feed, key(s).areaCode(), key(s).sex(), "All ages", "", "");
        String note = rows.size() == ROWS - 1 ? "bad\u0000note" : null;
        rows.add(new ParsedRow(rows.size() + 2L, new Observation(k, Period.parse(String.valueOf(2010 + y)),
            value(s, y), null, null, null, null, null, null, note), new Indicator(feed, "Fails", null, null, null),
            new Area(k.areaCode(), "A", "UA", null), null));
      }
    }
    LoadProfile.reset();
    ObservationStore store = new ObservationStore(vertx, database);
    Future<FeedLoader.Result> load = new FeedLoader(vertx, store, 100, 3).load(feed, "fail.csv",
        () -> over(rows, i -> { }), Map.of(), new InitialLoad(true));
    assertTrue(load.transform(ar -> Future.succeededFuture(ar.failed())).await(60, TimeUnit.SECONDS),
        "the load failed");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (LoadProfile.seconds().get(LoadProfile.Step.DIGEST_STAGE) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(LoadProfile.seconds().get(LoadProfile.Step.DIGEST_STAGE) > 0, "the digests' save had begun");
    String open = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fingerpost-copy'"
        + " AND state LIKE 'idle in transaction%'";
    while (count(open) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, count(open), "the staged save rolled back");
    assertEquals(0, count("SELECT count(*) FROM feed_series_digest WHERE feed = '" + feed + "'"), "no digest saved");
    assertTrue(count("SELECT count(*) FROM observation WHERE source = '" + feed + "'") > 0,
        "the batches before the failing one were written");
  }

  /** A save meeting digests saved before for its series (a concurrent save's) replaces them, adding none. */
  @Test
  void aSaveOverSavedDigestsReplacesThem(Vertx vertx) throws Exception {
    String feed = "digest-replace";
    List<FeedRow> rows = new ArrayList<>();
    List<SeriesKey> keys = new ArrayList<>();
    for (int s = 0; s < SERIES; s++) {
      SeriesKey k = new SeriesKey(feed, key(s).areaCode(), key(s).sex(), "All ages", "", "");
      keys.add(k);
      rows.add(new ParsedRow(s + 2L, new Observation(k, Period.parse("2010"), value(s, 0), null, null, null, null,
          null, null, null), new Indicator(feed, "Replaced", null, null, null), new Area(k.areaCode(), "A", "UA", null),
          null));
    }
    ObservationStore store = new ObservationStore(vertx, database);
    new FeedLoader(vertx, store, 100, 3).load(feed, "replace.csv", () -> over(rows, i -> { }), Map.of(),
        new InitialLoad(true)).await(60, TimeUnit.SECONDS);
    String digestsOf = "SELECT count(*) FROM feed_series_digest WHERE feed = '" + feed + "'";
    assertEquals(SERIES, count(digestsOf), "the load saved a digest a series");

    // every other series again, with other digests
    List<SeriesKey> again = new ArrayList<>();
    List<SeriesDigestStore.Digest> digests = new ArrayList<>();
    for (int s = SERIES - 1; s >= 0; s -= 2) {
      again.add(keys.get(s));
      digests.add(new SeriesDigestStore.Digest(-1 - s, 7, 8));
    }
    int saved = store.digests().save(feed, again, digests).await(30, TimeUnit.SECONDS);
    assertEquals(again.size(), saved);
    assertEquals(SERIES, count(digestsOf), "replaced, not added");
    assertEquals(again.size(), count(digestsOf + " AND digest_a = 7 AND digest_b = 8 AND key_hash < 0"),
        "the new digests replaced the saved ones");
  }

  /** Waits for {@code f} from a worker thread (the reader's hooks), where {@code await} is refused. */
  private static <T> T block(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long digests() throws Exception {
    return count("SELECT count(*) FROM feed_series_digest WHERE feed = '" + FEED + "'");
  }

  private static long revisions() throws Exception {
    return count("SELECT count(*) FROM observation_revision");
  }

  private static long count(String sql) throws Exception {
    return database.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  private static double stored(SeriesKey key, String period) throws Exception {
    return StoredObservations.value(database.pool(), key, period);
  }

  private static long seriesId(SeriesKey key) throws Exception {
    return StoredObservations.seriesId(database.pool(), key);
  }

  private static String fingerprint() throws Exception {
    return StoredObservations.fingerprint(database.pool());
  }

  /**
   * A feed's stored digests come packed in one {@code bytea}, 24 bytes a series (issue 14): at the national scale's
   * million series that is one 24 MB value, fetched whole, and only the feed's own.
   */
  @Test
  void aMillionSeriesDigestsAreFetchedWhole(Vertx vertx) throws Exception {
    int series = 1_000_000;
    try {
      // key hashes spread over most of 64 bits (negative ones too), digests derived from the id so that any can be
      // checked; another feed has the same key hashes with other digests
      database.pool().preparedQuery("""
          INSERT INTO feed_series_digest (feed, series_id, key_hash, digest_a, digest_b)
          SELECT $1, g, g * 9000000000007 - 4500000000000000000, g * 31, -g FROM generate_series(1, $2) g""")
          .execute(Tuple.of("national", series)).await(5, TimeUnit.MINUTES);
      database.pool().preparedQuery("""
          INSERT INTO feed_series_digest (feed, series_id, key_hash, digest_a, digest_b)
          SELECT 'national-other', g, g * 9000000000007 - 4500000000000000000, 0, 0 FROM generate_series(1, 1000) g""")
          .execute().await(1, TimeUnit.MINUTES);

      SeriesDigestStore.DigestTable table = new ObservationStore(vertx, database).digests().load("national")
          .await(5, TimeUnit.MINUTES);

      assertEquals(series, table.size());
      for (long g : new long[] {1, 2, 999, 500_000, series}) {
        long keyHash = g * 9_000_000_000_007L - 4_500_000_000_000_000_000L;
        assertTrue(table.matches(keyHash, g * 31, -g), "series " + g);
        assertFalse(table.matches(keyHash, 0, 0), "series " + g + " has its own feed's digest, not another's");
      }
      assertFalse(table.matches(series + 1L, 0, 0));
    } finally {
      database.pool().query("DELETE FROM feed_series_digest WHERE feed IN ('national', 'national-other')").execute()
          .await(1, TimeUnit.MINUTES);
    }
  }
}
