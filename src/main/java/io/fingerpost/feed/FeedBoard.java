package io.fingerpost.feed;

import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * The latest status of each feed in this instance, for {@code /ready} and anything else that needs it
 * without a database round trip. Feeds also publish every status as a {@link FeedStatus} event
 * (docs/internals.md "Event bus").
 */
public final class FeedBoard {
  private static final String MAP = "fingerpost.feed.board";

  private FeedBoard() {}

  public static void update(Vertx vertx, FeedStatus status) {
    LocalMap<String, FeedStatus> map = vertx.sharedData().getLocalMap(MAP);
    map.put(status.feed(), status);
    Events.publish(vertx, status);
  }

  /** The last status of a feed, or null when it has not finished a poll yet. */
  public static FeedStatus status(Vertx vertx, String feed) {
    LocalMap<String, FeedStatus> map = vertx.sharedData().getLocalMap(MAP);
    return map.get(feed);
  }

  /** {@link #status} in its documented JSON form, or null. */
  public static JsonObject get(Vertx vertx, String feed) {
    FeedStatus s = status(vertx, feed);
    return s == null ? null : s.toJson();
  }
}
