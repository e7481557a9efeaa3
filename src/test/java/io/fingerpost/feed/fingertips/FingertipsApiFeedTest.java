package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.FeedConfig;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.FeedIndicatorStateStore;
import io.fingerpost.store.Lease;
import io.fingerpost.store.Leases;
import io.vertx.core.Promise;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code fingertips-api} feed against a local server answering as the classic API does
 * ({@link FingertipsApiServer}): a real database, real HTTP, the real export. Each test has its own feed name
 * (its own rows and state) and server.
 */
class FingertipsApiFeedTest {

  @RegisterExtension
  static final ApiFeedBed bed = new ApiFeedBed();
  FingertipsApiServer api;

  @BeforeEach
  void server() throws Exception {
    api = new FingertipsApiServer(bed.vertx);
  }

  @AfterEach
  void close() throws Exception {
    bed.undeployAll();
    api.close();
  }

  FeedConfig feed(String name, List<String> ids, int concurrency, Duration interval) {
    return new FeedConfig(name, FeedConfig.FINGERTIPS_API, null, true, interval, Duration.ofSeconds(10), null,
        ApiFeedBed.indicators(ids), null, null, api.baseUrl(), null, null, List.of(FingertipsApiServer.CHILD),
        FingertipsApiServer.PARENT, concurrency);
  }

  void deploy(FeedConfig config) throws Exception {
    bed.deploy(new FingertipsApiFeed(config, bed.store, bed.status));
  }

  @Test
  void anUnchangedPollDownloadsNoDataAndAChangedDateAsksConditionally() throws Exception {
    FeedConfig config = feed("unchanged", List.of("93356", "90001", "90002"), 2, Duration.ofMillis(300));
    deploy(config);
    FeedStatus first = bed.poll("unchanged", 1);
    assertTrue(first.ok(), String.valueOf(first));
    for (String id : List.of("93356", "90001", "90002")) {
      assertTrue(bed.rows("unchanged", id) > 800, "indicator " + id + " loaded: " + bed.rows("unchanged", id));
    }
    assertEquals(3, api.count("/all_data/csv/by_indicator_id"));
    assertTrue(api.seen.stream().allMatch(s -> s.userAgent() != null && s.userAgent().startsWith("Fingerpost/")),
        "every request names Fingerpost: " + api.seen.get(0).userAgent());
    // The engine reads the polarity the metadata gives: Fingertips' "RAG - Low is good".
    Row ind = bed.database.pool().preparedQuery("SELECT polarity, unit, value_type FROM indicator WHERE id = $1")
        .execute(Tuple.of("93356")).await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals("LOW_IS_GOOD", ind.getString(0));
    assertEquals("per 100,000", ind.getString(1));
    assertEquals("Crude rate", ind.getString(2));

    bed.poll("unchanged", 3);
    assertEquals(3, api.count("/all_data/csv/by_indicator_id"), "unchanged polls download no data");
    assertTrue(api.count("/data_changes") >= 9, "each poll asks for the data-change dates");

    // A new upload date with the same export: a conditional request, answered 304, no body.
    api.uploadedAt.put("90001", "2025-01-07T10:00:00.000");
    int seenBefore = bed.statuses("unchanged").size();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (api.count("/all_data/csv/by_indicator_id", 304) < 1) {
      assertTrue(System.nanoTime() < deadline, "no conditional request after the upload date changed");
      Thread.sleep(20);
    }
    assertEquals(3, api.count("/all_data/csv/by_indicator_id", 200));
    // A new upload with a changed value: downloaded again and revised.
    String changed = api.exportOf("90002").replaceFirst("94\\.7261896202678", "95.1234");
    api.body.put("90002", changed);
    api.uploadedAt.put("90002", "2025-02-01T08:00:00.000");
    while (api.count("/all_data/csv/by_indicator_id", 200) < 4) {
      assertTrue(System.nanoTime() < deadline, "the changed export was not downloaded");
      Thread.sleep(20);
    }
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (value("unchanged", "90002") != 95.1234) {
      assertTrue(System.nanoTime() < deadline, "the changed value was not stored");
      Thread.sleep(20);
    }
    assertTrue(bed.statuses("unchanged").size() > seenBefore);
    // The state is saved after the commit: wait for it (bounded).
    Map<String, FeedIndicatorStateStore.State> state;
    do {
      assertTrue(System.nanoTime() < deadline, "the new upload date was not recorded");
      Thread.sleep(20);
      state = new FeedIndicatorStateStore(bed.database.pool()).load("unchanged").await(10, TimeUnit.SECONDS);
    } while (!java.time.Instant.parse("2025-02-01T08:00:00Z").equals(state.get("90002").lastChangedUpstream()));
    assertNotNull(state.get("90002").lastFetched());
    assertNull(state.get("93356").lastError());
  }

