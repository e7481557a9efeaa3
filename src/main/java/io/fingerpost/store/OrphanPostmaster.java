package io.fingerpost.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a PostgreSQL server left running in the embedded data directory by a service that was killed
 * (kill -9, a crash): its postmaster keeps the directory, so a new start would wait for its own server
 * and give up ("Gave up waiting for server to start").
 *
 * <p>A server is an orphan when {@code postmaster.pid} names a live {@code postgres} process and no
 * live service holds the directory: zonky's {@code epg-lock} is locked by the JVM that started the
 * server for as long as it runs, and the operating system releases that lock when the JVM dies.
 */
final class OrphanPostmaster {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanPostmaster.class);
  static final String PID_FILE = "postmaster.pid";
  static final String ZONKY_LOCK_FILE = "epg-lock";

  private OrphanPostmaster() {}

  /** Blocking. Returns true when an orphan was found and stopped. */
  static boolean stopIfOrphaned(Path dataDir, Duration wait) throws IOException {
    Path pidFile = dataDir.resolve(PID_FILE);
    Optional<ProcessHandle> postmaster = livePostmaster(pidFile);
    if (postmaster.isEmpty()) {
      return false; // no file, or a stale one PostgreSQL itself sees through
    }
    ProcessHandle pm = postmaster.get();
    if (!isPostgres(pm)) {
      if (pm.info().command().isPresent()) {
        // the pid was reused by another program after a crash: PostgreSQL would refuse to start
        LOG.warn("Removing stale {} (pid {} is now {})", pidFile, pm.pid(), pm.info().command().get());
        Files.deleteIfExists(pidFile);
      }
      return false;
    }
    if (heldByLiveService(dataDir)) {
      throw new IllegalStateException("the embedded database directory " + dataDir
          + " is in use by another running Fingerpost (postgres pid " + pm.pid() + ")");
    }
    LOG.warn("Stopping the embedded PostgreSQL (pid {}) left running in {} by a service that did not stop",
        pm.pid(), dataDir);
    List<ProcessHandle> children = pm.descendants().toList();
    pm.destroy(); // SIGTERM: PostgreSQL's smart shutdown; the dead service's sessions are already gone
    if (!awaitExit(pm, wait)) {
      LOG.warn("PostgreSQL (pid {}) did not stop within {}; killing it", pm.pid(), wait);
      pm.destroyForcibly();
      awaitExit(pm, wait);
    }
    // A backend that outlives its postmaster keeps the shared memory, and PostgreSQL refuses to start then.
    for (ProcessHandle child : children) {
      if (!awaitExit(child, wait)) {
        child.destroyForcibly();
        awaitExit(child, wait);
      }
    }
    if (pm.isAlive()) {
      throw new IllegalStateException("cannot stop the orphaned PostgreSQL (pid " + pm.pid() + ") in " + dataDir);
    }
    return true;
  }

  static Optional<ProcessHandle> livePostmaster(Path pidFile) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    try {
      return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static boolean isPostgres(ProcessHandle p) {
    return p.info().command()
        .map(c -> Path.of(c).getFileName().toString())
        .map(name -> name.equals("postgres") || name.equals("postgres.exe"))
        .orElse(false);
  }

  /** True when another live process (or this JVM) holds zonky's lock on the directory. */
  private static boolean heldByLiveService(Path dataDir) throws IOException {
    Path lockFile = dataDir.resolve(ZONKY_LOCK_FILE);
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  private static boolean awaitExit(ProcessHandle p, Duration wait) {
    try {
      p.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !p.isAlive();
    }
  }
}
