package io.fingerpost.feed;

import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.Batch;
import io.fingerpost.store.BatchResult;
import io.fingerpost.store.Rejection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * One push request's rows, all read and checked before anything is written: the good rows (as one
 * {@link Batch}, once their left-out series parts are resolved), the rejected rows with line and reason,
 * and the warnings of stored rows.
 */
final class PushRows {
  private final String source;
  private long read;
  private long rejected;
  private final List<ParsedRow> good = new ArrayList<>();
  private final List<Set<String>> open = new ArrayList<>();
  private final List<Rejection> rejections = new ArrayList<>();
  private final List<Rejection> warnings = new ArrayList<>();
  private final Batch batch = new Batch(16, true);

  private PushRows(String source) {
    this.source = source;
  }

  /** Reads every row; {@code omitted} gives the series parts the row at a line left out. */
  static PushRows read(String source, RowReader reader, LongFunction<Set<String>> omitted) {
    PushRows rows = new PushRows(source);
    while (reader.hasNext()) {
      FeedRow row = reader.next();
      rows.read++;
      if (row instanceof ParsedRow p) {
        rows.good.add(p);
        rows.open.add(omitted.apply(p.line()));
      } else if (row instanceof RejectedRow r) {
        rows.reject(r.line(), r.reason(), r.content());
      }
    }
    return rows;
  }

  private void reject(long line, String reason, String content) {
    rejected++;
    if (rejections.size() < FeedLoader.MAX_KEPT_REJECTIONS) {
      rejections.add(new Rejection(source, line, reason, content));
    }
  }

  /** The (indicator, area) pairs of rows that leave a series part out. */
  Collection<Map.Entry<String, String>> openPairs() {
    Set<Map.Entry<String, String>> pairs = new LinkedHashSet<>();
    for (int i = 0; i < good.size(); i++) {
      if (!open.get(i).isEmpty()) {
        SeriesKey k = good.get(i).observation().key();
        pairs.add(new SimpleImmutableEntry<>(k.indicatorId(), k.areaCode()));
      }
    }
    return pairs;
  }

  /**
   * Puts each good row in the batch under the series it names or, for left-out parts, the one stored
   * series it matches ({@link SeriesParts}); a row that matches several, or that lands on the series and
   * period of an earlier row, is rejected.
   */
  void resolve(List<SeriesKey> stored) {
    Map<Map.Entry<String, String>, List<SeriesKey>> byPair = new HashMap<>();
    for (SeriesKey k : stored) {
      byPair.computeIfAbsent(new SimpleImmutableEntry<>(k.indicatorId(), k.areaCode()), p -> new ArrayList<>()).add(k);
    }
    Map<List<String>, Long> seen = new HashMap<>();
    for (int i = 0; i < good.size(); i++) {
      ParsedRow p = good.get(i);
      Observation o = p.observation();
      SeriesKey key;
      try {
        key = SeriesParts.resolve(o.key(), open.get(i),
            byPair.getOrDefault(new SimpleImmutableEntry<>(o.key().indicatorId(), o.key().areaCode()), List.of()));
      } catch (IllegalArgumentException e) {
        reject(p.line(), e.getMessage(), "");
        continue;
      }
      Long first = seen.putIfAbsent(List.of(key.indicatorId(), key.areaCode(), key.sex(), key.age(),
          key.categoryType(), key.category(), o.period().label()), p.line());
      if (first != null) {
        reject(p.line(), "duplicates the series and period of element " + first
            + " (once the parts left out are looked up)", "");
        continue;
      }
      Observation resolved = key.equals(o.key()) ? o : new Observation(key, o.period(), o.value(), o.lowerCi95(),
          o.upperCi95(), o.lowerCi998(), o.upperCi998(), o.count(), o.denominator(), o.valueNote());
      batch.add(resolved, p.indicator(), p.area());
      for (String w : p.warnings()) {
        warnings.add(Rejection.warning(source, p.line(), w, ""));
      }
    }
    good.clear();
    open.clear();
  }

  Batch batch() {
    return batch;
  }

  long read() {
    return read;
  }

  long rejected() {
    return rejected;
  }

  /** What the feed's rejection list keeps of this request: rejections and warnings, in line order. */
  List<Rejection> listed() {
    List<Rejection> all = new ArrayList<>(rejections);
    all.addAll(warnings);
    all.sort(Comparator.comparingLong(Rejection::line));
    return all;
  }

  /** The push's answer (openapi.yaml {@code PushResult}). */
  JsonObject answer(BatchResult written) {
    JsonArray rejected = new JsonArray();
    rejections.stream().sorted(Comparator.comparingLong(Rejection::line))
        .forEach(r -> rejected.add(new JsonObject().put("line", r.line()).put("reason", r.reason())));
    JsonArray warned = new JsonArray();
    warnings.forEach(w -> warned.add(new JsonObject().put("line", w.line())
        .put("reason", w.reason().substring(Rejection.WARNING.length()))));
    return new JsonObject().put("rowsRead", read).put("inserted", written.inserted())
        .put("updated", written.updated()).put("unchanged", written.unchanged())
        .put("rejected", this.rejected).put("rejections", rejected).put("warnings", warned);
  }
}
