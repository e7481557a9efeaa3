package io.fingerpost;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Bounded waits for tests that watch a service from outside (child JVMs, HTTP, the database). */
public final class Waits {
  private Waits() {}

  /** A condition that may need I/O to check. */
  public interface Check {
    boolean ok() throws Exception;
  }

  /** Polls {@code check} until it holds; fails naming {@code what} once {@code max} has passed. */
  public static void waitUntil(String what, Duration max, Check check) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + max + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Whether {@code f} completes within {@code d} (a stop that must still be waiting, say). */
  public static boolean completesWithin(Future<?> f, Duration d) {
    try {
      f.await(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception notYet) {
      return f.isComplete();
    }
  }
}
