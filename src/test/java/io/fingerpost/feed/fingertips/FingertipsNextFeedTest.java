package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.FeedConfig;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.FeedIndicatorStateStore;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code fingertips-next} feed against a local server answering as the FingertipsNext OpenAPI definition
 * says ({@link FingertipsNextServer}): a real database, real HTTP, the real export's figures. Each test has its
 * own feed name (its own rows and state) and server.
 */
class FingertipsNextFeedTest {

  @RegisterExtension
  static final ApiFeedBed bed = new ApiFeedBed();
  FingertipsNextServer api;

  @BeforeEach
  void server() throws Exception {
    api = new FingertipsNextServer(bed.vertx);
  }

  @AfterEach
  void close() throws Exception {
    bed.undeployAll();
    api.close();
  }

  FeedConfig feed(String name, List<String> ids, Duration interval) {
    return new FeedConfig(name, FeedConfig.FINGERTIPS_NEXT, null, true, interval, Duration.ofSeconds(10), null,
        ApiFeedBed.indicators(ids), null, null, api.baseUrl(), null, null, null, null, 2, List.of(),
        "counties-and-unitary-authorities");
  }

  void deploy(FeedConfig config) throws Exception {
    bed.deploy(new FingertipsApiFeed(config, bed.store, bed.status));
  }

  @Test
  void anUnchangedSecondPollDownloadsNoData() throws Exception {
    deploy(feed("next-unchanged", List.of("93356", "90101"), Duration.ofMillis(300)));
    assertTrue(bed.poll("next-unchanged", 1).ok());
    assertTrue(bed.rows("next-unchanged", "93356") > 800, "loaded: " + bed.rows("next-unchanged", "93356"));
    assertEquals(bed.rows("next-unchanged", "93356"), bed.rows("next-unchanged", "90101"));
    assertEquals(2, api.count("/data", 200));
    String query = api.seen.stream().filter(s -> s.path().endsWith("/data")).findFirst().orElseThrow().query();
    assertTrue(query.contains("area_type=counties-and-unitary-authorities")
        && query.contains("inequalities=deprivation"), query);
    Row ind = bed.database.pool().preparedQuery("""
        SELECT i.polarity, m.polarity, m.benchmarking_method, m.confidence_level, m.definition
        FROM indicator i JOIN indicator_metadata m ON m.indicator_id = i.id WHERE i.id = $1""")
        .execute(Tuple.of("93356")).await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals("LOW_IS_GOOD", ind.getString(0), "the answer's polarity drives the engine");
    assertEquals("LowIsGood", ind.getString(1));
    assertEquals("CIOverlappingReferenceValue95", ind.getString(2));
    assertEquals(95.0, ind.getDouble(3));
    assertTrue(ind.getString(4).startsWith("Rate of laboratory"), ind.getString(4));

    bed.poll("next-unchanged", 3);
    assertEquals(2, api.count("/data", 200), "unchanged polls download no data");
    assertTrue(api.count("/data", 304) >= 4, "each unchanged poll asks conditionally: " + api.seen);
    assertEquals(2, api.count("/indicators/93356", 0) + api.count("/indicators/90101", 0),
        "an unchanged indicator costs one request per poll");

    // The polarity changes upstream: a new body (new ETag), downloaded, and the engine's polarity follows.
    api.polarity.put("93356", "HighIsGood");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!"HIGH_IS_GOOD".equals(bed.database.pool().preparedQuery("SELECT polarity FROM indicator WHERE id = $1")
        .execute(Tuple.of("93356")).await(10, TimeUnit.SECONDS).iterator().next().getString(0))) {
      assertTrue(System.nanoTime() < deadline, "the changed polarity was not applied");
      Thread.sleep(20);
    }
    assertEquals(3, api.count("/data", 200));
  }

  @Test
  void aFailingIndicatorLeavesTheOthersLoadedAndIsVisible() throws Exception {
    api.fail500.add("90112");
    deploy(feed("next-failing", List.of("90111", "90112", "90113"), Duration.ofHours(1)));
    FeedStatus s = bed.poll("next-failing", 1);
    assertTrue(s.ok(), "the poll succeeds for the others: " + s);
    assertTrue(s.warning() != null && s.warning().contains("90112") && s.warning().contains("500"), s.warning());
    assertTrue(bed.rows("next-failing", "90111") > 800);
    assertEquals(bed.rows("next-failing", "90111"), bed.rows("next-failing", "90113"));
    assertEquals(0, bed.rows("next-failing", "90112"));
    FeedIndicatorStateStore.FetchError e = new FeedIndicatorStateStore(bed.database.pool()).load("next-failing")
        .await(10, TimeUnit.SECONDS).get("90112").lastError();
    assertEquals(500, e.status());
    assertTrue(e.url().startsWith(api.baseUrl() + "/indicators/90112/data?"), e.url());
    assertTrue(api.count("/indicators/90112/data", 500) >= 2, "5xx answers are retried");
  }

  @Test
  void aBodyCutInTheMiddleLoadsNothingOfThatIndicator() throws Exception {
    api.cut.add("90122");
    deploy(feed("next-cut", List.of("90121", "90122"), Duration.ofHours(1)));
    FeedStatus s = bed.poll("next-cut", 1);
    assertTrue(s.ok(), String.valueOf(s));
    assertTrue(bed.rows("next-cut", "90121") > 800);
    assertEquals(0, bed.rows("next-cut", "90122"), "a body cut in the middle loads nothing");
    Map<String, FeedIndicatorStateStore.State> st = new FeedIndicatorStateStore(bed.database.pool()).load("next-cut")
        .await(10, TimeUnit.SECONDS);
    assertNotNull(st.get("90122").lastError(), "the cut is visible");
    assertNull(st.get("90121").lastError());
  }
}