  double value(String feed, String indicator) throws Exception {
    Row r = bed.database.pool().preparedQuery("""
        SELECT o.value FROM observation o JOIN series s ON s.id = o.series_id
        WHERE o.source = $1 AND s.indicator_id = $2 AND s.area_code = 'E92000001' AND s.category = ''
          AND s.age = 'All ages'
          AND o.period = '2015'""").execute(Tuple.of(feed, indicator)).await(10, TimeUnit.SECONDS).iterator().next();
    return r.getDouble(0);
  }

  @Test
  void aFailingIndicatorLeavesTheOthersLoadedAndIsVisibleWithUrlAndStatus() throws Exception {
    api.fail500.add("90012");
    deploy(feed("failing", List.of("90011", "90012", "90013"), 2, Duration.ofHours(1)));
    FeedStatus s = bed.poll("failing", 1);
    assertTrue(s.ok(), "the poll succeeds for the others: " + s);
    assertTrue(s.warning() != null && s.warning().contains("90012") && s.warning().contains("500"), s.warning());
    assertTrue(bed.rows("failing", "90011") > 800, "rows of 90011");
    assertEquals(bed.rows("failing", "90011"), bed.rows("failing", "90013"));
    assertEquals(0, bed.rows("failing", "90012"));
    FeedIndicatorStateStore.FetchError e = new FeedIndicatorStateStore(bed.database.pool()).load("failing")
        .await(10, TimeUnit.SECONDS).get("90012").lastError();
    assertEquals(500, e.status());
    assertTrue(e.url().startsWith(api.baseUrl() + "/"), e.url());
    assertTrue(api.count("/data_changes", 500) >= 2, "5xx answers are retried");
  }

  @Test
  void tooManyRequestsWaitsForRetryAfter() throws Exception {
    api.tooManyRequests.put("90021", 1);
    deploy(feed("polite", List.of("90021"), 2, Duration.ofHours(1)));
    assertTrue(bed.poll("polite", 1).ok());
    List<FingertipsApiServer.Seen> data = api.seen("/all_data/csv/by_indicator_id");
    assertEquals(List.of(429, 200), data.stream().map(FingertipsApiServer.Seen::status).toList());
    long waitedMs = (data.get(1).atNanos() - data.get(0).atNanos()) / 1_000_000;
    assertTrue(waitedMs >= 990, "Retry-After: 1 honoured, waited " + waitedMs + " ms");
    assertTrue(bed.rows("polite", "90021") > 800);
  }

  @Test
  void aBodyCutInTheMiddleOrMalformedLoadsNothingOfThatIndicator() throws Exception {
    api.cut.add("90032");
    api.brokenQuoting.add("90033");
    deploy(feed("cut", List.of("90031", "90032", "90033"), 2, Duration.ofHours(1)));
    FeedStatus s = bed.poll("cut", 1);
    assertTrue(s.ok(), String.valueOf(s));
    assertTrue(bed.rows("cut", "90031") > 800);
    assertEquals(0, bed.rows("cut", "90032"), "a body cut in the middle loads nothing");
    assertEquals(0, bed.rows("cut", "90033"), "a body with broken quoting loads nothing");
    Map<String, FeedIndicatorStateStore.State> st = new FeedIndicatorStateStore(bed.database.pool()).load("cut")
        .await(10, TimeUnit.SECONDS);
    assertNotNull(st.get("90032").lastError(), "the cut is visible");
    assertTrue(st.get("90033").lastError().message().contains("malformed"), st.get("90033").lastError().message());
  }

