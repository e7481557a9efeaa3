package io.fingerpost.alert;

import io.fingerpost.config.Damping;
import io.fingerpost.config.DeliveryConfig;
import io.fingerpost.config.ReceiverConfig;
import io.fingerpost.config.RouteConfig;
import io.fingerpost.config.RulesConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.strategy.TargetContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alert rounds and the notifier on a real PostgreSQL, delivering to a real HTTP server that fails with 503
 * for a while.
 */
class OutboxDeliveryTest {
  private static TestDatabase.Db db;
  private static Vertx vertx;
  private static Pool pool;
  private static AlertStore store;
  private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  private final AlertRules rules = new AlertRules(RulesConfig.defaults(), "http://127.0.0.1:8080");
  private final AlertLifecycle lifecycle = new AlertLifecycle(Damping.none());
  private final Router router = new Router(List.of(
      new RouteConfig(Map.of("team", "Population health"), null, List.of("hook"), false)), List.of("fallback"));
  private final Grouping grouping = new Grouping(router, List.of("team"));

  @BeforeAll
  static void setUp() {
    db = TestDatabase.newDatabase();
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(db.connectOptions()).using(vertx).build();
    store = new AlertStore(pool, Clock.systemUTC());
  }

  @AfterAll
  static void tearDown() {
    pool.close().await();
    vertx.close().await();
  }

  @BeforeEach
  void clean() {
    db.execute("TRUNCATE delivery, outbox, alert_transition, alert, silence RESTART IDENTITY");
  }

  private static TargetContext target(String id, String team) {
    return new TargetContext(id, id, "90366", "Life expectancy at birth", "years", "E08000027", "Dudley", "Male", "",
        "", "", "ICS long term", team, "2033", 80.0, "10", "increase");
  }

  private Signal offTrack(long evalId, String targetId, String team, String period, String status, boolean initial) {
    EvaluationRecord e = Evaluations.record(evalId, targetId, 1L, period, 2020.5, 1, T0.plusSeconds(evalId), initial,
        io.fingerpost.strategy.TargetStatus.valueOf(status), false, 76.0, 75.5, 76.5, 78.0, -2.0, 0.5, 1.0, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, target(targetId, team));
    return rules.offTrajectory(e);
  }

  private RoundResultView round(Signal... signals) {
    List<AlertStore.Change> changes = new ArrayList<>();
    for (Signal s : signals) {
      changes.add(AlertStore.Change.of(s, lifecycle));
    }
    AlertStore.RoundResult r = store.applyRound(changes, grouping).await();
    return new RoundResultView(r.transitions().size(), r.outboxIds().size());
  }

  record RoundResultView(int transitions, int outbox) {}

  private static long count(String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }

  @Test
  void oneRoundWritesStateHistoryAndOneNotificationPerTeam() {
    RoundResultView r = round(
        offTrack(1, "t-a", "Population health", "2021", "OFF_TRACK", false),
        offTrack(2, "t-b", "Population health", "2021", "AT_RISK", false),
        offTrack(3, "t-c", "Adult social care", "2021", "OFF_TRACK", false));
    assertEquals(new RoundResultView(3, 2), r);
    Row hook = pool.query("SELECT * FROM outbox WHERE receiver = 'hook'").execute().await().iterator().next();
    Notification n = Notification.fromJson(hook.getJsonObject("payload"));
    assertEquals(2, n.alerts().size());
    assertEquals("{}:{team=\"Population health\"}", n.groupKey());
    assertEquals(1, count("SELECT count(*) FROM outbox WHERE receiver = 'fallback'"));
    assertEquals(3, count("SELECT count(*) FROM alert WHERE state = 'firing' AND notified"));

    // the same evaluations again, and a re-evaluation of the same data: nothing new
    assertEquals(new RoundResultView(0, 0), round(offTrack(1, "t-a", "Population health", "2021", "OFF_TRACK", false)));
    assertEquals(new RoundResultView(0, 0), round(offTrack(4, "t-a", "Population health", "2021", "OFF_TRACK", false)));
    assertEquals(3, count("SELECT count(*) FROM alert_transition"));

    // recovery resolves and is announced
    assertEquals(new RoundResultView(1, 1), round(offTrack(5, "t-a", "Population health", "2022", "ON_TRACK", false)));
    Row t = pool.query("SELECT * FROM alert_transition ORDER BY id DESC LIMIT 1").execute().await().iterator().next();
    assertEquals("resolved", t.getString("to_state"));
    assertEquals(5L, t.getLong("evaluation_id"));
  }

