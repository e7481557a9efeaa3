package io.fingerpost.store;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What observations hang on: indicators, areas and series. Before a batch's observations are written,
 * {@link #prepare} upserts the indicators and areas that are new or carry more metadata than known (a
 * source's blank never erases a known value; a push only adds what is missing and never overwrites a feed's
 * name, see {@code V3_1__name_source.sql}), creates the missing series and gives every observation its
 * series id. What feeds wrote is cached, so a re-read of known data sends no statement from here.
 */
final class SeriesCatalog {

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
  private final Map<String, String> parts = new ConcurrentHashMap<>();
  /** Indicators whose stored series are all in {@link #seriesIds}. */
  private final Set<String> loadedIndicators = ConcurrentHashMap.newKeySet();
  private final Map<String, Indicator> indicators = new ConcurrentHashMap<>();
  private final Map<String, Area> areas = new ConcurrentHashMap<>();

  SeriesCatalog(Pool pool) {
    this.pool = pool;
  }

  /**
   * Writes the batch's indicators, areas and missing series through {@code client}; the series id of each
   * observation, in order. Inside a transaction ({@code afterCommit} not null) what was written enters the
   * cache only once the caller runs {@code afterCommit} after the commit: a rolled-back series must not be
   * handed out. Outside one ({@code afterCommit} null) each statement commits and is cached at once.
   */
  Future<Long[]> prepare(SqlClient client, Batch batch, InitialLoad initialLoad, List<Runnable> afterCommit) {
    return upsertIndicators(client, batch, afterCommit)
        .compose(v -> upsertAreas(client, batch, afterCommit))
        .compose(v -> resolveSeries(client, batch.observations(), initialLoad, afterCommit));
  }

  /**
   * The series ids of a feed batch when everything it names is known already (its indicators and areas add
   * nothing, every series is cached), else null and {@link #prepare} does the work. Pure CPU on the cache, so the
   * store runs it on a worker: a long read's batches then take no per-row work on the event loop.
   */
  Long[] knownIds(Batch batch) {
    if (batch.pushed()) {
      return null;
    }
    for (Indicator i : batch.indicators().values()) {
      Indicator known = indicators.get(i.id());
      if (known == null || !addsNothing(i, known)) {
        return null;
      }
    }
    for (Area a : batch.areas().values()) {
      Area known = areas.get(a.code());
      if (known == null || !addsNothing(a, known)) {
        return null;
      }
    }
    List<Observation> observations = batch.observations();
    Long[] ids = new Long[observations.size()];
    for (int k = 0; k < ids.length; k++) {
      if ((ids[k] = seriesIds.get(observations.get(k).key())) == null) {
        return null;
      }
    }
    return ids;
  }

  /**
   * A feed batch's indicators and areas only (each statement commits by itself, as {@link #prepare} outside a
   * transaction); its series are then resolved on the COPY worker ({@link SeriesCopy}). No statement when the
   * batch adds nothing.
   */
  Future<Void> upsertMetadata(SqlClient client, Batch batch) {
    return upsertIndicators(client, batch, null).compose(v -> upsertAreas(client, batch, null));
  }

  /** The cached id of a series a feed wrote or read (null: not cached). */
  Long cachedId(SeriesKey key) {
    return seriesIds.get(key);
  }

  /** Whether every stored series of this indicator is cached. */
  boolean indicatorLoaded(String indicatorId) {
    return loadedIndicators.contains(indicatorId);
  }

  /** Committed series read from the database, and the indicators now wholly cached. */
  void cacheLoaded(Map<SeriesKey, Long> ids, Collection<String> indicatorIds) {
    cache(ids);
    loadedIndicators.addAll(indicatorIds);
  }

  /** Series a transaction created, once it committed. */
  void cacheCreated(Map<SeriesKey, Long> ids) {
    cache(ids);
  }

  private void cache(Map<SeriesKey, Long> ids) {
    ids.forEach(this::cache);
  }

  /**
   * Cached keys share one instance of each distinct part (indicator id, area code, sex, …): a lookup's equals then
   * reads a few hot strings instead of six cold ones a series, and 100,000 series hold thousands of strings, not
   * 600,000 (bench-load profile, issue 14).
   */
  private void cache(SeriesKey k, Long id) {
    seriesIds.put(new SeriesKey(part(k.indicatorId()), part(k.areaCode()), part(k.sex()), part(k.age()),
        part(k.categoryType()), part(k.category())), id);
  }

  private String part(String s) {
    String known = parts.putIfAbsent(s, s);
    return known == null ? s : known;
  }

  private static void remember(List<Runnable> afterCommit, Runnable r) {
    if (afterCommit == null) {
      r.run();
    } else {
      afterCommit.add(r);
    }
  }

