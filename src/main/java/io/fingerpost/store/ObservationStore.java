package io.fingerpost.store;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes observations, only what changed: a (series, period) that is new is inserted; one whose value,
 * limits, count, denominator or note differ is updated with its revision number raised and the old
 * row copied to {@code observation_revision}; one that is stored as it is costs a read, no write.
 *
 * <p>Each batch is one SQL statement (so one transaction: a crash never leaves half a batch) that
 * passes the batch as arrays ({@code unnest($1::bigint[], …)}): vertx-pg-client has no COPY, and
 * arrays of ~10k rows per statement, several statements in parallel, match {@code psql \copy}.
 * Indicators, areas and series are created first (idempotent statements) and cached, so a re-read
 * sends only the observation statement. After a batch commits, the keys of the series it changed are
 * published on {@value SeriesChanged#ADDRESS}.
 */
public final class ObservationStore {

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

  /**
   * One statement per batch: find the rows that are new or differ, keep the replaced values as
   * revisions, write the rows, and report per series what happened. All CTEs see the table as it was
   * before the statement, so {@code had_before} tells whether the series had observations already.
   */
  private static final String UPSERT_OBSERVATIONS = """
      WITH input AS (
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                             $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[])
          AS i(series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998,
               upper_ci998, count, denominator, value_note)
      ), changed AS MATERIALIZED (
        -- new or different rows, with the stored row they replace (NULLs when new)
        SELECT i.*, o.revision AS old_revision, o.period_start AS old_period_start, o.period_end AS old_period_end,
               o.value AS old_value, o.lower_ci95 AS old_lower_ci95, o.upper_ci95 AS old_upper_ci95,
               o.lower_ci998 AS old_lower_ci998, o.upper_ci998 AS old_upper_ci998, o.count AS old_count,
               o.denominator AS old_denominator, o.value_note AS old_value_note, o.source AS old_source,
               o.first_seen AS old_first_seen, o.last_seen AS old_last_seen
        -- LATERAL … LIMIT 1: one primary-key probe per input row; a hash join would scan the
        -- whole table for every batch
        FROM input i LEFT JOIN LATERAL (
          SELECT * FROM observation x WHERE x.series_id = i.series_id AND x.period = i.period LIMIT 1) o ON true
        WHERE o.series_id IS NULL
           OR (o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count, o.denominator,
               o.value_note, o.period_start, o.period_end)
              IS DISTINCT FROM
              (i.value, i.lower_ci95, i.upper_ci95, i.lower_ci998, i.upper_ci998, i.count, i.denominator,
               i.value_note, i.period_start, i.period_end)
      ), kept AS (
        INSERT INTO observation_revision (series_id, period, revision, period_start, period_end, value,
          lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator, value_note, source,
          first_seen, last_seen)
        SELECT series_id, period, old_revision, old_period_start, old_period_end, old_value, old_lower_ci95,
          old_upper_ci95, old_lower_ci998, old_upper_ci998, old_count, old_denominator, old_value_note,
          old_source, old_first_seen, old_last_seen
        FROM changed WHERE old_revision IS NOT NULL
        ON CONFLICT DO NOTHING
      ), written AS (
        INSERT INTO observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,
          lower_ci998, upper_ci998, count, denominator, value_note, source)
        SELECT series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998,
          upper_ci998, count, denominator, value_note, $13 FROM changed
        ON CONFLICT (series_id, period) DO UPDATE SET
          period_start = excluded.period_start, period_end = excluded.period_end, value = excluded.value,
          lower_ci95 = excluded.lower_ci95, upper_ci95 = excluded.upper_ci95,
          lower_ci998 = excluded.lower_ci998, upper_ci998 = excluded.upper_ci998, count = excluded.count,
          denominator = excluded.denominator, value_note = excluded.value_note, source = excluded.source,
          revision = observation.revision + 1, last_seen = now()
      )
      SELECT c.series_id,
             count(*) FILTER (WHERE c.old_revision IS NULL) AS inserted,
             count(*) FILTER (WHERE c.old_revision IS NOT NULL) AS updated,
             EXISTS (SELECT 1 FROM observation o WHERE o.series_id = c.series_id LIMIT 1) AS had_before
      FROM changed c GROUP BY c.series_id
      """;

  private final Vertx vertx;
  private final Pool pool;
  private final Map<SeriesKey, Long> seriesIds = new ConcurrentHashMap<>();
  private final Map<String, Indicator> indicators = new ConcurrentHashMap<>();
  private final Map<String, Area> areas = new ConcurrentHashMap<>();

  public ObservationStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Writes one batch and publishes the series it changed.
   *
   * @param feed the feed's name, stored as the observations' source and sent with the event
   */
  public Future<BatchResult> write(String feed, Batch batch, InitialLoad initialLoad) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(BatchResult.EMPTY);
    }
    long started = System.nanoTime();
    return upsertIndicators(batch.indicators().values())
        .compose(v -> upsertAreas(batch.areas().values()))
        .compose(v -> resolveSeries(batch.observations()))
        .compose(v -> writeObservations(feed, batch, initialLoad))
        .onSuccess(r -> io.fingerpost.metrics.FingerpostMetrics.of(vertx).storeBatch(feed,
            java.time.Duration.ofNanos(System.nanoTime() - started), r.inserted(), r.updated(), r.unchanged()));
  }

  private Future<Void> upsertIndicators(Iterable<Indicator> given) {
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

  private Future<Void> upsertAreas(Iterable<Area> given) {
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

  /** Makes sure every series of the batch has an id in the cache (creating missing series). */
  private Future<Void> resolveSeries(List<Observation> observations) {
    Map<SeriesKey, Boolean> missing = new HashMap<>();
    for (Observation o : observations) {
      if (!seriesIds.containsKey(o.key())) {
        missing.put(o.key(), Boolean.TRUE);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    // Sorted, so concurrent batches take the unique-index locks in the same order.
    List<SeriesKey> keys = new ArrayList<>(missing.keySet());
    keys.sort(Comparator.comparing(SeriesKey::indicatorId).thenComparing(SeriesKey::areaCode)
        .thenComparing(SeriesKey::sex).thenComparing(SeriesKey::age).thenComparing(SeriesKey::categoryType)
        .thenComparing(SeriesKey::category));
    Tuple arrays = keyArrays(keys);
    return pool.preparedQuery(INSERT_SERIES).execute(arrays)
        .compose(r -> pool.preparedQuery(SELECT_SERIES).execute(arrays))
        .compose(rows -> {
          for (Row r : rows) {
            seriesIds.put(new SeriesKey(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getString(5), r.getString(6)), r.getLong(0));
          }
          for (SeriesKey k : keys) {
            if (!seriesIds.containsKey(k)) {
              return Future.failedFuture(new IllegalStateException("series was not created: " + k));
            }
          }
          return Future.succeededFuture();
        });
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

  private Future<BatchResult> writeObservations(String feed, Batch batch, InitialLoad initialLoad) {
    List<Observation> obs = batch.observations();
    int n = obs.size();
    Long[] sid = new Long[n];
    String[] period = new String[n], note = new String[n];
    Double[] start = new Double[n], end = new Double[n], value = new Double[n], l95 = new Double[n],
        u95 = new Double[n], l998 = new Double[n], u998 = new Double[n], count = new Double[n], den = new Double[n];
    Map<Long, SeriesKey> keyById = new HashMap<>();
    for (int k = 0; k < n; k++) {
      Observation o = obs.get(k);
      Long id = Objects.requireNonNull(seriesIds.get(o.key()));
      keyById.putIfAbsent(id, o.key());
      sid[k] = id;
      period[k] = o.period().label();
      start[k] = o.period().start();
      end[k] = o.period().end();
      value[k] = o.value();
      l95[k] = o.lowerCi95();
      u95[k] = o.upperCi95();
      l998[k] = o.lowerCi998();
      u998[k] = o.upperCi998();
      count[k] = o.count();
      den[k] = o.denominator();
      note[k] = o.valueNote();
    }
    Tuple params = Tuple.tuple()
        .addValue(sid).addValue(period).addValue(start).addValue(end).addValue(value).addValue(l95)
        .addValue(u95).addValue(l998).addValue(u998).addValue(count).addValue(den).addValue(note)
        .addValue(feed);
    return pool.preparedQuery(UPSERT_OBSERVATIONS).execute(params).map(rows -> {
      long inserted = 0;
      long updated = 0;
      List<SeriesChanged.Item> initial = new ArrayList<>();
      List<SeriesChanged.Item> later = new ArrayList<>();
      for (Row r : rows) {
        long id = r.getLong("series_id");
        inserted += r.getLong("inserted");
        updated += r.getLong("updated");
        SeriesChanged.Item item = new SeriesChanged.Item(id, keyById.get(id));
        (initialLoad.isInitial(id, r.getBoolean("had_before")) ? initial : later).add(item);
      }
      if (!initial.isEmpty()) {
        vertx.eventBus().publish(SeriesChanged.ADDRESS, SeriesChanged.message(feed, true, initial));
      }
      if (!later.isEmpty()) {
        vertx.eventBus().publish(SeriesChanged.ADDRESS, SeriesChanged.message(feed, false, later));
      }
      return new BatchResult(inserted, updated, n - inserted - updated, initial.size() + later.size());
    });
  }
}