  @Test
  void initialLoadIsHistoryOnly() {
    RoundResultView r = round(
        offTrack(1, "t-a", "Population health", "2018", "OFF_TRACK", true),
        offTrack(2, "t-a", "Population health", "2019", "ON_TRACK", true),
        offTrack(3, "t-a", "Population health", "2020", "AT_RISK", true));
    assertEquals(new RoundResultView(3, 0), r);
    assertEquals(3, count("SELECT count(*) FROM alert_transition WHERE initial_load AND NOT notified"));
    assertEquals(0, count("SELECT count(*) FROM outbox"));
  }

  @Test
  void silencedAlertsAreRecordedNotSentAndASilenceCanEndOnResolve() {
    db.execute("INSERT INTO silence (matchers, ends_at, created_by, comment, end_on_resolve) VALUES "
        + "('[{\"name\":\"team\",\"value\":\"Population health\",\"isRegex\":false}]', now() + interval '1 hour',"
        + " 'ana', 'known issue', true)");
    assertEquals(new RoundResultView(1, 0), round(offTrack(1, "t-a", "Population health", "2021", "OFF_TRACK", false)));
    assertEquals(1, count("SELECT count(*) FROM alert_transition WHERE silenced"));
    assertEquals(new RoundResultView(1, 0), round(offTrack(2, "t-a", "Population health", "2022", "ON_TRACK", false)));
    assertEquals(1, count("SELECT count(*) FROM silence WHERE ended_at IS NOT NULL AND ended_by = 'resolved'"));
    // the silence has ended: the next firing is sent
    assertEquals(new RoundResultView(1, 1), round(offTrack(3, "t-a", "Population health", "2023", "OFF_TRACK", false)));
  }

