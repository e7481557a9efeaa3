package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 7, for an external database (one the service does not own, so it reconnects
 * rather than restarts): a real PostgreSQL is given to {@link Database} by URL; its postmaster is killed
 * (SIGKILL). Queries then fail as connection failures ({@link DatabaseOutage}, what the API turns into 503),
 * the watch marks the database down within 5 s, and once the server is back on its port the watch, pinging
 * with backoff, marks it up again and the same pool works, with the data written before the outage.
 */
@ExtendWith(VertxExtension.class)
class ExternalDatabaseOutageTest {

  @TempDir
  Path dir;

  @Test
  void killedExternalServerIsReconnectedWhenItReturns(Vertx vertx) throws Exception {
    Path dataDir = dir.resolve("external");
    EmbeddedPostgres server = durable().start();
    int port = server.getPort();
    Database db = null;
    try {
      db = Database.start(vertx, new Database.Options(new DatabaseConfig(
          "postgresql://postgres@localhost:" + port + "/postgres", null, null, null, 2), false, Map.of()))
          .await(120, TimeUnit.SECONDS);
      db.pool().query("CREATE TABLE before_outage (note text); INSERT INTO before_outage VALUES ('kept')")
          .execute().await(10, TimeUnit.SECONDS);
      assertFalse(DatabaseOutage.isDown(vertx));

      ProcessHandle postmaster = OrphanPostmaster.livePostmaster(dataDir.resolve(OrphanPostmaster.PID_FILE)).orElseThrow();
      postmaster.destroyForcibly();
      await("marked down within 5 s", Duration.ofSeconds(5), () -> DatabaseOutage.isDown(vertx));
      Throwable failure = db.pool().query("SELECT 1").execute().transform(ar -> io.vertx.core.Future.succeededFuture(
          ar.cause())).await(10, TimeUnit.SECONDS);
      assertTrue(failure != null && DatabaseOutage.isConnectionFailure(failure), "a connection failure: " + failure);

      // the operator brings the server back on its port (the old postmaster must be gone first)
      postmaster.onExit().get(30, TimeUnit.SECONDS); // gone and reaped: PostgreSQL refuses to start before
      EmbeddedServer.abandon(server);
      server = durable().setPort(port).start();

      await("reconnected (backoff at most 30 s)", Duration.ofSeconds(40), () -> !DatabaseOutage.isDown(vertx));
      assertEquals("kept", db.pool().query("SELECT note FROM before_outage").execute().await(10, TimeUnit.SECONDS)
          .iterator().next().getString(0));
    } finally {
      if (db != null) {
        db.close().await(60, TimeUnit.SECONDS);
      }
      server.close();
    }
  }

  /** An "external" server as one would run it: commits survive a kill (zonky turns that off by default). */
  private EmbeddedPostgres.Builder durable() {
    return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("external")).setCleanDataDirectory(false)
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
  }

  private static void await(String what, Duration max, BooleanSupplier ok) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + max + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
