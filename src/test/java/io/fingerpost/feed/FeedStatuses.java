package io.fingerpost.feed;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The feed statuses published on {@link FeedBoard#ADDRESS}, collected so a test can wait for one. */
final class FeedStatuses {

  private final List<JsonObject> seen = new CopyOnWriteArrayList<>();

  private FeedStatuses() {}

  /** Starts collecting the statuses published on {@code vertx}'s event bus. */
  static FeedStatuses listen(Vertx vertx) throws Exception {
    FeedStatuses statuses = new FeedStatuses();
    vertx.eventBus().<JsonObject>consumer(FeedBoard.ADDRESS, m -> statuses.seen.add(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    return statuses;
  }

  /** The first status collected that matches {@code p}, waiting up to 30 s for it. */
  JsonObject await(Predicate<JsonObject> p) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (JsonObject s : seen) {
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
