package io.fingerpost.store;

import io.fingerpost.model.SeriesKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * The {@code fingerpost.series.changed} event (docs/internals.md "Event bus"): which series a committed
 * batch changed. {@code initialLoad} is true when the batch comes from a feed's first successful poll
 * into series that had no observations before that poll (alerts record those evaluations as history).
 */
public final class SeriesChanged {
  public static final String ADDRESS = "fingerpost.series.changed";

  private SeriesChanged() {}

  /** One changed series: its id in the {@code series} table and its key. */
  public record Item(long seriesId, SeriesKey key) {}

  public static JsonObject message(String feed, boolean initialLoad, Collection<Item> series) {
    JsonArray arr = new JsonArray();
    for (Item s : series) {
      arr.add(new JsonObject()
          .put("seriesId", s.seriesId())
          .put("indicatorId", s.key().indicatorId())
          .put("areaCode", s.key().areaCode())
          .put("sex", s.key().sex())
          .put("age", s.key().age())
          .put("categoryType", s.key().categoryType())
          .put("category", s.key().category()));
    }
    return new JsonObject().put("feed", feed).put("initialLoad", initialLoad).put("series", arr);
  }
}
