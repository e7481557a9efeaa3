package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.IndicatorConfig;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedIndicatorStateStore;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code fingertips-api} feed against a local server answering as the classic API does
 * ({@link FingertipsApiServer}): a real database, real HTTP, the real export. Each test has its own feed name
 * (its own rows and state) and server.
 */
class FingertipsApiFeedTest {

  static Vertx vertx;
  static Database database;
  static ObservationStore store;
  static FeedStatusStore status;
  FingertipsApiServer api;
  final List<FeedStatus> statuses = new CopyOnWriteArrayList<>();
  String deployment;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("fingerpost.fingertips.backoffMs", "20");
    vertx = Vertx.vertx();
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
    store = new ObservationStore(vertx, database.pool());
    status = new FeedStatusStore(database.pool());
  }

  @AfterAll
  static void stop() throws Exception {
    System.clearProperty("fingerpost.fingertips.backoffMs");
    if (database != null) {
      database.close().await(30, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void server() throws Exception {
    api = new FingertipsApiServer(vertx);
    Events.consumer(vertx, FeedStatus.ADDRESS, statuses::add);
  }

  @AfterEach
  void close() throws Exception {
    if (deployment != null) {
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
    }
    api.close();
  }

  FeedConfig feed(String name, List<String> ids, int concurrency, Duration interval) {
    List<IndicatorConfig> indicators = new ArrayList<>();
    for (String id : ids) {
      indicators.add(IndicatorConfig.ofId(id));
    }
    return new FeedConfig(name, FeedConfig.FINGERTIPS_API, null, true, interval, Duration.ofSeconds(10), null,
        indicators, null, null, api.baseUrl(), null, null, List.of(FingertipsApiServer.CHILD),
        FingertipsApiServer.PARENT, concurrency);
  }

  void deploy(FeedConfig config) throws Exception {
    deployment = vertx.deployVerticle(new FingertipsApiFeed(config, store, status)).await(30, TimeUnit.SECONDS);
  }

  /** Waits for the feed's n-th status (bounded). */
  FeedStatus poll(String feed, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (true) {
      List<FeedStatus> mine = statuses.stream().filter(s -> s.feed().equals(feed)).toList();
      if (mine.size() >= n) {
        return mine.get(n - 1);
      }
      assertTrue(System.nanoTime() < deadline, "feed " + feed + " did not finish poll " + n + " within 40 s");
      Thread.sleep(20);
    }
  }

  long rows(String feed, String indicator) throws Exception {
    return database.pool().preparedQuery("""
        SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id
        WHERE o.source = $1 AND s.indicator_id = $2""").execute(Tuple.of(feed, indicator))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  @Test
  void anUnchangedPollDownloadsNoDataAndAChangedDateAsksConditionally() throws Exception {
    FeedConfig config = feed("unchanged", List.of("93356", "90001", "90002"), 2, Duration.ofMillis(300));
    deploy(config);
    FeedStatus first = poll("unchanged", 1);
    assertTrue(first.ok(), String.valueOf(first));
    for (String id : List.of("93356", "90001", "90002")) {
      assertTrue(rows("unchanged", id) > 800, "indicator " + id + " loaded: " + rows("unchanged", id));
    }
    assertEquals(3, api.count("/all_data/csv/by_indicator_id"));
    assertTrue(api.seen.stream().allMatch(s -> s.userAgent() != null && s.userAgent().startsWith("Fingerpost/")),
        "every request names Fingerpost: " + api.seen.get(0).userAgent());
    // The engine reads the polarity the metadata gives: Fingertips' "RAG - Low is good".
    Row ind = database.pool().preparedQuery("SELECT polarity, unit, value_type FROM indicator WHERE id = $1")
        .execute(Tuple.of("93356")).await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals("LOW_IS_GOOD", ind.getString(0));
    assertEquals("per 100,000", ind.getString(1));
    assertEquals("Crude rate", ind.getString(2));

    poll("unchanged", 3);
    assertEquals(3, api.count("/all_data/csv/by_indicator_id"), "unchanged polls download no data");
    assertTrue(api.count("/data_changes") >= 9, "each poll asks for the data-change dates");

    // A new upload date with the same export: a conditional request, answered 304, no body.
    api.uploadedAt.put("90001", "2025-01-07T10:00:00.000");
    int seenBefore = statuses.size();
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
    assertTrue(statuses.size() > seenBefore);
    // The state is saved after the commit: wait for it (bounded).
    Map<String, FeedIndicatorStateStore.State> state;
    do {
      assertTrue(System.nanoTime() < deadline, "the new upload date was not recorded");
      Thread.sleep(20);
      state = new FeedIndicatorStateStore(database.pool()).load("unchanged").await(10, TimeUnit.SECONDS);
    } while (!java.time.Instant.parse("2025-02-01T08:00:00Z").equals(state.get("90002").lastChangedUpstream()));
    assertNotNull(state.get("90002").lastFetched());
    assertNull(state.get("93356").lastError());
  }

  double value(String feed, String indicator) throws Exception {
    Row r = database.pool().preparedQuery("""
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
    FeedStatus s = poll("failing", 1);
    assertTrue(s.ok(), "the poll succeeds for the others: " + s);
    assertTrue(s.warning() != null && s.warning().contains("90012") && s.warning().contains("500"), s.warning());
    assertTrue(rows("failing", "90011") > 800, "rows of 90011");
    assertEquals(rows("failing", "90011"), rows("failing", "90013"));
    assertEquals(0, rows("failing", "90012"));
    FeedIndicatorStateStore.FetchError e = new FeedIndicatorStateStore(database.pool()).load("failing")
        .await(10, TimeUnit.SECONDS).get("90012").lastError();
    assertEquals(500, e.status());
    assertTrue(e.url().startsWith(api.baseUrl() + "/"), e.url());
    assertTrue(api.count("/data_changes", 500) >= 2, "5xx answers are retried");
  }

  @Test
  void tooManyRequestsWaitsForRetryAfter() throws Exception {
    api.tooManyRequests.put("90021", 1);
    deploy(feed("polite", List.of("90021"), 2, Duration.ofHours(1)));
    assertTrue(poll("polite", 1).ok());
    List<FingertipsApiServer.Seen> data = api.seen("/all_data/csv/by_indicator_id");
    assertEquals(List.of(429, 200), data.stream().map(FingertipsApiServer.Seen::status).toList());
    long waitedMs = (data.get(1).atNanos() - data.get(0).atNanos()) / 1_000_000;
    assertTrue(waitedMs >= 990, "Retry-After: 1 honoured, waited " + waitedMs + " ms");
    assertTrue(rows("polite", "90021") > 800);
  }

  @Test
  void aBodyCutInTheMiddleOrMalformedLoadsNothingOfThatIndicator() throws Exception {
    api.cut.add("90032");
    api.brokenQuoting.add("90033");
    deploy(feed("cut", List.of("90031", "90032", "90033"), 2, Duration.ofHours(1)));
    FeedStatus s = poll("cut", 1);
    assertTrue(s.ok(), String.valueOf(s));
    assertTrue(rows("cut", "90031") > 800);
    assertEquals(0, rows("cut", "90032"), "a body cut in the middle loads nothing");
    assertEquals(0, rows("cut", "90033"), "a body with broken quoting loads nothing");
    Map<String, FeedIndicatorStateStore.State> st = new FeedIndicatorStateStore(database.pool()).load("cut")
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
    assertTrue(poll("bounded", 1).ok());
    assertEquals(2, api.maxInFlight.get(), "at most 2 requests at a time (and 2 were used)");
  }
}