  private Future<Void> upsertIndicators(SqlClient client, Batch batch, List<Runnable> afterCommit) {
    boolean pushed = batch.pushed();
    List<Indicator> send = new ArrayList<>();
    for (Indicator i : batch.indicators().values()) {
      Indicator known = indicators.get(i.id());
      if (!pushed && known != null && addsNothing(i, known)) {
        continue; // the usual case of a long read: nothing new (no record equals, no merge allocated)
      }
      Indicator merged = known == null ? i : pushed ? Batch.fillIndicator(known, i) : Batch.mergeIndicator(known, i);
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
    // What a push sent is not cached: the database, not the push, decides what is kept.
    return client.preparedQuery(pushed ? CatalogSql.PUSH_INDICATORS : CatalogSql.UPSERT_INDICATORS)
        .execute(Tuple.of(id, name, unit, type, pol))
        .onSuccess(r -> {
          if (!pushed) {
            remember(afterCommit, () -> send.forEach(i -> indicators.put(i.id(), i)));
          }
        }).mapEmpty();
  }

  /** Whether a feed's {@code given} leaves {@code known} as it is ({@link Batch#mergeIndicator} would not change it). */
  private static boolean addsNothing(Indicator given, Indicator known) {
    return same(given.name(), known.name()) && same(given.unit(), known.unit())
        && same(given.valueType(), known.valueType()) && (given.polarity() == null || given.polarity() == known.polarity());
  }

  private static boolean addsNothing(Area given, Area known) {
    return same(given.name(), known.name()) && same(given.type(), known.type())
        && same(given.parentCode(), known.parentCode());
  }

  /** A blank never erases (null given), else equal. */
  private static boolean same(String given, String known) {
    return given == null || given.equals(known);
  }

  private Future<Void> upsertAreas(SqlClient client, Batch batch, List<Runnable> afterCommit) {
    boolean pushed = batch.pushed();
    List<Area> send = new ArrayList<>();
    for (Area a : batch.areas().values()) {
      Area known = areas.get(a.code());
      if (!pushed && known != null && addsNothing(a, known)) {
        continue;
      }
      Area merged = known == null ? a : pushed ? Batch.fillArea(known, a) : Batch.mergeArea(known, a);
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
    return client.preparedQuery(pushed ? CatalogSql.PUSH_AREAS : CatalogSql.UPSERT_AREAS)
        .execute(Tuple.of(code, name, type, parent))
        .onSuccess(r -> {
          if (!pushed) {
            remember(afterCommit, () -> send.forEach(a -> areas.put(a.code(), a)));
          }
        }).mapEmpty();
  }

  /**
   * Gives every series of the batch an id (creating missing series); series created here are new to the
   * poll, so {@code initialLoad} knows they had no history. Ids read from committed rows are cached at once.
   */
  private Future<Long[]> resolveSeries(SqlClient client, List<Observation> observations, InitialLoad initialLoad,
                                       List<Runnable> afterCommit) {
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
      loaded = client.preparedQuery(SELECT_SERIES_OF_INDICATORS).execute(Tuple.of(unloaded.toArray(new String[0])))
          .map(rows -> {
            for (Row r : rows) {
              cache(seriesKey(r), r.getLong(0));
            }
            loadedIndicators.addAll(unloaded);
            return null;
          });
    }
    Map<SeriesKey, Long> created = new HashMap<>();
    return loaded.compose(v -> createSeries(client, missing, initialLoad, created)).map(v -> {
      for (int k = 0; k < n; k++) {
        if (ids[k] == null) {
          SeriesKey key = observations.get(k).key();
          Long id = created.get(key);
          ids[k] = Objects.requireNonNull(id != null ? id : seriesIds.get(key));
        }
      }
      remember(afterCommit, () -> cache(created));
      return ids;
    });
  }

  /** Creates the series not known yet; those this statement created go to {@code created}, not the cache. */
  private Future<Void> createSeries(SqlClient client, Set<SeriesKey> candidates, InitialLoad initialLoad,
                                    Map<SeriesKey, Long> created) {
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
    return client.preparedQuery(INSERT_SERIES).execute(keyArrays(keys))
        .compose(inserted -> {
          for (Row r : inserted) {
            initialLoad.seriesCreated(r.getLong(0));
            created.put(seriesKey(r), r.getLong(0));
          }
          // Series that existed already (or another batch created and committed meanwhile): look them up.
          List<SeriesKey> existing = keys.stream().filter(k -> !created.containsKey(k)).toList();
          if (existing.isEmpty()) {
            return Future.succeededFuture();
          }
          return client.preparedQuery(SELECT_SERIES).execute(keyArrays(existing)).compose(rows -> {
            for (Row r : rows) {
              cache(seriesKey(r), r.getLong(0));
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

  /** The stored series of these (indicator, area) pairs (a push's lookup of the parts it leaves out). */
  Future<List<SeriesKey>> seriesOf(Collection<Map.Entry<String, String>> indicatorAreas) {
    if (indicatorAreas.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String[] ind = indicatorAreas.stream().map(Map.Entry::getKey).toArray(String[]::new);
    String[] area = indicatorAreas.stream().map(Map.Entry::getValue).toArray(String[]::new);
    return pool.preparedQuery("""
        SELECT s.id, s.indicator_id, s.area_code, s.sex, s.age, s.category_type, s.category
        FROM unnest($1::text[], $2::text[]) AS k(indicator_id, area_code)
        JOIN series s ON s.indicator_id = k.indicator_id AND s.area_code = k.area_code
        """).execute(Tuple.tuple().addValue(ind).addValue(area)).map(rows -> {
          List<SeriesKey> keys = new ArrayList<>();
          for (Row r : rows) {
            keys.add(seriesKey(r));
          }
          return keys;
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
