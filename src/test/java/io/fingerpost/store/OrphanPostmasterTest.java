package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 4: a service killed with SIGKILL leaves its embedded PostgreSQL running; the next
 * start must stop that orphan and start on the first attempt, with the data intact. Real processes: the
 * service's {@link Database} runs in a child JVM, which is killed (not the postmaster).
 */
@ExtendWith(VertxExtension.class)
class OrphanPostmasterTest {

  @TempDir
  Path dir;

  @Test
  void startAfterKillNineStopsTheOrphanAndStartsFirstTime(Vertx vertx) throws Exception {
    Path dataDir = dir.resolve("pgdata");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EmbeddedDatabaseChild.class.getName(), dataDir.toString())
        .redirectErrorStream(true).start();
    ProcessHandle orphan;
    try {
      awaitReady(child);
      orphan = OrphanPostmaster.livePostmaster(dataDir.resolve(OrphanPostmaster.PID_FILE)).orElseThrow();
      child.destroyForcibly(); // SIGKILL: no shutdown hook stops the postmaster
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM did not die");
      Thread.sleep(500);
      assertTrue(orphan.isAlive(), "the postmaster outlives the killed service (the case under test)");
    } finally {
      child.destroyForcibly();
    }

    Database db = Database.start(vertx, new Database.Options(
        new DatabaseConfig(null, null, null, dataDir.toString(), 2), false, Map.of())).await(120, TimeUnit.SECONDS);
    try {
      assertFalse(orphan.isAlive(), "the orphaned postmaster was stopped");
      String note = db.pool().query("SELECT note FROM crash_marker").execute().await(10, TimeUnit.SECONDS)
          .iterator().next().getString(0);
      assertEquals("before kill", note, "the data written before the kill is there");
      long newPid = OrphanPostmaster.livePostmaster(dataDir.resolve(OrphanPostmaster.PID_FILE))
          .map(ProcessHandle::pid).orElse(-1L);
      assertTrue(newPid > 0 && newPid != orphan.pid(), "a new postmaster runs: " + newPid);
    } finally {
      db.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDirectoryHeldByARunningServiceIsNotTouched(Vertx vertx) throws Exception {
    Path dataDir = dir.resolve("pgdata");
    Database db = Database.start(vertx, new Database.Options(
        new DatabaseConfig(null, null, null, dataDir.toString(), 2), false, Map.of())).await(120, TimeUnit.SECONDS);
    try {
      ProcessHandle running = OrphanPostmaster.livePostmaster(dataDir.resolve(OrphanPostmaster.PID_FILE)).orElseThrow();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> OrphanPostmaster.stopIfOrphaned(dataDir, Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      assertTrue(running.isAlive(), "a live service's server is left alone");
      assertEquals(1, db.pool().query("SELECT 1").execute().await(10, TimeUnit.SECONDS).iterator().next().getInteger(0));
    } finally {
      db.close().await(60, TimeUnit.SECONDS);
    }
  }

  /** Drains the child's output on a thread; waits (bounded) for READY, so a failure shows what the child said. */
  private static void awaitReady(Process child) throws Exception {
    StringBuffer said = new StringBuffer();
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Thread drain = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          said.append(line).append('\n');
          if (line.equals("READY")) {
            ready.complete(true);
          }
        }
      } catch (IOException e) {
        // the child died
      }
      ready.complete(false);
    }, "child-output");
    drain.setDaemon(true);
    drain.start();
    boolean ok;
    try {
      ok = ready.get(180, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      ok = false;
    }
    assertTrue(ok, "child never printed READY; it said:\n" + said);
  }
}
