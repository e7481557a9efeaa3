package io.fingerpost.store;

import io.fingerpost.event.SeriesChanged;
import io.fingerpost.event.Events;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.TestDatabase;
import io.fingerpost.feed.FeedLoader;
import io.fingerpost.feed.FingertipsCsvReader;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A first poll writes its batches as plain inserts; a batch that meets stored rows falls back to the
 * compare path (nothing half written), and {@code initialLoad} stays true only for series with no
 * observations before the poll.
 */
@ExtendWith(VertxExtension.class)
class FirstPollInsertTest {

  static Database database;
  static final String HEADER = "Indicator ID,Area Code,Sex,Time period,Value\n";

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  FeedLoader.Result load(Vertx vertx, String csv, InitialLoad initial, int batchSize) throws Exception {
    return new FeedLoader(vertx, new ObservationStore(vertx, database), batchSize, 2)
        .load("f", "f.csv", () -> FingertipsCsvReader.open(new StringReader(csv)), Map.of(), initial)
        .await(60, TimeUnit.SECONDS);
  }

  @Test
  void storedRowsSendTheBatchThroughTheCompareAndOnlyNewSeriesAreInitial(Vertx vertx) throws Exception {
    List<SeriesChanged> events = new CopyOnWriteArrayList<>();
    Events.consumer(vertx, SeriesChanged.ADDRESS, events::add)
        .completion().await(5, TimeUnit.SECONDS);
    // Pushed before the feed's first poll: area A, 2019.
    load(vertx, HEADER + "1,A,Persons,2019,10\n", InitialLoad.none(), 100);
    events.clear();

    String file = HEADER
        + "1,A,Persons,2019,10\n"   // stored as it is: unchanged
        + "1,A,Persons,2020,11\n"   // new period of a series with history: not initial
        + "1,B,Persons,2019,5\n"    // new series
        + "1,B,Persons,2020,6\n"
        + "1,C,Persons,2019,7\n";
    FeedLoader.Result r = load(vertx, file, new InitialLoad(true), 2);
    assertEquals(4, r.written().inserted());
    assertEquals(0, r.written().updated());
    assertEquals(1, r.written().unchanged());
    assertEquals(5, database.pool().query("SELECT count(*) FROM observation").execute()
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0));

    long deadline = System.currentTimeMillis() + 5000;
    Map<String, Boolean> initialByArea = new HashMap<>();
    while (initialByArea.size() < 3 && System.currentTimeMillis() < deadline) {
      for (SeriesChanged e : events) {
        for (SeriesChanged.Item s : e.series()) {
          initialByArea.merge(s.key().areaCode(), e.initialLoad(), Boolean::logicalAnd);
        }
      }
      Thread.sleep(20);
    }
    assertEquals(Map.of("A", false, "B", true, "C", true), initialByArea);
  }
}
