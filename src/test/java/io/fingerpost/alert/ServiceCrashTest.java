package io.fingerpost.alert;

import io.fingerpost.ServiceConfigs;

import static io.fingerpost.Waits.waitUntil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.Main;
import io.fingerpost.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5, "a restart (even kill -9) resumes delivery from the outbox", for the whole service: the service runs
 * as a child JVM ({@code io.fingerpost.Main --config … --port …}) on a TestDatabase database, with the owning
 * team's receiver pointed at a webhook in this test that answers 503. A deteriorating observation pushed through
 * the API queues a notification that cannot be delivered; the child is killed with SIGKILL; a new child starts,
 * the receiver recovers, and the notification arrives exactly once (by idempotency key).
 */
class ServiceCrashTest {
  static final String TOKEN = "crash-token";

  @TempDir
  Path dir;

  @Test
  void killNineWithANotificationQueuedThenRestartDeliversItOnce() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
    AtomicBoolean receiverUp = new AtomicBoolean(false);
    AtomicInteger refused = new AtomicInteger();
    List<String> accepted = new CopyOnWriteArrayList<>();
    Map<String, Integer> acceptedTimes = new ConcurrentHashMap<>();
    HttpServer hook = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      if (!receiverUp.get()) {
        refused.incrementAndGet();
        req.response().setStatusCode(503).end();
        return;
      }
      String key = req.getHeader(HttpReceiver.IDEMPOTENCY_HEADER);
      if (acceptedTimes.merge(key, 1, Integer::sum) == 1) {
        accepted.add(key);
      }
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    Path config = ServiceConfigs.lifeExpectancyWithWebhook(dir, TOKEN, "http://127.0.0.1:" + hook.actualPort() + "/alerts");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    Process first = null;
    Process second = null;
    try {
      int port = freePort();
      first = startService(config, db, port, "first");
      awaitReady(http, port, first, "first");
      waitUntil("the bundled history of le-birth-male evaluated and settled", Duration.ofSeconds(90),
          () -> count(pool, "SELECT count(*) FROM evaluation WHERE target_id = 'le-birth-male'") > 0 && settled(pool));
      assertEquals(0, count(pool, "SELECT count(*) FROM outbox"), "the history queues nothing");

      push(http, port, "2024 - 26", 78.0);
      waitUntil("a refused delivery attempt", Duration.ofSeconds(60),
          () -> refused.get() > 0 && count(pool, "SELECT count(*) FROM delivery WHERE NOT ok") > 0);
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
      assertTrue(first.waitFor(10, TimeUnit.SECONDS), "the first service is gone");
      assertEquals(1, count(pool, "SELECT count(*) FROM outbox WHERE status = 'pending'"), "one notification waits");
      String key = pool.query("SELECT idempotency_key FROM outbox").execute().await().iterator().next().getUUID(0).toString();
      assertEquals(List.of(), accepted);

      receiverUp.set(true);
      int port2 = freePort();
      second = startService(config, db, port2, "second");
      awaitReady(http, port2, second, "second");
      waitUntil("the queued notification delivered by the restarted service", Duration.ofSeconds(60),
          () -> !accepted.isEmpty() && count(pool, "SELECT count(*) FROM outbox WHERE status = 'pending'") == 0);
      Thread.sleep(1500); // time for a duplicate to show up, were there one
      assertEquals(List.of(key), accepted, "the queued notification, once");
      assertEquals(1, acceptedTimes.get(key), "accepted once by idempotency key");
      assertEquals(1, count(pool, "SELECT count(*) FROM outbox"), "nothing re-queued by the restart");
      assertEquals(1, count(pool, "SELECT count(*) FROM delivery WHERE ok"));
    } finally {
      for (Process p : new Process[] {first, second}) {
        if (p != null && p.isAlive()) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }


  private Process startService(Path config, TestDatabase.Db db, int port, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", cp,
        Main.class.getName(), "--config", config.toString(), "--port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("FINGERPOST_DATABASE_URL", db.url());
    return pb.start();
  }

  private void awaitReady(HttpClient http, int port, Process p, String name) throws Exception {
    waitUntil("the service ready on port " + port, Duration.ofSeconds(90), () -> {
      if (!p.isAlive()) {
        throw new AssertionError("the service exited: " + Files.readString(dir.resolve(name + ".log")));
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (java.io.IOException e) {
        return false; // not listening yet
      }
    });
  }

  private static void push(HttpClient http, int port, String period, double value) throws Exception {
    String body = "[{\"indicatorId\": \"90366\", \"areaCode\": \"E08000027\", \"sex\": \"Male\", \"age\": \"<1 yr\","
        + " \"period\": \"" + period + "\", \"value\": " + value + "}]";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/observations"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private String lastState = "";
  private int stableFor;

  /** True once evaluations and alert transitions have not changed for four calls and nothing waits. */
  private boolean settled(Pool pool) {
    String now = count(pool, "SELECT count(*) FROM evaluation") + "/" + count(pool, "SELECT count(*) FROM alert_transition")
        + "/" + count(pool, "SELECT count(*) FROM outbox WHERE status = 'pending'");
    stableFor = now.equals(lastState) ? stableFor + 1 : 0;
    lastState = now;
    return stableFor >= 4 && now.endsWith("/0");
  }

  private static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