  @Test
  void neverMoreThanTheConfiguredRequestsInFlight() throws Exception {
    api.delayMs = 30;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(String.valueOf(90040 + i));
    }
    deploy(feed("bounded", ids, 2, Duration.ofHours(1)));
    assertTrue(bed.poll("bounded", 1).ok());
    assertEquals(2, api.maxInFlight.get(), "at most 2 requests at a time (and 2 were used)");
  }

  /**
   * Cluster: a member whose poll is downloading when another member takes the feed's lease over writes nothing
   * (the fence in each indicator's transaction) and counts no failure: no failed status, nothing recorded in
   * {@code feed_status} or on the indicators, no warning. Taking the lease back polls at once and loads them.
   */
  @Test
  void losingTheLeaseMidPollCountsNoFailure() throws Exception {
    String name = "lease-lost";
    Leases leases = Leases.clustered(bed.vertx, bed.database.pool(), "member-a", Duration.ofSeconds(3));
    Lease lease = leases.lease("feed:" + name);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(FingertipsApiFeed.class);
    logger.addAppender(log);
    try {
      leases.start();
      waitFor(lease::held, "member-a took the lease");
      Promise<Void> gate = Promise.promise();
      api.holdExports = gate.future();
      bed.deploy(new FingertipsApiFeed(feed(name, List.of("90051", "90052"), 2, Duration.ofHours(1)),
          bed.store, bed.status, lease, leases.checkInterval()));
      waitFor(() -> api.held.get() >= 2, "both downloads in flight");
      // What another member's renewal round writes when it takes the lease over (store.Leases ACQUIRE).
      bed.database.pool().query("""
          UPDATE cluster_lease SET holder = 'member-b', token = token + 1, acquired_at = now(), renewed_at = now(),
            expires_at = now() + interval '1 hour' WHERE name = 'feed:lease-lost'""").execute()
          .await(10, TimeUnit.SECONDS);
      waitFor(() -> !lease.held(), "member-a saw it lost the lease");
      bed.vertx.runOnContext(v -> gate.complete());
      waitFor(() -> logged(log, "left to the new holder") || !bed.statuses(name).isEmpty(), "the poll ended");

      assertEquals(List.of(), bed.statuses(name), "a lost lease is not a failed poll");
      assertEquals(List.of(), log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(ILoggingEvent::getFormattedMessage).toList(), "nothing warned");
      Row feedStatus = bed.database.pool().preparedQuery(
              "SELECT consecutive_failures, last_error FROM feed_status WHERE feed = $1")
          .execute(Tuple.of(name)).await(10, TimeUnit.SECONDS).iterator().next();
      assertEquals(0, feedStatus.getInteger(0), "no failure counted");
      assertNull(feedStatus.getString(1));
      assertEquals(0, bed.rows(name, "90051"), "fenced: nothing written after the lease was lost");
      assertEquals(0, bed.rows(name, "90052"));
      new FeedIndicatorStateStore(bed.database.pool()).load(name).await(10, TimeUnit.SECONDS).values()
          .forEach(s -> assertNull(s.lastError(), "no error on indicator " + s.indicatorId()));

      // The lease comes back to member-a (member-b's expired): its feed polls at once, and loads both.
      api.holdExports = null;
      bed.database.pool().query("UPDATE cluster_lease SET expires_at = now() - interval '1 second'"
          + " WHERE name = 'feed:lease-lost'").execute().await(10, TimeUnit.SECONDS);
      FeedStatus s = bed.poll(name, 1);
      assertTrue(s.ok(), String.valueOf(s));
      assertEquals(0, s.consecutiveFailures());
      assertTrue(bed.rows(name, "90051") > 800);
      assertEquals(bed.rows(name, "90051"), bed.rows(name, "90052"));
    } finally {
      logger.detachAppender(log);
      leases.stop().await(10, TimeUnit.SECONDS);
    }
  }

  static boolean logged(ListAppender<ILoggingEvent> log, String text) {
    return log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
  }

  /** Waits (bounded: 20 s) until {@code done}. */
  static void waitFor(java.util.function.BooleanSupplier done, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 20 s: " + what);
      Thread.sleep(20);
    }
  }
}
