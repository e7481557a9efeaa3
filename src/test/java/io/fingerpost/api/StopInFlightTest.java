package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fingerpost.App;
import io.fingerpost.BundledDefault;
import io.fingerpost.TestDatabase;
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
 * HTTP): a request that meets the closed pool (refused a connection, or its query cut on a closing connection) is a
 * 503 problem with {@code Retry-After}, as in any other database outage, never a 500 "internal error" with an error
 * logged per request.
 */
class StopInFlightTest {
  private static final int CLIENTS = 32;
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
    second.stop().onComplete(ar -> stopped.complete()).await(60, TimeUnit.SECONDS);
    Future.all(again).await(60, TimeUnit.SECONDS);
    app.stop().await(60, TimeUnit.SECONDS);

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
