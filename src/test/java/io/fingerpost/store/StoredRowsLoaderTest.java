package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A full re-read through {@code FeedLoader} and a fresh store (no cached series) on a real PostgreSQL (issue 14):
 * while the feed's stored rows are still being read (held back here by a table lock) the loader parses on, many
 * batches ahead, instead of waiting; once they arrive an unchanged read writes nothing and touches no row, and a
 * changed row is written with its old value kept, nothing else.
 */
@ExtendWith(VertxExtension.class)
class StoredRowsLoaderTest {
  static Database database;
  static final String FEED = "mem-loader";
  static final int SERIES = 600;
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

  /** The feed's rows in year-major order, one value moved by {@code delta}; counts the rows handed out. */
  static RowReader reader(double delta, AtomicInteger handedOut) {
    List<FeedRow> rows = new ArrayList<>();
    for (int y = 0; y < YEARS; y++) {
      for (int s = 0; s < SERIES; s++) {
        SeriesKey k = new SeriesKey("mem-loader-ind", "E" + (30_000_000 + s / 3),
            new String[] {"Male", "Female", "Persons"}[s % 3], "All ages", "", "");
        double v = s * 2.5 + y + (s == 7 && y == 3 ? delta : 0);
        rows.add(new ParsedRow(rows.size() + 2L, new Observation(k, Period.parse(String.valueOf(2010 + y)), v, v - 1,
            v + 1, null, null, s % 3 == 0 ? null : 4.0, 50.0, s % 11 == 0 ? "n" + s : null),
            new Indicator("mem-loader-ind", "Loader", null, null, null), new Area(k.areaCode(), "A", "UA", null), null));
      }
    }
    Iterator<FeedRow> it = rows.iterator();
    return new RowReader() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public FeedRow next() {
        handedOut.incrementAndGet();
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  static Future<FeedLoader.Result> read(Vertx vertx, double delta, AtomicInteger handedOut, InitialLoad initial) {
    ObservationStore store = new ObservationStore(vertx, database); // fresh: no cached series
    store.compareInMemoryFrom(1000);
    return new FeedLoader(vertx, store, 100, 3).load(FEED, "mem.csv", () -> reader(delta, handedOut), Map.of(), initial);
  }

  @Test
  void theLoaderParsesAheadWhileTheStoredRowsAreReadAndWritesOnlyTheChange(Vertx vertx) throws Exception {
    FeedLoader.Result first = read(vertx, 0, new AtomicInteger(), new InitialLoad(true)).await(60, TimeUnit.SECONDS);
    assertEquals(ROWS, first.written().inserted());
    database.pool().preparedQuery("INSERT INTO feed_status (feed, type, rows_read) VALUES ($1, 'tidy-csv', $2)")
        .execute(Tuple.of(FEED, ROWS)).await(10, TimeUnit.SECONDS);
    // as after a failed load: no per-series digests (V90), so this read compares with the stored rows
    database.pool().query("DELETE FROM feed_series_digest").execute().await(10, TimeUnit.SECONDS);
    String before = fingerprint();

    // The stored rows' COPY OUT waits behind this lock until it is released.
    var lockHolder = database.pool().getConnection().await(10, TimeUnit.SECONDS);
    var tx = lockHolder.begin().await(10, TimeUnit.SECONDS);
    lockHolder.query("LOCK TABLE observation IN ACCESS EXCLUSIVE MODE").execute().await(10, TimeUnit.SECONDS);
    AtomicInteger handedOut = new AtomicInteger();
    LoadProfile.reset();
    Future<FeedLoader.Result> reread = read(vertx, 0, handedOut, InitialLoad.none());
    // 3 batches of 100 being written (waiting for the stored rows) and up to 24 parsed ahead: 2,000 rows at least
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (handedOut.get() < 2000 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    int whileLocked = handedOut.get();
    boolean waiting = !reread.isComplete();
    tx.rollback().await(10, TimeUnit.SECONDS);
    lockHolder.close().await(10, TimeUnit.SECONDS);
    FeedLoader.Result result = reread.await(60, TimeUnit.SECONDS);
    assertTrue(waiting, "the read waited for its stored rows");
    assertTrue(whileLocked >= 2000, "parsed ahead while the stored rows were read: " + whileLocked);
    assertTrue(LoadProfile.seconds().get(LoadProfile.Step.PREFETCH) > 0, "compared with the stored rows in memory");
    assertEquals(0, result.written().written(), result.written().toString());
    assertEquals(ROWS, result.written().unchanged());
    assertEquals(0.0, LoadProfile.seconds().get(LoadProfile.Step.MERGE), "no batch reached the database");
    assertEquals(before, fingerprint(), "no row touched");

    // One value changed in the file: that row alone is written, its old value kept as a revision.
    FeedLoader.Result changed = read(vertx, 0.25, new AtomicInteger(), InitialLoad.none())
        .await(60, TimeUnit.SECONDS);
    assertEquals(1, changed.written().updated(), changed.written().toString());
    assertEquals(ROWS - 1, changed.written().unchanged());
    assertEquals(1, database.pool().query("SELECT count(*) FROM observation_revision").execute()
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0));
  }

  private static String fingerprint() throws Exception {
    return database.pool().query("SELECT string_agg(xmin::text || last_seen::text, ',' ORDER BY series_id, period) "
        + "FROM observation").execute().await(10, TimeUnit.SECONDS).iterator().next().getString(0);
  }
}
