package io.fingerpost.feed;

import io.fingerpost.event.FeedStatus;
import io.fingerpost.event.Events;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The {@link FeedStatus} events published, collected so a test can wait for one. */
final class FeedStatuses {

  private final List<FeedStatus> seen = new CopyOnWriteArrayList<>();

  private FeedStatuses() {}

  /** Starts collecting the statuses published on {@code vertx}'s event bus. */
  static FeedStatuses listen(Vertx vertx) throws Exception {
    FeedStatuses statuses = new FeedStatuses();
    Events.consumer(vertx, FeedStatus.ADDRESS, statuses.seen::add)
        .completion().await(5, TimeUnit.SECONDS);
    return statuses;
  }

  /** The first status collected that matches {@code p}, waiting up to 30 s for it. */
  FeedStatus await(Predicate<FeedStatus> p) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (FeedStatus s : seen) {
        if (p.test(s)) {
          return s;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no feed status matching the condition within 30 s; seen: " + seen);
  }

  /** Forgets the statuses collected so far. */
  void clear() {
    seen.clear();
  }
}
