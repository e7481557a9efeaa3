package io.fingerpost.feed;

import io.fingerpost.event.FeedStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.RetryConfig;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.StoreReader;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Feeds end to end: file with bad rows, unchanged source, an HTTP source that fails then recovers. */
@ExtendWith(VertxExtension.class)
class FeedVerticleTest {

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

  static FeedConfig feed(String name, String source, Duration interval) {
    return new FeedConfig(name, FeedConfig.FINGERTIPS_CSV, source, true, interval, Duration.ofSeconds(5),
        new RetryConfig(Duration.ofMillis(100), Duration.ofMillis(400)), List.of(), null, null);
  }

  @Test
  void fileWithBadRowsLoadsTheGoodOnesAndReportsEachBadLine(Vertx vertx, @TempDir Path dir) throws Exception {
    String h = FingertipsCsvReaderTest.HEADER;
    String csv = h + "\n"
        + FingertipsCsvReaderTest.row("E08000027", "2019", "10.5") + "\n"    // 2 good
        + "93356,short row,E12000005\n"                                       // 3 wrong column count
        + FingertipsCsvReaderTest.row("E08000027", "2020", "ten") + "\n"      // 4 non-numeric value
        + FingertipsCsvReaderTest.row("", "2020", "3") + "\n"                 // 5 missing area code
        + FingertipsCsvReaderTest.row("E08000027", "2019", "10.6") + "\n"    // 6 duplicated key (line 2)
        + FingertipsCsvReaderTest.row("E08000028", "2019", "7.25") + "\n";   // 7 good
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    FeedConfig cfg = feed("bad-rows", file.toString(), Duration.ofMillis(300));
    String id = vertx.deployVerticle(new FeedVerticle(cfg, ConfigFile.of(dir.resolve("x.yaml")).resolve(cfg.source()),
        store, status)).await(10, TimeUnit.SECONDS);
    try {
      FeedStatus first = statuses.await(s -> s.feed().equals("bad-rows") && s.ok());
      assertEquals(6, first.rows().read());
      assertEquals(2, first.rows().inserted());
      assertEquals(4, first.rows().rejected());
      List<JsonObject> rejections = reader.rejections("bad-rows", 100, 0).await(10, TimeUnit.SECONDS).stream()
          .map(JsonObject::mapFrom).toList();
      assertEquals(List.of(3L, 4L, 5L, 6L), rejections.stream().map(r -> r.getLong("line")).toList());
      assertTrue(rejections.get(0).getString("reason").contains("has 3 fields"));
      assertTrue(rejections.get(1).getString("reason").contains("Value 'ten' is not a number"));
      assertTrue(rejections.get(2).getString("reason").contains("no Area Code"));
      assertTrue(rejections.get(3).getString("reason").contains("duplicates the series and period of line 2"));
      assertEquals(file.toString(), rejections.get(0).getString("source"));
      JsonObject fs = JsonObject.mapFrom(reader.feed("bad-rows").await(10, TimeUnit.SECONDS));
      assertEquals(4, fs.getLong("rowsRejected"));
      List<StoreReader.SeriesSummary> series = reader.series(new StoreReader.SeriesFilter("93356", "E08000027", null,
          null, null, null), 10, 0).await(10, TimeUnit.SECONDS);
      assertEquals(10.5, reader.observations(series.get(0).id()).await(10, TimeUnit.SECONDS).get(0)
          .value());

      // The next poll finds the same file and skips the read.
      statuses.await(s -> s.feed().equals("bad-rows") && s.unchanged());
      assertEquals(4, reader.rejections("bad-rows", 100, 0).await(10, TimeUnit.SECONDS).size());
    } finally {
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void httpSourceThatFailsIsRetriedAndRecovers(Vertx vertx) throws Exception {
    String body = Files.readString(FingertipsCsvReaderTest.realExport(), StandardCharsets.UTF_8);
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      int n = requests.incrementAndGet();
      if (n == 1) {
        req.response().setStatusCode(500).end("boom");
      } else if (n == 2) {
        // promises the whole file, sends half, and hangs up: a truncated body
        req.response().putHeader("Content-Length", String.valueOf(body.getBytes(StandardCharsets.UTF_8).length))
            .write(body.substring(0, body.length() / 2))
            .onComplete(w -> req.connection().close());
      } else {
        req.response().putHeader("Content-Type", "text/csv").end(body);
      }
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    String url = "http://127.0.0.1:" + server.actualPort() + "/all_data.csv";
    FeedConfig cfg = feed("http-feed", url, Duration.ofHours(1));
    String id = vertx.deployVerticle(new FeedVerticle(cfg, ConfigFile.bundledDefault().resolve(url), store, status))
        .await(10, TimeUnit.SECONDS);
    try {
      FeedStatus failed = statuses.await(s -> s.feed().equals("http-feed") && !s.ok());
      assertTrue(failed.lastError().contains("HTTP 500"), failed.toString());
      FeedStatus truncated = statuses.await(s -> s.feed().equals("http-feed") && !s.ok()
          && s.consecutiveFailures() == 2);
      assertTrue(truncated.lastError().contains("download"), truncated.toString());
      assertEquals(0, reader.series(new StoreReader.SeriesFilter("93356", "E92000001", null, null, null, null), 10, 0)
          .await(10, TimeUnit.SECONDS).size(), "a failed download loads nothing");
      FeedStatus ok = statuses.await(s -> s.feed().equals("http-feed") && s.ok());
      assertEquals(852, ok.rows().inserted());
      // a first poll stores its rows, then cuts the file into chunks for the next read
      assertTrue(ok.read().storedMs() <= ok.read().durationMs(), ok.toString());
      assertTrue(ok.read().chunks() != null && ok.read().chunks().chunks() > 0, ok.toString());
      assertEquals(3, requests.get());
      JsonObject fs = JsonObject.mapFrom(reader.feed("http-feed").await(10, TimeUnit.SECONDS));
      assertEquals("OK", fs.getString("state"));
      assertTrue(fs.getString("lastError").contains("download"), "the failure stays visible: " + fs.encode());
      assertTrue(fs.getString("lastErrorAt") != null);
      assertEquals(852, fs.getLong("rowsRead"));
    } finally {
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
      server.close();
    }
  }
}
