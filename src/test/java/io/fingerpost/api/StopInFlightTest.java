package io.fingerpost.api;

import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fingerpost.App;
import io.fingerpost.BundledDefault;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.config.HttpConfig;
import io.fingerpost.store.DatabaseOutage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The service stopping while clients read the database through the API (bundled default, embedded PostgreSQL,
 * HTTP). A stop drains the API: it stops accepting connections at once, the requests under way finish (200) for up
 * to {@code http.shutdownGrace}, and only then does the database pool close. A request that meets a closed pool
 * all the same (refused a connection, or its query cut on a closing connection) is a 503 problem with
 * {@code Retry-After}, as in any other database outage, never a 500 "internal error" with an error logged per
 * request.
 */
class StopInFlightTest {
  private static final int CLIENTS = 32;
  /** Requests held in the database while the service stops. */
  private static final int SLOW = 4;
  /** The statement of {@code GET /api/indicators} (StoreReader.indicators). */
  static final String INDICATOR_LIST = "FROM indicator i LEFT JOIN series s";
  private Vertx service;
  private Vertx clients;
  private ListAppender<ILoggingEvent> log;

  @BeforeEach
  void start() {
    service = Vertx.vertx();
    clients = Vertx.vertx();
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(ProblemFailureHandler.class)).addAppender(log);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(ProblemFailureHandler.class)).detachAppender(log);
    clients.close().await(30, TimeUnit.SECONDS);
    service.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void requestsThatMeetTheClosedPoolAreUnavailableNotFailed() throws Exception {
    App app = BundledDefault.start(service, TestDatabase.newDatabase(), Map.of());
    int port = app.httpPort();
    WebClient web = WebClient.create(clients, new WebClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(CLIENTS));
    ConcurrentLinkedQueue<HttpResponse<Buffer>> answers = new ConcurrentLinkedQueue<>();
    AtomicInteger unanswered = new AtomicInteger(); // connections the stopped server closed or refused
    Promise<Void> enough = Promise.promise();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      Promise<Void> done = Promise.promise();
      clients.runOnContext(v -> read(web, port, answers, unanswered, enough.future(), done));
      loops.add(done.future());
    }
    Thread.sleep(1500); // reads under way on every connection
    // the stop's last step, the pool's close, while the server still answers: reads under way are cut and later
    // ones find no connection (on a whole stop the server closes first, so only the log shows those)
    app.context().pool().close().await(30, TimeUnit.SECONDS);
    Thread.sleep(1000);
    enough.complete();
    Future.all(loops).await(60, TimeUnit.SECONDS);
    // and a whole stop under the same reads: nothing logged as a failed request either
    Promise<Void> stopped = Promise.promise();
    List<Future<Void>> again = new ArrayList<>();
    App second = BundledDefault.start(service, TestDatabase.newDatabase(), Map.of());
    for (int i = 0; i < CLIENTS; i++) {
      Promise<Void> done = Promise.promise();
      clients.runOnContext(v -> read(web, second.httpPort(), answers, unanswered, stopped.future(), done));
      again.add(done.future());
    }
    Thread.sleep(1500);
    int before = answers.size();
    second.stop().onComplete(ar -> stopped.complete()).await(60, TimeUnit.SECONDS);
    Future.all(again).await(60, TimeUnit.SECONDS);
    app.stop().await(60, TimeUnit.SECONDS);
    // the whole stop drained the API before the pool closed: every request it answered was served
    List<HttpResponse<Buffer>> whole = new ArrayList<>(answers).subList(before, answers.size());
    assertTrue(whole.stream().allMatch(r -> r.statusCode() == 200), "not all 200 during a whole stop: "
        + whole.stream().filter(r -> r.statusCode() != 200).map(HttpResponse::bodyAsString).limit(3).toList());

    long unavailable = answers.stream().filter(r -> r.statusCode() == 503).count();
    assertTrue(answers.stream().anyMatch(r -> r.statusCode() == 200), "reads were answered before the close");
    assertTrue(unavailable > 0, "requests after the pool's close were answered");
    for (HttpResponse<Buffer> r : answers) {
      if (r.statusCode() != 200) {
        assertEquals(503, r.statusCode(), r.bodyAsString());
        assertEquals("application/problem+json", r.getHeader("Content-Type"));
        assertEquals(ProblemFailureHandler.RETRY_AFTER_SECONDS, r.getHeader("Retry-After"), r.bodyAsString());
      }
    }
    List<String> errors = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(List.of(), errors, "requests cut by the stop logged as failures");
  }

  @Test
  void requestsUnderWayAtTheStopFinishAndNewConnectionsAreRefused() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    App app = start(db, Duration.ofSeconds(30));
    int port = app.httpPort();
    WebClient web = WebClient.create(clients, new WebClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(SLOW));
    assertEquals(200, BundledDefault.awaitReady(web, port, Duration.ofMinutes(2)), "the service got ready");
    List<Future<HttpResponse<Buffer>>> slow = new ArrayList<>();
    Future<Void> stopping;
    long stopBegan;
    try (Connection lock = db.lockTable("indicator")) {
      for (int i = 0; i < SLOW; i++) { // each on a connection of its own, all waiting for the lock
        slow.add(web.get(port, "127.0.0.1", "/api/indicators").putHeader("Cache-Control", "no-cache")
            .timeout(60_000).send());
      }
      waitUntil("the requests waiting in the database", Duration.ofSeconds(30),
          () -> db.waitingForLock(INDICATOR_LIST) == SLOW);
      stopBegan = System.nanoTime();
      stopping = app.stop();
      waitUntil("new connections refused", Duration.ofSeconds(10), () -> !accepts(port));
      assertFalse(stopping.isComplete(), "the stop did not wait for the requests under way");
      assertTrue(slow.stream().noneMatch(Future::isComplete), "a request under way was cut");
      lock.rollback(); // the requests can read now
    }
    for (Future<HttpResponse<Buffer>> r : slow) {
      HttpResponse<Buffer> answer = r.await(30, TimeUnit.SECONDS);
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      assertTrue(answer.bodyAsJsonArray().size() > 0, answer.bodyAsString());
    }
    stopping.await(60, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - stopBegan < Duration.ofSeconds(30).toNanos(), "the stop waited its whole grace");
  }

  @Test
  void aRequestStillUnderWayAfterTheGraceIsCutAndTheStopEnds() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Duration grace = Duration.ofSeconds(1);
    App app = start(db, grace);
    int port = app.httpPort();
    WebClient web = WebClient.create(clients);
    assertEquals(200, BundledDefault.awaitReady(web, port, Duration.ofMinutes(2)), "the service got ready");
    try (Connection lock = db.lockTable("indicator")) {
      Future<HttpResponse<Buffer>> stuck = web.get(port, "127.0.0.1", "/api/indicators")
          .putHeader("Cache-Control", "no-cache").timeout(60_000).send();
      waitUntil("the request waiting in the database", Duration.ofSeconds(30),
          () -> db.waitingForLock(INDICATOR_LIST) == 1);
      long began = System.nanoTime();
      app.stop().await(60, TimeUnit.SECONDS); // while the request still waits for the lock
      long took = System.nanoTime() - began;
      assertTrue(took >= grace.toNanos(), "the stop did not give the request its grace: " + took / 1_000_000 + " ms");
      assertTrue(took < grace.plusSeconds(20).toNanos(), "the stop outlasted its grace: " + took / 1_000_000 + " ms");
      // its connection was closed (or, had it raced the pool's close, a 503): never an answer with half a body
      Throwable cut = stuck.transform(ar -> Future.succeededFuture(ar.failed() ? ar.cause() : null))
          .await(30, TimeUnit.SECONDS);
      if (cut == null) {
        assertEquals(503, stuck.result().statusCode(), stuck.result().bodyAsString());
      }
      lock.rollback();
    }
    // the stop asked for the cut: one line at info, no error (before: an ERROR with the cancelled statement)
    waitUntil("the cut request logged", Duration.ofSeconds(30), () -> log.list.stream()
        .anyMatch(e -> e.getFormattedMessage().contains("cut by the service's stop")));
    List<String> lines = log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("INFO GET /api/indicators: cut by the service's stop"), lines.toString());
  }

  /**
   * The stop's cancel marks its own pool only: another app on the same Vert.x (tests) that meets a cancelled
   * statement afterwards (here an operator's {@code pg_cancel_backend}) answers it as the failure it is, a 500, not
   * 503 "the service is stopping" (before, the mark was on the Vert.x instance).
   */
  @Test
  void anotherAppsCancelledStatementAfterAStopIsAFailure() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    TestDatabase.Db otherDb = TestDatabase.newDatabase();
    App app = start(db, Duration.ofSeconds(1));
    WebClient web = WebClient.create(clients);
    assertEquals(200, BundledDefault.awaitReady(web, app.httpPort(), Duration.ofMinutes(2)), "the service got ready");
    // the other polls no feed: the apps share the event bus, and its loads' series events would start evaluation
    // rounds in the first app that wait for the locked table below and take every connection of its pool, so
    // that the request never reached the database (seen once in a full suite run)
    App other = start(otherDb, Duration.ofSeconds(1), List.of());
    assertEquals(200, BundledDefault.awaitReady(web, other.httpPort(), Duration.ofMinutes(2)), "the other got ready");
    try (Connection lock = db.lockTable("indicator")) { // a request past the grace: the stop's close cancels it
      web.get(app.httpPort(), "127.0.0.1", "/api/indicators").putHeader("Cache-Control", "no-cache")
          .timeout(60_000).send();
      waitUntil("the request waiting in the database", Duration.ofSeconds(30),
          () -> db.waitingForLock(INDICATOR_LIST) == 1);
      app.stop().await(60, TimeUnit.SECONDS);
      lock.rollback();
    }
    waitUntil("the cut request logged", Duration.ofSeconds(30), () -> log.list.stream()
        .anyMatch(e -> e.getFormattedMessage().contains("cut by the service's stop")));
    HttpResponse<Buffer> answer;
    try (Connection lock = otherDb.lockTable("indicator")) {
      Future<HttpResponse<Buffer>> held = web.get(other.httpPort(), "127.0.0.1", "/api/indicators")
          .putHeader("Cache-Control", "no-cache").timeout(60_000).send();
      waitUntil("the other's request waiting in the database", Duration.ofSeconds(30),
          () -> otherDb.waitingForLock(INDICATOR_LIST) == 1);
      try (Statement s = lock.getMetaData().getConnection().createStatement()) {
        s.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event_type = 'Lock' AND strpos(query, '" + INDICATOR_LIST + "') > 0");
      }
      answer = held.await(30, TimeUnit.SECONDS);
      lock.rollback();
    }
    assertEquals(500, answer.statusCode(), answer.bodyAsString());
    other.stop().await(60, TimeUnit.SECONDS);
  }

  /** The bundled default on {@code db}, an ephemeral port, with this {@code http.shutdownGrace}. */
  private App start(TestDatabase.Db db, Duration grace) throws Exception {
    return start(db, grace, null);
  }

  /** The same with these feeds (null: the bundled default's). */
  private App start(TestDatabase.Db db, Duration grace, List<FeedConfig> feeds) throws Exception {
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of());
    FingerpostConfig cfg = def.config().withDatabase(db.config()).withHttp(new HttpConfig(0, null, grace));
    if (feeds != null) {
      cfg = cfg.withFeeds(feeds);
    }
    return App.start(service, new ConfigLoader.Loaded(cfg, def.file())).await(60, TimeUnit.SECONDS);
  }

  /** Whether a new TCP connection to the port is accepted. */
  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  @Test
  void aClosedPoolsFailuresAreTheDatabaseGoingAway() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions())
        .using(service).build();
    io.vertx.sqlclient.SqlConnection held = pool.getConnection().await(30, TimeUnit.SECONDS);
    Future<Void> closing = pool.close();
    Throwable onHeld = held.query("SELECT 1").execute().transform(ar -> Future.succeededFuture(ar.cause()))
        .await(30, TimeUnit.SECONDS);
    closing.await(30, TimeUnit.SECONDS);
    Throwable after = pool.query("SELECT 1").execute().transform(ar -> Future.succeededFuture(ar.cause()))
        .await(30, TimeUnit.SECONDS);
    assertTrue(onHeld != null && DatabaseOutage.isConnectionFailure(onHeld), "on a held connection: " + onHeld);
    assertTrue(after != null && DatabaseOutage.isConnectionFailure(after), "after the close: " + after);
  }

  /** One client: reads the target list from the database (no-cache) again and again until told to stop. */
  private static void read(WebClient web, int port, ConcurrentLinkedQueue<HttpResponse<Buffer>> answers,
      AtomicInteger unanswered, Future<Void> enough, Promise<Void> done) {
    if (enough.isComplete()) {
      done.complete();
      return;
    }
    web.get(port, "127.0.0.1", "/api/targets").putHeader("Cache-Control", "no-cache").timeout(30_000).send()
        .onComplete(ar -> {
          if (ar.succeeded()) {
            answers.add(ar.result());
          } else {
            unanswered.incrementAndGet();
          }
          read(web, port, answers, unanswered, enough, done);
        });
  }
}
