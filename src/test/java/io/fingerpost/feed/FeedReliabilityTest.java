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
    store = new ObservationStore(vertx, database);
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
    return statuses.await(s -> s.feed().equals(feed) && s.ok() && s.rows() != null).toJson();
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
      statuses.await(s -> s.feed().equals("in-place") && s.unchanged()).toJson();
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
      statuses.await(s -> s.feed().equals("in-place") && s.unchanged()).toJson();
      statuses.clear();
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
      JsonObject touched = statuses.await(s -> s.feed().equals("in-place") && s.ok()).toJson();
      assertTrue(touched.getBoolean("unchanged"), touched.encode());
    } finally {
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void badBytesRejectTheirRowsAndTheRestLoads(Vertx vertx, @TempDir Path dir) throws Exception {
    String csv = FingertipsCsvReaderTest.HEADER + "\n"
        + FingertipsCsvReaderTest.row("T00000001", "2019", "1.5") + "\n"                          // 2 good
        + FingertipsCsvReaderTest.row("T00000002", "2019", "2.5").replace("Dudley", "Dud\u0000") + "\n" // 3 NUL
        + FingertipsCsvReaderTest.row("T00000003", "2019", "3.5").replace("Dudley", "Dud@") + "\n"    // 4 not UTF-8
        + FingertipsCsvReaderTest.row("T00000004", "2019", "4.5") + "\n";                         // 5 good
    byte[] bytes = new String(csv.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
        .replace("@", "\u00ff").getBytes(StandardCharsets.ISO_8859_1);
    Path file = dir.resolve("bad-bytes.csv");
    Files.write(file, bytes);
    String id = deploy(vertx, "bad-bytes", file);
    try {
      JsonObject first = read("bad-bytes");
      assertEquals(4, first.getLong("rowsRead"));
      assertEquals(2, first.getLong("rowsInserted"), first.encode());
      assertEquals(2, first.getLong("rowsRejected"));
      List<JsonObject> rejections = rejections("bad-bytes");
      assertEquals(List.of(3L, 4L), rejections.stream().map(r -> r.getLong("line")).toList());
      assertTrue(rejections.get(0).getString("reason").contains("holds a NUL byte"), rejections.toString());
      assertTrue(rejections.get(1).getString("reason").contains("not UTF-8"), rejections.toString());
      assertEquals(4.5, storedValue("T00000004", "2019"));
      // the next poll is not stuck: same file, same fingerprint, OK
      JsonObject again = statuses.await(s -> s.feed().equals("bad-bytes") && s.unchanged()).toJson();
      assertTrue(again.getBoolean("ok"));
    } finally {
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void brokenQuotingKeepsTheRowsBeforeAndTheRestLoadsOnceFixed(Vertx vertx, @TempDir Path dir) throws Exception {
    // Line 855: a stray quote pair the parser cannot get past ("Roch"dale); the next record (856-857) is short,
    // so the parser cannot tell where records start again: nothing from the broken record (854) on is read.
    java.util.function.UnaryOperator<String> shortRecord = l -> l.substring(0, l.indexOf(",E08"));
    byte[] broken = FingertipsCsvReaderTest.realExportWith(855, l -> l.replace(",Rochdale,", ",\"Roch\"dale,"));
    Path file = dir.resolve("quotes.csv");
    Files.write(file, broken);
    Files.write(file, FingertipsCsvReaderTest.realExportWith(file, 857, shortRecord));
    byte[] fixed = FingertipsCsvReaderTest.realExportWith(FingertipsCsvReaderTest.realExport(), 857, shortRecord);
    System.setProperty("fingerpost.chunk.bytes", "8192");
    String id = deploy(vertx, "quotes", file);
    try {
      JsonObject first = read("quotes");
      assertEquals(426, first.getLong("rowsInserted"), first.encode());
      assertEquals(1, first.getLong("rowsRejected"), first.encode());
      List<JsonObject> rejections = rejections("quotes");
      assertEquals(1, rejections.size());
      assertTrue(rejections.get(0).getString("reason").contains("nothing from line 854 on is read"),
          rejections.toString());

      // Line 855 fixed: the chunks after it were cut alike but never read, so they are parsed now, not skipped.
      statuses.clear();
      Files.write(file, fixed);
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
      JsonObject second = read("quotes");
      assertEquals(852 - 426 - 1, second.getLong("rowsInserted"), second.encode());
      assertEquals(1, second.getLong("rowsRejected"), second.encode());
      assertTrue(second.getInteger("chunksSkipped") > 0, second.encode());
      assertTrue(rejections("quotes").get(0).getString("reason").contains("has 4 fields"), rejections("quotes").toString());
      long stored = database.pool().query("SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id"
          + " WHERE s.indicator_id = '93356' AND o.period <> '2019'").execute()
          .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
      assertEquals(851, stored);
    } finally {
      System.clearProperty("fingerpost.chunk.bytes");
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
  }

  /** The rejections stored for {@code feed}, as (line, reason). */
  static List<JsonObject> rejections(String feed) throws Exception {
    return reader.rejections(feed, 100, 0).await(10, TimeUnit.SECONDS).stream().map(JsonObject::mapFrom).toList();
  }
}
