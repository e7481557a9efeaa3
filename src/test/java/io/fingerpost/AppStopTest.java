package io.fingerpost;

import static io.fingerpost.Waits.completesWithin;
import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fingerpost.alert.AlertsVerticle;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.config.HttpConfig;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What {@link App#stop()} stops and waits for (docs/internals.md "Stopping"): only the deployments the app made
 * (another app on the same Vert.x runs on, nothing is undeployed twice), and an alert round under way at the stop
 * finishes before the database closes instead of being cancelled and logged as a failure.
 */
class AppStopTest {
  private Vertx vertx;
  private ListAppender<ILoggingEvent> log;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(App.class)).addAppender(log);
    ((Logger) LoggerFactory.getLogger(AlertsVerticle.class)).addAppender(log);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(App.class)).detachAppender(log);
    ((Logger) LoggerFactory.getLogger(AlertsVerticle.class)).detachAppender(log);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aStopUndeploysOnlyWhatItsAppDeployed() throws Exception {
    App first = start(TestDatabase.newDatabase(), Duration.ofSeconds(5));
    App second = start(TestDatabase.newDatabase(), Duration.ofSeconds(5));
    int before = vertx.deploymentIDs().size();
    first.stop().await(60, TimeUnit.SECONDS);
    // before, the stop undeployed every deployment of the Vert.x instance: the other app's API and parts too
    WebClient web = WebClient.create(vertx);
    assertEquals(200, web.get(second.httpPort(), "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS)
        .statusCode(), "the other app's API was stopped");
    assertTrue(vertx.deploymentIDs().size() >= before / 2, "the other app's parts were undeployed: "
        + vertx.deploymentIDs().size() + " of " + before + " left");
    second.stop().await(60, TimeUnit.SECONDS);
    assertEquals(0, vertx.deploymentIDs().size(), "left deployed: " + vertx.deploymentIDs());
    assertEquals(List.of(), warnings(), "a part failed to stop");
  }

  @Test
  void anAlertRoundUnderWayAtTheStopFinishes() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    App app = start(db, Duration.ofSeconds(30));
    Future<Void> stopping;
    try (Connection lock = db.lockTable("alert")) { // the round's SELECT … FOR UPDATE waits
      Events.publish(vertx, new FeedStatus("stop-test", "tidy-csv", "nowhere", false, true, 1, null,
          "failed for the test", null, null));
      waitUntil("the alert round waiting for the lock", Duration.ofSeconds(30),
          () -> db.waitingForLock("FROM alert WHERE fingerprint") >= 1);
      stopping = app.stop();
      // before, the alerts did not wait: the database's close cancelled the round a second later and the stop ended
      assertFalse(completesWithin(stopping, Duration.ofSeconds(5)), "the stop did not wait for the alert round");
      lock.rollback();
    }
    stopping.await(60, TimeUnit.SECONDS);
    try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl()); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*) FROM alert WHERE labels->>'feed' = 'stop-test'")) {
      r.next();
      assertEquals(1, r.getInt(1), "the round under way at the stop was not committed");
    }
    assertEquals(List.of(), warnings(), "the stop logged a failure");
  }

  /** The bundled default on {@code db}, an ephemeral port, with this {@code http.shutdownGrace}. */
  private App start(TestDatabase.Db db, Duration grace) throws Exception {
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of());
    FingerpostConfig cfg = def.config().withDatabase(db.config()).withHttp(new HttpConfig(0, null, grace))
        .withFeeds(List.of());
    return App.start(vertx, new ConfigLoader.Loaded(cfg, def.file())).await(60, TimeUnit.SECONDS);
  }

  private List<String> warnings() {
    return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }
}
