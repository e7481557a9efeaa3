package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 12: a feed whose file lost most of its rows still reads without error, but the
 * operations team must hear of it. The service (in this JVM, real database, real HTTP, a webhook receiver on
 * 127.0.0.1) polls a file every second: 100 rows, then 90 (a small fall: no warning), then 40 (a sharp fall:
 * {@code warning} in {@code /api/feeds/{name}}, the feed alert fires with the numbers, the stored rows stay),
 * then 100 again (warning cleared, alert resolved).
 */
class RowDropWarningTest {

  @TempDir
  Path dir;

  @Test
  void aSharpFallInRowsWarnsAndFiresTheFeedAlertUntilTheSourceRecovers() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<String> notifications = new CopyOnWriteArrayList<>();
    HttpServer hook = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      notifications.add(b.toString());
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    Path csv = dir.resolve("data.csv");
    write(csv, 100);
    Files.writeString(dir.resolve("config.yaml"), """
        feeds:
          - {name: shrinking, type: fingertips-csv, source: data.csv, interval: 1s}
        alerts:
          receivers:
            ops: {type: webhook, url: "http://127.0.0.1:%d/hook", timeout: 5s}
          defaultReceivers: [ops]
          delivery: {initialBackoff: 200ms, maxBackoff: 1s, pollInterval: 300ms}
        """.formatted(hook.actualPort()));
    TestDatabase.Db db = TestDatabase.newDatabase();
    ConfigLoader.Loaded loaded = ConfigLoader.load(dir.resolve("config.yaml"), Map.of());
    FingerpostConfig cfg = loaded.config().withDatabase(db.config()).withHttpPort(0);
    App app = App.start(vertx, new ConfigLoader.Loaded(cfg, loaded.file())).await(60, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      int port = app.httpPort();
      JsonObject feed = awaitFeed(http, port, f -> f.getLong("rowsRead") == 100);
      assertEquals("OK", feed.getString("state"));
      assertNull(feed.getString("warning"));

      write(csv, 90);
      feed = awaitFeed(http, port, f -> f.getLong("rowsRead") == 90);
      assertNull(feed.getString("warning"), "a fall of 10% is not sharp");

      write(csv, 40);
      feed = awaitFeed(http, port, f -> f.getLong("rowsRead") == 40);
      assertEquals("OK", feed.getString("state"), "the read itself succeeded");
      assertEquals("rows read fell from 90 to 40 (-56%) against the previous read: is the source complete?",
          feed.getString("warning"));
      await("the feed alert delivered", () -> notifications.stream()
          .anyMatch(n -> n.contains("firing") && n.contains("rows read fell from 90 to 40")));
      Thread.sleep(1500); // unchanged polls meanwhile keep the warning
      JsonObject again = get(http, port, "/api/feeds/shrinking");
      assertEquals(feed.getString("warning"), again.getString("warning"), "kept while the source is unchanged");
      JsonObject alerts = get(http, port, "/api/alerts?rule=feed_stale&state=firing");
      assertEquals(1, alerts.getJsonArray("alerts").size(), alerts.encode());
      io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(db.connectOptions())
          .using(vertx).build();
      assertEquals(100, pool.query("SELECT count(*) FROM observation").execute().await(10, TimeUnit.SECONDS)
          .iterator().next().getLong(0), "the rows the source lost stay stored");
      pool.close();

      write(csv, 100);
      feed = awaitFeed(http, port, f -> f.getLong("rowsRead") == 100);
      assertNull(feed.getString("warning"), "a complete read clears the warning");
      await("the feed alert resolved", () -> notifications.stream().anyMatch(n -> n.contains("resolved")));
      assertEquals(0, get(http, port, "/api/alerts?rule=feed_stale&state=firing").getJsonArray("alerts").size());
    } finally {
      app.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** {@code rows} rows, one series per row (area), the same values each time (only the count changes). */
  private static void write(Path csv, int rows) throws Exception {
    StringBuilder b = new StringBuilder("Indicator ID,Area Code,Sex,Time period,Value\n");
    for (int i = 0; i < rows; i++) {
      b.append("4242,E").append(String.format("%08d", 6_000_000 + i)).append(",Persons,2020,").append(10 + i).append('\n');
    }
    Path tmp = csv.resolveSibling("data.csv.tmp");
    Files.writeString(tmp, b);
    Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static JsonObject get(HttpClient http, int port, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject awaitFeed(HttpClient http, int port, Predicate<JsonObject> ok) throws Exception {
    JsonObject[] last = new JsonObject[1];
    await("feed status", () -> {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/feeds/shrinking")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) {
        return false; // no status row before the first poll starts
      }
      assertEquals(200, r.statusCode(), r.body());
      last[0] = new JsonObject(r.body());
      return last[0].getValue("rowsRead") != null && ok.test(last[0]);
    });
    return last[0];
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!check.ok()) {
      assertTrue(System.nanoTime() < deadline, "not reached within 30 s: " + what);
      Thread.sleep(100);
    }
  }
}
