package io.fingerpost.event;

import io.fingerpost.model.SeriesKey;
import java.util.List;
import java.util.Objects;

/**
 * The series a committed batch changed (store → target evaluator, and metrics with scope {@code all}).
 *
 * @param feed        the feed (or push) whose batch it was
 * @param initialLoad true when the batch comes from a feed's first successful poll into series that had no
 *                    observations before that poll (alerts record those evaluations as history)
 * @param series      the changed series
 */
public record SeriesChanged(String feed, boolean initialLoad, List<Item> series) implements Event {
  public static final Address<SeriesChanged> ADDRESS = Address.of("fingerpost.series.changed", SeriesChanged.class);

  public SeriesChanged {
    Objects.requireNonNull(feed, "feed");
    series = List.copyOf(series);
  }

  /** One changed series: its id in the {@code series} table and its key. */
  public record Item(long seriesId, SeriesKey key) {
    public Item {
      Objects.requireNonNull(key, "key");
    }
  }

  @Override
  public Address<SeriesChanged> address() {
    return ADDRESS;
  }
}
