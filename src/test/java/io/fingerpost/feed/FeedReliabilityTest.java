package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.StoreReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Feed files as they go wrong in the field: bad bytes, broken quoting, changes that keep size and time. */
@ExtendWith(VertxExtension.class)
class FeedReliabilityTest {

  static Database database;
  static ObservationStore store;
  static FeedStatusStore status;
  static StoreReader reader;
  static FeedStatuses statuses;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
    store = new ObservationStore(vertx, database.pool());
    status = new FeedStatusStore(database.pool());
    reader = new StoreReader(database.pool());
    statuses = FeedStatuses.listen(vertx);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  private String deploy(Vertx vertx, String name, Path file) throws Exception {
    FeedConfig cfg = FeedVerticleTest.feed(name, file.toString(), Duration.ofMillis(200));
    return vertx.deployVerticle(new FeedVerticle(cfg, ConfigFile.of(file.resolveSibling("x.yaml")).resolve(cfg.source()),
        store, status)).await(10, TimeUnit.SECONDS);
  }

  private static JsonObject read(String feed) throws InterruptedException {
    return statuses.await(s -> s.getString("feed").equals(feed) && s.getBoolean("ok") && s.containsKey("rowsRead"));
  }

  private double storedValue(String area, String period) throws Exception {
    return database.pool().preparedQuery("""
            SELECT o.value FROM observation o JOIN series s ON s.id = o.series_id
            WHERE s.indicator_id = '93356' AND s.area_code = $1 AND o.period = $2""")
        .execute(io.vertx.sqlclient.Tuple.of(area, period)).await(10, TimeUnit.SECONDS)
        .iterator().next().getDouble(0);
  }

  @Test
  void inPlaceChangeKeepingSizeAndModificationTimeIsRead(Vertx vertx, @TempDir Path dir) throws Exception {
    String before = FingertipsCsvReaderTest.HEADER + "\n"
        + FingertipsCsvReaderTest.row("E08000027", "2019", "10.5") + "\n"
        + FingertipsCsvReaderTest.row("E08000028", "2019", "7.25") + "\n";
    Path file = dir.resolve("in-place.csv");
    Files.writeString(file, before, StandardCharsets.UTF_8);
    FileTime mtime = FileTime.fromMillis(1_700_000_000_000L);
    Files.setLastModifiedTime(file, mtime);
    String id = deploy(vertx, "in-place", file);
    try {
      assertEquals(2, read("in-place").getLong("rowsInserted"));
      statuses.await(s -> s.getString("feed").equals("in-place") && s.getBoolean("unchanged", false));
      assertEquals(10.5, storedValue("E08000027", "2019"));

      // Same length, same modification time (as cp -p or rsync -t leave it), one value changed.
      String after = before.replace(",10.5,", ",10.7,");
      assertEquals(before.length(), after.length());
      statuses.clear();
      Files.writeString(file, after, StandardCharsets.UTF_8);
      Files.setLastModifiedTime(file, mtime);
      assertEquals(Files.size(file), before.getBytes(StandardCharsets.UTF_8).length);

      JsonObject changed = read("in-place");
      assertEquals(1, changed.getLong("rowsUpdated"), changed.encode());
      assertEquals(10.7, storedValue("E08000027", "2019"));

      // Touched with the same bytes: the content is the same, the read is skipped.
      statuses.await(s -> s.getString("feed").equals("in-place") && s.getBoolean("unchanged", false));
      statuses.clear();
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
      JsonObject touched = statuses.await(s -> s.getString("feed").equals("in-place") && s.getBoolean("ok"));
      assertTrue(touched.getBoolean("unchanged"), touched.encode());
    } finally {
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
  }

  /** The rejections stored for {@code feed}, as (line, reason). */
  static List<JsonObject> rejections(String feed) throws Exception {
    return reader.rejections(feed, 100, 0).await(10, TimeUnit.SECONDS);
  }
}
