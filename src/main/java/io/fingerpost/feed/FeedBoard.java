package io.fingerpost.feed;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * The latest status of each feed in this instance, for {@code /ready} and anything else that needs it
 * without a database round trip. Feeds also publish every status on {@value #ADDRESS}
 * (docs/internals.md "Event bus").
 */
public final class FeedBoard {
  public static final String ADDRESS = "fingerpost.feed.status";
  private static final String MAP = "fingerpost.feed.board";

  private FeedBoard() {}

  public static void update(Vertx vertx, JsonObject status) {
    LocalMap<String, JsonObject> map = vertx.sharedData().getLocalMap(MAP);
    map.put(status.getString("feed"), status);
    vertx.eventBus().publish(ADDRESS, status);
  }

  /** The last status of a feed, or null when it has not finished a poll yet. */
  public static JsonObject get(Vertx vertx, String feed) {
    LocalMap<String, JsonObject> map = vertx.sharedData().getLocalMap(MAP);
    return map.get(feed);
  }
}
