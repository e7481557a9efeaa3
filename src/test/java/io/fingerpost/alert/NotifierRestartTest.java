package io.fingerpost.alert;

import io.fingerpost.config.Damping;
import io.fingerpost.model.Severity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 of the notifier's JVM in the middle of delivering a queue, restart, and the receiver still ends
 * with every notification exactly once by idempotency key, in order.
 */
class NotifierRestartTest {
  private static TestDatabase.Db db;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void setUp() {
    db = TestDatabase.newDatabase();
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static Process startNotifier(String hookUrl) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp, NotifierProcess.class.getName(),
        String.valueOf(db.port()), db.name(), hookUrl).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains("READY")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "notifier-child-output");
        drain.setDaemon(true);
        drain.start();
        return p;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    throw new IllegalStateException("notifier child did not start");
  }

  @Test
  void killNineMidDeliveryThenRestartDeliversEverythingOnceInOrder() throws Exception {
    // a queue of 12 notifications, as alert rounds leave it
    AlertStore store = new AlertStore(pool, Clock.systemUTC());
    AlertLifecycle lc = new AlertLifecycle(Damping.none());
    Grouping grouping = new Grouping(new Router(List.of(), List.of("hook")), List.of("team"));
    for (int i = 0; i < 12; i++) {
      Map<String, String> labels = Map.of("alertname", "OffTrajectory", "rule", "off_trajectory", "target", "t" + i,
          "team", "team" + i, "severity", "warning");
      Signal s = new Signal(Rule.OFF_TRAJECTORY, Fingerprints.forTarget(Rule.OFF_TRAJECTORY, "t" + i),
          Signal.Condition.ACTIVE, Severity.WARNING, labels, Map.of("summary", "n" + i), (long) i + 1, "2021#1",
          Instant.now(), false, "http://x");
      store.applyRound(List.of(AlertStore.Change.of(s, lc)), grouping).await();
    }
    List<String> queued = new ArrayList<>();
    pool.query("SELECT idempotency_key FROM outbox ORDER BY id").execute().await()
        .forEach(r -> queued.add(r.getUUID(0).toString()));
    assertEquals(12, queued.size());

    // the receiver takes 150 ms per request and processes each key once
    List<String> accepted = new CopyOnWriteArrayList<>();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b ->
        vertx.setTimer(150, t -> {
          String key = req.getHeader(HttpReceiver.IDEMPOTENCY_HEADER);
          if (seen.merge(key, 1, Integer::sum) == 1) {
            accepted.add(key);
          }
          req.response().setStatusCode(200).end();
        }))).listen(0, "127.0.0.1").await();
    String url = "http://127.0.0.1:" + server.actualPort() + "/hook";
    Process first = startNotifier(url);
    Process second = null;
    try {
      OutboxDeliveryTest.waitUntil(() -> accepted.size() >= 4, Duration.ofSeconds(30));
      first.destroyForcibly(); // SIGKILL
      assertTrue(first.waitFor(10, TimeUnit.SECONDS));
      long pending = pool.query("SELECT count(*) FROM outbox WHERE status = 'pending'").execute().await()
          .iterator().next().getLong(0);
      assertTrue(pending > 0 && pending < 12, "killed mid-delivery: " + pending + " pending");

      second = startNotifier(url);
      OutboxDeliveryTest.waitUntil(() -> pool.query("SELECT count(*) FROM outbox WHERE status = 'pending'")
          .execute().await().iterator().next().getLong(0) == 0, Duration.ofSeconds(30));
      assertEquals(queued, accepted, "every notification once, in order");
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      server.close().await();
    }
  }
}
