package io.fingerpost.feed.fingertips;

import static io.fingerpost.Waits.completesWithin;
import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.FeedIndicatorStateStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The stop of a {@code fingertips-api} feed with a poll under way (docs/internals.md "Stopping"): an indicator
 * whose transaction has begun commits and the stop waits for it; requests under way are cut at once; nothing of
 * the cut is recorded as a failure (no failed status, nothing on the indicators, no warning), and the next start
 * polls again.
 */
class ApiFeedStopTest {

  @RegisterExtension
  static final ApiFeedBed bed = new ApiFeedBed();
  FingertipsApiServer api;
  ListAppender<ILoggingEvent> log;

  @BeforeEach
  void start() throws Exception {
    api = new FingertipsApiServer(bed.vertx);
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(FingertipsApiFeed.class)).addAppender(log);
  }

  @AfterEach
  void close() throws Exception {
    ((Logger) LoggerFactory.getLogger(FingertipsApiFeed.class)).detachAppender(log);
    bed.undeployAll();
    api.close();
  }

  FeedConfig feed(String name, List<String> ids) {
    // one request at a time: with two indicators, one is in flight and the other waits for its turn
    return new FeedConfig(name, FeedConfig.FINGERTIPS_API, null, true, Duration.ofHours(1), Duration.ofSeconds(10),
        null, ApiFeedBed.indicators(ids), null, null, api.baseUrl(), null, null, List.of(FingertipsApiServer.CHILD),
        FingertipsApiServer.PARENT, 1);
  }

  @Test
  void aStopWaitsForTheIndicatorBeingWrittenWhichCommits() throws Exception {
    String name = "stop-writing";
    Future<String> undeployed;
    try (Connection lock = DriverManager.getConnection(bed.db.jdbcUrl())) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE observation IN EXCLUSIVE MODE"); // writes wait, reads go on
      }
      String id = bed.vertx.deployVerticle(new FingertipsApiFeed(feed(name, List.of("90061")), bed.store,
          bed.status)).await(30, TimeUnit.SECONDS);
      waitUntil("the indicator's transaction waiting for the lock", Duration.ofSeconds(30),
          () -> bed.db.waitingForLock("") > 0);
      undeployed = bed.vertx.undeploy(id).map(id);
      // before, the feed's stop did not wait: the write went on while the service closed its database
      assertFalse(completesWithin(undeployed, Duration.ofSeconds(3)), "the stop did not wait for the write");
      lock.rollback();
    }
    undeployed.await(30, TimeUnit.SECONDS);
    assertTrue(bed.rows(name, "90061") > 800, "the transaction under way at the stop committed");
    assertEquals(List.of(), warnings());
    assertTrue(bed.statuses(name).stream().allMatch(FeedStatus::ok), "a failed status: " + bed.statuses(name));
  }

  @Test
  void aStopCutsTheRequestsUnderWayRecordsNoFailureAndTheNextStartPollsAgain() throws Exception {
    String name = "stop-downloading";
    FeedConfig config = feed(name, List.of("90062", "90063"));
    Promise<Void> gate = Promise.promise();
    api.holdExports = gate.future();
    try {
      String id = bed.vertx.deployVerticle(new FingertipsApiFeed(config, bed.store, bed.status))
          .await(30, TimeUnit.SECONDS);
      FingertipsApiFeedTest.waitFor(() -> api.held.get() >= 1, "a download in flight");
      // bounded: the download is cut at once and the indicator waiting for its turn never asks
      bed.vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    } finally {
      bed.vertx.runOnContext(v -> gate.tryComplete());
    }
    assertEquals(1, api.held.get(), "an export asked for after the stop");
    assertEquals(List.of(), warnings(), "the stop's cut was warned about as a failure");
    assertTrue(FingertipsApiFeedTest.logged(log, "poll ended by the service's stop"), "no line says the stop cut it");
    assertEquals(List.of(), bed.statuses(name), "the stop's cut published as a failed poll");
    Row feedStatus = bed.database.pool().preparedQuery(
            "SELECT consecutive_failures, last_error FROM feed_status WHERE feed = $1")
        .execute(Tuple.of(name)).await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals(0, feedStatus.getInteger(0), "a failure counted");
    assertNull(feedStatus.getString(1));
    new FeedIndicatorStateStore(bed.database.pool()).load(name).await(10, TimeUnit.SECONDS).values()
        .forEach(s -> assertNull(s.lastError(), "an error saved on indicator " + s.indicatorId()));
    assertEquals(0, bed.rows(name, "90062"));

    // the next start polls both again, whole
    api.holdExports = null;
    bed.deploy(new FingertipsApiFeed(config, bed.store, bed.status));
    FeedStatus next = bed.poll(name, 1);
    assertTrue(next.ok(), String.valueOf(next));
    assertTrue(bed.rows(name, "90062") > 800);
    assertEquals(bed.rows(name, "90062"), bed.rows(name, "90063"));
  }

  private List<String> warnings() {
    return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }
}
