package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file replaced while its first poll reads it (here: renamed over it while the poll's writes wait behind a table
 * lock) leaves no chunk stored, since chunks of the new file would stand for rows the store does not hold: the next
 * poll must read the new file, not skip every chunk of it (issue 14: where a first poll cuts its chunks may move).
 */
@ExtendWith(VertxExtension.class)
class FirstPollChunksTest {
  static Database database;
  static FeedStatuses statuses;
  /** More rows than the batches a load keeps parsed and in flight (10,000 rows each): the parse waits for the writes. */
  static final int ROWS = 80_000;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
    statuses = FeedStatuses.listen(vertx);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  /** Rows in the bench-load layout; the last row's value is {@code lastValue}. */
  static String file(double lastValue) {
    StringBuilder sb = new StringBuilder(FingertipsCsvReaderTest.HEADER).append('\n');
    for (int k = 0; k < ROWS; k++) {
      double value = k == ROWS - 1 ? lastValue : 10 + k % 97;
      sb.append(String.format(Locale.ROOT, "%d,\"Indicator %d\",E12000005,West Midlands region,E%08d,Area %d,UA,"
          + "Persons,All ages,,,%d,%.2f,,,,,,,,,Similar,Similar,%d0000,,,%n", 90000 + k % 4, k % 4,
          6000000 + (k / 4) % 5000, (k / 4) % 5000, 2000 + k / 20000, value, 2000 + k / 20000));
    }
    return sb.toString();
  }

  @Test
  void aFileReplacedDuringTheFirstReadLeavesNoChunksAndIsReadAgain(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("all_data.csv");
    Files.writeString(file, file(1.5), StandardCharsets.UTF_8);
    SqlConnection blocker = database.pool().getConnection().await(10, TimeUnit.SECONDS);
    blocker.query("BEGIN").execute().await(10, TimeUnit.SECONDS);
    blocker.query("LOCK TABLE observation IN SHARE MODE").execute().await(10, TimeUnit.SECONDS);
    FeedConfig cfg = FeedVerticleTest.feed("replaced", file.toString(), Duration.ofMillis(300));
    String id = vertx.deployVerticle(new FeedVerticle(cfg, ConfigFile.of(dir.resolve("x.yaml")).resolve(cfg.source()),
        new ObservationStore(vertx, database), new FeedStatusStore(database.pool()))).await(10, TimeUnit.SECONDS);
    try {
      // the first batch's COPY waits for the lock: the read has begun and cannot finish
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY%'") == 0) {
        assertTrue(System.nanoTime() < deadline, "no COPY waited for the lock");
        Thread.sleep(20);
      }
      // replaced as tools do (a new file renamed over the old): the open reader keeps reading the old one
      Path next = dir.resolve("all_data.csv.new");
      Files.writeString(next, file(2.75), StandardCharsets.UTF_8);
      Files.setLastModifiedTime(next, FileTime.fromMillis(System.currentTimeMillis() + 5000));
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      blocker.query("COMMIT").execute().await(10, TimeUnit.SECONDS);

      FeedStatus first = statuses.await(s -> s.feed().equals("replaced") && s.ok() && s.rows() != null);
      assertEquals(ROWS, first.rows().inserted(), first.toString());
      assertEquals(0, count("SELECT count(*) FROM feed_chunk WHERE feed = 'replaced'"),
          "no chunk of a file replaced during the read");
      assertEquals(1.5, lastValue(), 1e-9, "the first poll read the file it opened");

      FeedStatus second = statuses.await(s -> s.feed().equals("replaced") && s.ok() && s.rows() != null
          && s.rows().updated() > 0);
      assertEquals(1, second.rows().updated(), second.toString());
      assertEquals(2.75, lastValue(), 1e-9, "the next poll read the new file");
      assertTrue(count("SELECT count(*) FROM feed_chunk WHERE feed = 'replaced'") > 0, "its chunks are stored");
    } finally {
      blocker.close();
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
  }

  private static double lastValue() throws Exception {
    return database.pool().preparedQuery("SELECT o.value FROM observation o JOIN series s ON s.id = o.series_id"
            + " WHERE s.indicator_id = $1 AND s.area_code = $2 AND o.period = $3")
        .execute(Tuple.of(String.valueOf(90000 + (ROWS - 1) % 4), String.format("E%08d", 6000000 + ((ROWS - 1) / 4) % 5000),
            String.valueOf(2000 + (ROWS - 1) / 20000)))
        .await(10, TimeUnit.SECONDS).iterator().next().getDouble(0);
  }

  private static long count(String sql) throws Exception {
    return database.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }
}