  @Test
  void receiverDownForAWhileGetsEverythingOnceInOrder() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(6);
    List<String> accepted = new CopyOnWriteArrayList<>();
    Map<String, Integer> acceptedCount = new ConcurrentHashMap<>();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      String key = req.getHeader(HttpReceiver.IDEMPOTENCY_HEADER);
      if (failuresLeft.getAndDecrement() > 0) {
        req.response().setStatusCode(503).end("down for maintenance");
        return;
      }
      // a real idempotent receiver: a repeated key is acknowledged but not processed again
      if (acceptedCount.merge(key, 1, Integer::sum) == 1) {
        accepted.add(key);
      }
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await();
    try {
      // five rounds queued while the receiver is down: fire, escalate, resolve...
      round(offTrack(1, "t-a", "Population health", "2021", "AT_RISK", false));
      round(offTrack(2, "t-b", "Population health", "2021", "OFF_TRACK", false));
      round(offTrack(3, "t-a", "Population health", "2022", "OFF_TRACK", false));
      round(offTrack(4, "t-b", "Population health", "2022", "ON_TRACK", false));
      round(offTrack(5, "t-a", "Population health", "2023", "ON_TRACK", false));
      List<String> queued = new ArrayList<>();
      pool.query("SELECT idempotency_key FROM outbox WHERE receiver = 'hook' ORDER BY id").execute().await()
          .forEach(row -> queued.add(row.getUUID(0).toString()));
      assertEquals(5, queued.size());

      ReceiverConfig cfg = new ReceiverConfig("webhook", "http://127.0.0.1:" + server.actualPort() + "/hook",
          null, Duration.ofSeconds(2), null, null, null);
      Map<String, Receiver> receivers = Receivers.create(vertx, WebClient.create(vertx),
          Map.of("hook", cfg, "fallback", new ReceiverConfig("log", null, null, null, null, null, null)),
          "http://127.0.0.1:8080", Clock.systemUTC());
      DeliveryConfig dc = new DeliveryConfig(Duration.ofMillis(20), Duration.ofMillis(200), null, null,
          Duration.ofSeconds(1), null);
      String id = vertx.deployVerticle(new Notifier(store, receivers, router, dc, Clock.systemUTC())).await();
      waitUntil(() -> count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0, Duration.ofSeconds(20));
      vertx.undeploy(id).await();

      assertEquals(queued, accepted, "every notification, in order");
      acceptedCount.values().forEach(c -> assertEquals(1, c));
      assertEquals(5, count("SELECT count(*) FROM outbox WHERE status = 'delivered' AND receiver = 'hook'"));
      assertEquals(6, count("SELECT count(*) FROM delivery WHERE NOT ok AND http_status = 503"));
      Row first = pool.query("SELECT * FROM outbox WHERE receiver = 'hook' ORDER BY id LIMIT 1").execute().await()
          .iterator().next();
      assertEquals(7, first.getInteger("attempts"));
      assertTrue(first.getString("last_error").contains("HTTP 503"), first.getString("last_error"));
      assertFalse(pool.query("SELECT error FROM delivery WHERE NOT ok").execute().await().iterator().next()
          .getString(0).isBlank());
    } finally {
      server.close().await();
    }
  }

  /**
   * The notifier's stop waits for a delivery under way (docs/internals.md "Stopping"): the receiver answers after
   * the stop began and the attempt is recorded; with the database closed under it (the service's stop after its
   * grace) the stop's cut is one info line and the notification stays pending, sent again at the next start with the
   * same idempotency key.
   */
  @Test
  void aStopLetsTheDeliveryUnderWayFinishAndACutOneIsSentAgain() throws Exception {
    List<io.vertx.core.http.HttpServerRequest> held = new CopyOnWriteArrayList<>();
    List<String> keys = new CopyOnWriteArrayList<>();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      keys.add(req.getHeader(HttpReceiver.IDEMPOTENCY_HEADER));
      held.add(req); // answered by the test
    })).listen(0, "127.0.0.1").await();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
        new ch.qos.logback.core.read.ListAppender<>();
    log.start();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        Notifier.class);
    logger.addAppender(log);
    try {
      round(offTrack(1, "t-a", "Population health", "2021", "AT_RISK", false));
      ReceiverConfig cfg = new ReceiverConfig("webhook", "http://127.0.0.1:" + server.actualPort() + "/hook",
          null, Duration.ofSeconds(30), null, null, null);
      Map<String, Receiver> receivers = Receivers.create(vertx, WebClient.create(vertx), Map.of("hook", cfg),
          "http://127.0.0.1:8080", Clock.systemUTC());
      DeliveryConfig dc = new DeliveryConfig(Duration.ofMillis(20), Duration.ofMillis(200), null, null,
          Duration.ofSeconds(1), null);

      // 1. the receiver answers after the stop began: the stop waits, the delivery is recorded
      String id = vertx.deployVerticle(new Notifier(store, receivers, router, dc, Clock.systemUTC())).await();
      waitUntil(() -> held.size() == 1, Duration.ofSeconds(20));
      io.vertx.core.Future<Void> stopped = vertx.undeploy(id);
      Thread.sleep(1000);
      // before, the stop did not wait: the attempt was recorded (or not) by a notifier already gone
      assertFalse(stopped.isComplete(), "the stop did not wait for the delivery under way");
      held.get(0).response().setStatusCode(200).end();
      stopped.await(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(1, count("SELECT count(*) FROM outbox WHERE status = 'delivered' AND receiver = 'hook'"));

      // 2. the database closes under a delivery (the service's stop past its grace): one info line, still pending
      round(offTrack(2, "t-b", "Population health", "2022", "OFF_TRACK", false));
      Pool own = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions())
          .using(vertx).build();
      id = vertx.deployVerticle(new Notifier(new AlertStore(own, Clock.systemUTC()), receivers, router, dc,
          Clock.systemUTC())).await();
      waitUntil(() -> held.size() == 2, Duration.ofSeconds(20));
      stopped = vertx.undeploy(id);
      own.close().await();
      held.get(1).response().setStatusCode(200).end();
      stopped.await(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(List.of(), log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(
          ch.qos.logback.classic.Level.WARN)).map(e -> e.getFormattedMessage()).toList());
      assertEquals(1, log.list.stream().filter(e -> e.getFormattedMessage().contains("cut by the service's stop"))
          .count(), "one line says the stop cut the delivery");
      assertEquals(1, count("SELECT count(*) FROM outbox WHERE status = 'pending' AND receiver = 'hook'"),
          "the cut delivery stays queued");

      // the next start sends it again, with the same key
      id = vertx.deployVerticle(new Notifier(store, receivers, router, dc, Clock.systemUTC())).await();
      waitUntil(() -> held.size() == 3, Duration.ofSeconds(20));
      held.get(2).response().setStatusCode(200).end();
      waitUntil(() -> count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0, Duration.ofSeconds(20));
      vertx.undeploy(id).await();
      assertEquals(keys.get(1), keys.get(2), "sent again with the same idempotency key");
    } finally {
      logger.detachAppender(log);
      server.close().await();
    }
  }

  static void waitUntil(BooleanSupplier ok, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + max);
      }
      Thread.sleep(50);
    }
  }
}
