package io.fingerpost.store;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What observations hang on: indicators, areas and series. Before a batch's observations are written,
 * {@link #prepare} upserts the indicators and areas that are new or carry more metadata than known (a
 * source's blank never erases a known value), creates the missing series and gives every observation its
 * series id. Everything written is cached, so a re-read of known data sends no statement from here.
 */
final class SeriesCatalog {

  private static final String UPSERT_INDICATORS = """
      INSERT INTO indicator (id, name, unit, value_type, polarity)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
      ON CONFLICT (id) DO UPDATE SET
        name = COALESCE(excluded.name, indicator.name),
        unit = COALESCE(excluded.unit, indicator.unit),
        value_type = COALESCE(excluded.value_type, indicator.value_type),
        polarity = COALESCE(excluded.polarity, indicator.polarity)
      WHERE (indicator.name, indicator.unit, indicator.value_type, indicator.polarity) IS DISTINCT FROM
        (COALESCE(excluded.name, indicator.name), COALESCE(excluded.unit, indicator.unit),
         COALESCE(excluded.value_type, indicator.value_type), COALESCE(excluded.polarity, indicator.polarity))
      """;

  private static final String UPSERT_AREAS = """
      INSERT INTO area (code, name, type, parent_code)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
      ON CONFLICT (code) DO UPDATE SET
        name = COALESCE(excluded.name, area.name),
        type = COALESCE(excluded.type, area.type),
        parent_code = COALESCE(excluded.parent_code, area.parent_code)
      WHERE (area.name, area.type, area.parent_code) IS DISTINCT FROM
        (COALESCE(excluded.name, area.name), COALESCE(excluded.type, area.type),
         COALESCE(excluded.parent_code, area.parent_code))
      """;

  private static final String INSERT_SERIES = """
      INSERT INTO series (indicator_id, area_code, sex, age, category_type, category)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
      ON CONFLICT DO NOTHING
      RETURNING id, indicator_id, area_code, sex, age, category_type, category
      """;

  private static final String SELECT_SERIES_OF_INDICATORS = """
      SELECT id, indicator_id, area_code, sex, age, category_type, category
      FROM series WHERE indicator_id = ANY($1::text[])
      """;

  private static final String SELECT_SERIES = """
      SELECT s.id, s.indicator_id, s.area_code, s.sex, s.age, s.category_type, s.category
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
        AS k(indicator_id, area_code, sex, age, category_type, category)
      JOIN LATERAL (
        SELECT * FROM series x WHERE x.indicator_id = k.indicator_id AND x.area_code = k.area_code
          AND x.sex = k.sex AND x.age = k.age AND x.category_type = k.category_type AND x.category = k.category
        LIMIT 1) s ON true
      """;

  private final Pool pool;
  private final Map<SeriesKey, Long> seriesIds = new ConcurrentHashMap<>();
  /** Indicators whose stored series are all in {@link #seriesIds}. */
  private final Set<String> loadedIndicators = ConcurrentHashMap.newKeySet();
  private final Map<String, Indicator> indicators = new ConcurrentHashMap<>();
  private final Map<String, Area> areas = new ConcurrentHashMap<>();

  SeriesCatalog(Pool pool) {
    this.pool = pool;
  }

  /** Writes the batch's indicators, areas and missing series; the series id of each observation, in order. */
  Future<Long[]> prepare(Batch batch, InitialLoad initialLoad) {
    return upsertIndicators(batch.indicators().values())
        .compose(v -> upsertAreas(batch.areas().values()))
        .compose(v -> resolveSeries(batch.observations(), initialLoad));
  }

  private Future<Void> upsertIndicators(Collection<Indicator> given) {
    List<Indicator> send = new ArrayList<>();
    for (Indicator i : given) {
      Indicator known = indicators.get(i.id());
      Indicator merged = known == null ? i : Batch.mergeIndicator(known, i);
      if (!merged.equals(known)) {
        send.add(merged);
      }
    }
    if (send.isEmpty()) {
      return Future.succeededFuture();
    }
    send.sort(Comparator.comparing(Indicator::id));
    int n = send.size();
    String[] id = new String[n], name = new String[n], unit = new String[n], type = new String[n], pol = new String[n];
    for (int k = 0; k < n; k++) {
      Indicator i = send.get(k);
      id[k] = i.id();
      name[k] = i.name();
      unit[k] = i.unit();
      type[k] = i.valueType();
      pol[k] = i.polarity() == null ? null : i.polarity().name();
    }
    return pool.preparedQuery(UPSERT_INDICATORS).execute(Tuple.of(id, name, unit, type, pol))
        .onSuccess(r -> send.forEach(i -> indicators.put(i.id(), i))).mapEmpty();
  }

  private Future<Void> upsertAreas(Collection<Area> given) {
    List<Area> send = new ArrayList<>();
    for (Area a : given) {
      Area known = areas.get(a.code());
      Area merged = known == null ? a : Batch.mergeArea(known, a);
      if (!merged.equals(known)) {
        send.add(merged);
      }
    }
    if (send.isEmpty()) {
      return Future.succeededFuture();
    }
    send.sort(Comparator.comparing(Area::code));
    int n = send.size();
    String[] code = new String[n], name = new String[n], type = new String[n], parent = new String[n];
    for (int k = 0; k < n; k++) {
      Area a = send.get(k);
      code[k] = a.code();
      name[k] = a.name();
      type[k] = a.type();
      parent[k] = a.parentCode();
    }
    return pool.preparedQuery(UPSERT_AREAS).execute(Tuple.of(code, name, type, parent))
        .onSuccess(r -> send.forEach(a -> areas.put(a.code(), a))).mapEmpty();
  }

  /**
   * Makes sure every series of the batch has an id in the cache (creating missing series); series
   * created here are new to the poll, so {@code initialLoad} knows they had no history.
   */
  private Future<Long[]> resolveSeries(List<Observation> observations, InitialLoad initialLoad) {
    int n = observations.size();
    Long[] ids = new Long[n];
    Set<SeriesKey> missing = new HashSet<>();
    Set<String> unloaded = new HashSet<>();
    for (int k = 0; k < n; k++) {
      SeriesKey key = observations.get(k).key();
      Long id = seriesIds.get(key);
      if (id == null) {
        ids[k] = null;
        if (missing.add(key) && !loadedIndicators.contains(key.indicatorId())) {
          unloaded.add(key.indicatorId());
        }
      } else {
        ids[k] = id;
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(ids);
    }
    Future<Void> loaded = Future.succeededFuture();
    if (!unloaded.isEmpty()) {
      // One scan per indicator instead of a probe per series (a restarted service re-reading a feed).
      loaded = pool.preparedQuery(SELECT_SERIES_OF_INDICATORS).execute(Tuple.of(unloaded.toArray(new String[0])))
          .map(rows -> {
            for (Row r : rows) {
              seriesIds.put(seriesKey(r), r.getLong(0));
            }
            loadedIndicators.addAll(unloaded);
            return null;
          });
    }
    return loaded.compose(v -> createSeries(missing, initialLoad)).map(v -> {
      for (int k = 0; k < n; k++) {
        if (ids[k] == null) {
          ids[k] = Objects.requireNonNull(seriesIds.get(observations.get(k).key()));
        }
      }
      return ids;
    });
  }

  private Future<Void> createSeries(Set<SeriesKey> candidates, InitialLoad initialLoad) {
    List<SeriesKey> keys = new ArrayList<>();
    for (SeriesKey key : candidates) {
      if (!seriesIds.containsKey(key)) {
        keys.add(key);
      }
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    // Sorted, so concurrent batches take the unique-index locks in the same order.
    keys.sort(Comparator.comparing(SeriesKey::indicatorId).thenComparing(SeriesKey::areaCode)
        .thenComparing(SeriesKey::sex).thenComparing(SeriesKey::age).thenComparing(SeriesKey::categoryType)
        .thenComparing(SeriesKey::category));
    return pool.preparedQuery(INSERT_SERIES).execute(keyArrays(keys))
        .compose(created -> {
          for (Row r : created) {
            initialLoad.seriesCreated(r.getLong(0));
            seriesIds.put(seriesKey(r), r.getLong(0));
          }
          // Series that existed already (or another batch created meanwhile): look them up.
          List<SeriesKey> existing = keys.stream().filter(k -> !seriesIds.containsKey(k)).toList();
          if (existing.isEmpty()) {
            return Future.succeededFuture();
          }
          return pool.preparedQuery(SELECT_SERIES).execute(keyArrays(existing)).compose(rows -> {
            for (Row r : rows) {
              seriesIds.put(seriesKey(r), r.getLong(0));
            }
            for (SeriesKey k : existing) {
              if (!seriesIds.containsKey(k)) {
                return Future.failedFuture(new IllegalStateException("series was not created: " + k));
              }
            }
            return Future.<Void>succeededFuture();
          });
        });
  }

  private static SeriesKey seriesKey(Row r) {
    return new SeriesKey(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
        r.getString(6));
  }

  private static Tuple keyArrays(List<SeriesKey> keys) {
    int n = keys.size();
    String[] ind = new String[n], area = new String[n], sex = new String[n], age = new String[n],
        ct = new String[n], cat = new String[n];
    for (int k = 0; k < n; k++) {
      SeriesKey s = keys.get(k);
      ind[k] = s.indicatorId();
      area[k] = s.areaCode();
      sex[k] = s.sex();
      age[k] = s.age();
      ct[k] = s.categoryType();
      cat[k] = s.category();
    }
    return Tuple.of(ind, area, sex, age, ct, cat);
  }
}
