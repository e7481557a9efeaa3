package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.IndicatorConfig;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension ({@code @RegisterExtension static final ApiFeedBed bed = new ApiFeedBed();}) with what the API
 * feed tests ({@code fingertips-api}, {@code fingertips-next}) share: one Vert.x, one real database
 * (the project's embedded PostgreSQL), the stores a feed writes to, every feed status published, and bounded
 * waits on them; the feeds a test deployed are undeployed after it. The client's retry backoff is shortened to
 * 20 ms meanwhile. Each test gives its feed its own name, so its rows, state and statuses are its own.
 */
final class ApiFeedBed implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  Vertx vertx;
  TestDatabase.Db db;
  Database database;
  ObservationStore store;
  FeedStatusStore status;
  /** Every feed status published since the bed started, of all feeds. */
  final List<FeedStatus> statuses = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new CopyOnWriteArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    System.setProperty("fingerpost.fingertips.backoffMs", "20");
    vertx = Vertx.vertx();
    db = TestDatabase.newDatabase();
    database = db.start(vertx).await(60, TimeUnit.SECONDS);
    store = new ObservationStore(vertx, database.pool());
    status = new FeedStatusStore(database.pool());
    Events.consumer(vertx, FeedStatus.ADDRESS, statuses::add);
  }

  /** Deploys a feed verticle (undeployed after the test). */
  void deploy(FingertipsApiFeed feed) throws Exception {
    deployments.add(vertx.deployVerticle(feed).await(30, TimeUnit.SECONDS));
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    undeployAll();
  }

  /** Undeploys the feeds deployed so far (a test's servers close after its feeds stop). */
  void undeployAll() throws Exception {
    for (String id : deployments) {
      vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    }
    deployments.clear();
  }

  /** The configured indicators of these bare ids. */
  static List<IndicatorConfig> indicators(List<String> ids) {
    List<IndicatorConfig> indicators = new ArrayList<>();
    for (String id : ids) {
      indicators.add(IndicatorConfig.ofId(id));
    }
    return indicators;
  }

  /** The statuses of one feed so far. */
  List<FeedStatus> statuses(String feed) {
    return statuses.stream().filter(s -> s.feed().equals(feed)).toList();
  }

  /** Waits for the feed's n-th status (bounded: 40 s). */
  FeedStatus poll(String feed, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (true) {
      List<FeedStatus> mine = statuses(feed);
      if (mine.size() >= n) {
        return mine.get(n - 1);
      }
      assertTrue(System.nanoTime() < deadline, "feed " + feed + " did not finish poll " + n + " within 40 s");
      Thread.sleep(20);
    }
  }

  /** The observations the feed stored for one indicator. */
  long rows(String feed, String indicator) throws Exception {
    return database.pool().preparedQuery("""
        SELECT count(*) FROM observation o JOIN series s ON s.id = o.series_id
        WHERE o.source = $1 AND s.indicator_id = $2""").execute(Tuple.of(feed, indicator))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    System.clearProperty("fingerpost.fingertips.backoffMs");
    try {
      if (database != null) {
        database.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
