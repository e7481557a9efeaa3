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
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A first load's digests saved in parts at once ({@link SeriesDigestStore#SAVE_PARTS}, issue 14), on a real
 * PostgreSQL: a load of more series than one part takes saves every series' digest once, each in its own row, and
 * the parts are the right ones: an unchanged re-read then matches every series by its digest and sends nothing to
 * the store.
 */
@ExtendWith(VertxExtension.class)
class DigestSavePartsTest {
  static Database database;
  static final String FEED = "digest-parts";
  static final int SERIES = 12_000;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  static RowReader reader() {
    Iterator<FeedRow> it = IntStream.range(0, SERIES).<FeedRow>mapToObj(s -> {
      SeriesKey key = new SeriesKey("parts-ind-" + s % 3, "E" + (50_000_000 + s / 3), "Persons", "All ages", "", "");
      return new ParsedRow(s + 2L, new Observation(key, Period.parse("2020"), s + 0.5, null, null, null, null,
          null, null, null), new Indicator(key.indicatorId(), "Parts", null, null, null),
          new Area(key.areaCode(), "A", "UA", null), null);
    }).iterator();
    return new RowReader() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public FeedRow next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  static FeedLoader.Result read(Vertx vertx, InitialLoad initial) throws Exception {
    ObservationStore store = new ObservationStore(vertx, database);
    store.compareInMemoryFrom(1000);
    return new FeedLoader(vertx, store, 2_000, 3).load(FEED, "parts.csv", DigestSavePartsTest::reader, Map.of(),
        initial).await(60, TimeUnit.SECONDS);
  }

  @Test
  void aLargeSaveInPartsSavesEachSeriesOnceAndRightly(Vertx vertx) throws Exception {
    assertTrue(SERIES >= 10_000 && SeriesDigestStore.SAVE_PARTS > 1, "the save goes in parts");
    FeedLoader.Result first = read(vertx, new InitialLoad(true));
    assertEquals(SERIES, first.written().inserted());
    assertEquals(List.of((long) SERIES, (long) SERIES), List.of(
        count("SELECT count(*) FROM feed_series_digest WHERE feed = '" + FEED + "'"),
        count("SELECT count(DISTINCT series_id) FROM feed_series_digest WHERE feed = '" + FEED + "'")));
    assertEquals(0, count("SELECT count(*) FROM series s WHERE NOT EXISTS (SELECT 1 FROM feed_series_digest d"
        + " WHERE d.series_id = s.id AND d.feed = '" + FEED + "')"), "every series has its digest");

    LoadProfile.reset();
    FeedLoader.Result again = read(vertx, InitialLoad.none());
    assertEquals(new BatchResult(0, 0, SERIES, 0), again.written(), "every digest matched");
    assertEquals(0.0, LoadProfile.seconds().get(LoadProfile.Step.COPY), "nothing sent to the store");
  }

  private static long count(String sql) throws Exception {
    return database.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }
}
