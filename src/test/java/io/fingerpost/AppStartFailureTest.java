package io.fingerpost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.config.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A start that fails part way (docs/internals.md "Start-up failures"): here a feed that cannot start after the
 * database, the parts and the API were up. What it deployed is undeployed and the database closed, so nothing is
 * left running on the Vert.x instance (no port held, no connection open), and the failure names the feed's key as
 * {@code Main} prints it.
 */
class AppStartFailureTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aFeedThatCannotStartLeavesNothingRunningAndIsNamed() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    // a source the configuration's checks would refuse, given to App.start directly: its feed fails to deploy
    FeedConfig bad = new FeedConfig("ok-then-bad", FeedConfig.TIDY_CSV, "http://bad host/x.csv", true,
        Duration.ofHours(1), null, null, List.of(), null, null);
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of());
    FingerpostConfig cfg = def.config().withDatabase(db.config())
        .withHttp(new HttpConfig(port, "127.0.0.1", Duration.ofSeconds(5))).withFeeds(List.of(bad));

    Throwable failure = App.start(vertx, new ConfigLoader.Loaded(cfg, def.file()))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(60, TimeUnit.SECONDS);

    assertNotNull(failure, "the start succeeded");
    // before, the metrics, alerts, digests, evaluator and the API stayed deployed, the port bound
    assertEquals(Set.of(), vertx.deploymentIDs(), "left deployed");
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(port, again.getLocalPort(), "the API's port is free again");
    }
    // a closed connection's backend leaves pg_stat_activity a moment after the client closed it
    Waits.waitUntil("the service's connections closed", Duration.ofSeconds(10), () -> serviceConnections(db) == 0);
    // what Main prints after "Start-up failed: " (before, the bare reason, naming no feed)
    String printed = Main.startupFailure(failure);
    assertTrue(printed.startsWith("feeds[0] (ok-then-bad): ") && printed.contains("bad host"), printed);
  }

  private static int serviceConnections(TestDatabase.Db db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
             + " AND pid <> pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }
}
