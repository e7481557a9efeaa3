package io.fingerpost.feed;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayDeque;

/**
 * A counting gate shared by the file and URL feeds of one Vert.x instance: at most {@link #permits()} polls
 * read and write at the same time, the others wait their turn in arrival order. Without it a national
 * configuration (hundreds of feeds, all polling at start) queued every poll's statements on the database
 * pool at once; they timed out waiting for a connection, failed and retried, and the first load never
 * finished (bench-national, issue 14). The number is {@code -Dfingerpost.feed.concurrentPolls} (default 4:
 * the COPY writer's connections; polls parse on their own threads, so a few in parallel use both cores).
 */
final class LoadPermits implements Shareable {

  static final String PROPERTY = "fingerpost.feed.concurrentPolls";
  private static final String MAP = "fingerpost.feed.loadPermits";

  private final int permits;
  private int used;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  private record Waiter(Context context, Promise<Void> promise) {}

  LoadPermits(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException(PROPERTY + " must be >= 1, was " + permits);
    }
    this.permits = permits;
  }

  static LoadPermits of(Vertx vertx) {
    return vertx.sharedData().<String, LoadPermits>getLocalMap(MAP)
        .computeIfAbsent("permits", k -> new LoadPermits(Integer.getInteger(PROPERTY, 4)));
  }

  int permits() {
    return permits;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  /** Completes, on the caller's context, once a permit is held; give it back with {@link #release()}. */
  Future<Void> acquire() {
    Context context = Vertx.currentContext();
    synchronized (this) {
      if (used < permits) {
        used++;
        return Future.succeededFuture();
      }
      Promise<Void> p = Promise.promise();
      waiting.add(new Waiter(context, p));
      return p.future();
    }
  }

  /** Hands the permit to the longest waiting poll (on its own context), or frees it. */
  void release() {
    Waiter next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        used--;
        return;
      }
    }
    if (next.context() == null) {
      next.promise().complete();
    } else {
      next.context().runOnContext(v -> next.promise().complete());
    }
  }
}
