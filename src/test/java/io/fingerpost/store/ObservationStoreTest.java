package io.fingerpost.store;

import io.fingerpost.event.SeriesChanged;
import io.fingerpost.event.Events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.feed.FeedLoader;
import io.fingerpost.feed.FingertipsCsvReader;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store on the real Fingertips export: full load, unchanged re-read, a revision. */
@ExtendWith(VertxExtension.class)
class ObservationStoreTest {

  static Database database;
  static String export;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
    String shared = System.getProperty("fingerpost.shared");
    Path p = Path.of(shared, "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv");
    assertTrue(Files.isRegularFile(p), "missing " + p);
    export = Files.readString(p, StandardCharsets.UTF_8);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  FeedLoader.Result load(Vertx vertx, ObservationStore store, String csv, InitialLoad initial) throws Exception {
    return new FeedLoader(vertx, store, 100, 3)
        .load("fingertips", "campylobacter.csv", () -> FingertipsCsvReader.open(new StringReader(csv)), Map.of(), initial)
        .await(60, TimeUnit.SECONDS);
  }

  long scalar(String sql) throws Exception {
    Row r = database.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next();
    return r.getLong(0);
  }

  @Test
  void loadsEveryRowThenWritesNothingOnReReadThenKeepsARevision(Vertx vertx) throws Exception {
    List<SeriesChanged> events = new CopyOnWriteArrayList<>();
    Events.consumer(vertx, SeriesChanged.ADDRESS, events::add)
        .completion().await(5, TimeUnit.SECONDS);
    ObservationStore store = new ObservationStore(vertx, database);

    FeedLoader.Result first = load(vertx, store, export, new InitialLoad(true));
    assertEquals(852, first.read());
    assertEquals(0, first.rejected(), () -> first.rejections().toString());
    assertEquals(852, first.written().inserted());
    assertEquals(852, scalar("SELECT count(*) FROM observation"));
    assertEquals(1, scalar("SELECT count(*) FROM indicator"));
    assertTrue(scalar("SELECT count(*) FROM area WHERE code IN ('E08000027','E12000005','E92000001')") == 3);
    long seriesCount = scalar("SELECT count(*) FROM series");
    awaitEvents(events, seriesCount);
    assertTrue(events.stream().allMatch(SeriesChanged::initialLoad), "first load is an initial load");
    assertEquals(seriesCount, distinctSeries(events), "every series announced (once per batch it changed in)");

    // The same data again, through a fresh store (no caches): nothing is written.
    String before = database.pool().query("SELECT string_agg(xmin::text || last_seen::text, ',' ORDER BY series_id, period) FROM observation")
        .execute().await(10, TimeUnit.SECONDS).iterator().next().getString(0);
    events.clear();
    FeedLoader.Result again = load(vertx, new ObservationStore(vertx, database), export, InitialLoad.none());
    assertEquals(0, again.written().written());
    assertEquals(852, again.written().unchanged());
    String after = database.pool().query("SELECT string_agg(xmin::text || last_seen::text, ',' ORDER BY series_id, period) FROM observation")
        .execute().await(10, TimeUnit.SECONDS).iterator().next().getString(0);
    assertEquals(before, after, "an unchanged re-read must not touch a row");
    Thread.sleep(200);
    assertTrue(events.isEmpty(), "no change, no event");

    // Dudley 2017 revised: the old value is kept as revision 1.
    String revised = export.replace("116.486270361485", "117.0");
    FeedLoader.Result third = load(vertx, store, revised, InitialLoad.none());
    assertEquals(1, third.written().updated());
    assertEquals(0, third.written().inserted());
    Row cur = database.pool().query("""
        SELECT o.value, o.revision, r.value, r.revision FROM observation o
        JOIN series s ON s.id = o.series_id
        JOIN observation_revision r ON r.series_id = o.series_id AND r.period = o.period
        WHERE s.area_code = 'E08000027' AND s.age = 'All ages' AND s.category = '' AND o.period = '2017'""")
        .execute().await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals(117.0, cur.getDouble(0));
    assertEquals(2, cur.getInteger(1));
    assertEquals(116.486270361485, cur.getDouble(2));
    assertEquals(1, cur.getInteger(3));
    awaitEvents(events, 1);
    assertFalse(events.get(0).initialLoad());
    SeriesChanged.Item s = events.get(0).series().get(0);
    assertEquals("E08000027", s.key().areaCode());
    assertEquals("93356", s.key().indicatorId());
  }

  static long distinctSeries(List<SeriesChanged> events) {
    return events.stream().flatMap(e -> e.series().stream())
        .map(SeriesChanged.Item::seriesId).distinct().count();
  }

  static void awaitEvents(List<SeriesChanged> events, long series) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (distinctSeries(events) < series
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }
}
