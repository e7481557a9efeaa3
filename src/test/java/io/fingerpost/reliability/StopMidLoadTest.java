package io.fingerpost.reliability;

import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a feed's first load is under way (a child JVM, an external database): the load stops at its next
 * batch boundary instead of being cut by the database's close. The batches being written when the stop began commit
 * (the test holds them back with a lock on the table they write, and lets go only after the stop has begun), no
 * further batch is written, the feed's fingerprint and chunks are not stored (the next start reads the file again),
 * and the process exits.
 */
class StopMidLoadTest {
  /** Rows per batch in the child (small: the file is many batches without being large). */
  private static final int BATCH = 1000;
  private static final int ROWS = 60 * BATCH;

  @TempDir
  Path dir;

  @Test
  void sigtermStopsAFeedsLoadAtItsNextBatchBoundary() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Path csv = dir.resolve("big.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("Indicator ID,Area Code,Sex,Time period,Value\n");
      for (int i = 0; i < ROWS; i++) {
        w.write("1,E" + (10_000_000 + i / 10) + ",Persons," + (2000 + i % 10) + "," + (i % 97) + ".5\n");
      }
    }
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        http: {port: 8080, host: 127.0.0.1, shutdownGrace: 30s}
        feeds:
          - {name: big, type: fingertips-csv, source: "%s", interval: 1h}
        """.formatted(csv));
    try (ChildService service = ChildService.start(dir, "service", List.of("--config", config.toString()),
        Map.of("FINGERPOST_DATABASE_URL", db.url(), "JAVA_TOOL_OPTIONS", "-Dfingerpost.load.batchSize=" + BATCH),
        ChildService.freePort())) {
      waitUntil("the first batches of the load committed", Duration.ofMinutes(3), () -> {
        if (!service.process.isAlive()) {
          throw new AssertionError("the service exited: " + service.output());
        }
        return count(db, "SELECT count(*) FROM observation") > 0;
      });
      long before;
      try (Connection lock = DriverManager.getConnection(db.jdbcUrl())) {
        lock.setAutoCommit(false);
        try (Statement s = lock.createStatement()) {
          s.execute("LOCK TABLE observation IN EXCLUSIVE MODE"); // writes wait, reads go on
        }
        waitUntil("a batch waiting for the lock", Duration.ofSeconds(30), () -> db.waitingForLock("") > 0);
        before = count(db, "SELECT count(*) FROM observation");
        assertTrue(before < ROWS, "the load ended before the test could hold it: " + before);
        service.process.destroy(); // SIGTERM
        try {
          waitUntil("new connections refused", Duration.ofSeconds(20), () -> !service.acceptsConnections());
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "; the service's output:\n" + service.output(), e);
        }
        // before, the feed did not wait: the database's close cancelled the batches a second later and the process
        // exited while the lock was held
        assertFalse(service.process.waitFor(5, TimeUnit.SECONDS), "the stop did not wait for the load's batches: "
            + service.output());
        lock.rollback();
      }
      assertTrue(service.process.waitFor(60, TimeUnit.SECONDS), "the service did not exit: " + service.output());
      long after = count(db, "SELECT count(*) FROM observation");
      assertTrue(after > before, "the batches under way at the stop were not committed: " + before + " -> " + after);
      assertTrue(after < ROWS, "the load went on to the end after the stop: " + after);
      assertEquals(0, after % BATCH, "a batch was written in part: " + after);
      try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT source_fingerprint, last_success FROM feed_status WHERE feed = 'big'")) {
        assertTrue(r.next(), "no status for the feed");
        assertNull(r.getString(1), "a fingerprint was stored for a load the stop ended");
        assertNull(r.getObject(2), "the stopped load was recorded as a success");
      }
      assertEquals(0, count(db, "SELECT count(*) FROM feed_chunk WHERE feed = 'big'"), "chunks stored");
      String log = service.output();
      assertTrue(log.contains("Feed big: poll ended by the service's stop"), log);
      assertFalse(log.contains(" ERROR ") || log.contains("Feed big failed"), log);
    }
  }

  private static long count(TestDatabase.Db db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement s = c.createStatement();
         ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
