package io.fingerpost;

import java.time.Duration;

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
}
