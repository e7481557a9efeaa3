package io.fingerpost.store;

import io.fingerpost.event.Events;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes observations, only what changed: a (series, period) that is new is inserted; one whose value,
 * limits, count, denominator or note differ is updated with its revision number raised and the old
 * row copied to {@code observation_revision}; one that is stored as it is costs a read, no write.
 *
 * <p>Each batch is one SQL statement (so one transaction: a crash never leaves half a batch) that
 * passes the batch as arrays ({@code unnest($1::bigint[], …)}): vertx-pg-client has no COPY, and
 * arrays of ~10k rows per statement, several statements in parallel, match {@code psql \copy}.
 * Indicators, areas and series are created first ({@link SeriesCatalog}: idempotent statements, cached),
 * so a re-read sends only the observation statement. After a batch commits, the series it changed are
 * published as a {@link SeriesChanged} event.
 */
public final class ObservationStore {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ObservationStore.class);

  /**
   * One statement per batch: find the rows that are new or differ, keep the replaced values as
   * revisions, write the rows, and report per series what happened.
   *
   * <p>Concurrent writers of the same rows (a push and a feed, or pushes) must not lose history, so the
   * row a value replaces is read under its row lock ({@code FOR UPDATE} waits for a concurrent writer and
   * then returns the row as that writer committed it), not from the statement's snapshot; a value written
   * meanwhile is therefore the one kept. Only rows that differ from the snapshot are locked, so an
   * unchanged re-read still writes nothing. A row that did not exist for the snapshot but was inserted by
   * a concurrent writer before this one could insert it is not overwritten (the revision guard): it comes
   * back in {@code raced} (ordinals of the input) and {@link #upsert} writes it with a second statement in
   * the same transaction, which sees it and keeps it. The probe for {@code had_before} reads the snapshot:
   * whether the series had observations before the statement.
   */
  static final String UPSERT_OBSERVATIONS = """
      WITH input AS (
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                             $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[],
                             $16::bool[])
          WITH ORDINALITY AS i(series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,
               lower_ci998, upper_ci998, count, denominator, value_note, ci_computed, n)
      ), candidates AS MATERIALIZED (
        -- new or different as the snapshot sees them (the rows of a re-read mostly are neither).
        -- LATERAL … LIMIT 1: one primary-key probe per input row; a hash join would scan the
        -- whole table for every batch
        SELECT i.* FROM input i LEFT JOIN LATERAL (
          SELECT * FROM observation x WHERE x.series_id = i.series_id AND x.period = i.period LIMIT 1) o ON true
        WHERE o.series_id IS NULL
           OR (o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count, o.denominator,
               o.value_note, o.period_start, o.period_end, o.ci_computed)
              IS DISTINCT FROM
              (i.value, i.lower_ci95, i.upper_ci95, i.lower_ci998, i.upper_ci998, i.count, i.denominator,
               i.value_note, i.period_start, i.period_end, i.ci_computed)
      ), changed AS MATERIALIZED (
        -- the candidates against the stored row as it is now, locked until commit (in key order, so
        -- concurrent batches take their locks in the same order), with the row they replace (NULLs when new)
        SELECT c.*, o.revision AS old_revision, o.period_start AS old_period_start, o.period_end AS old_period_end,
               o.value AS old_value, o.lower_ci95 AS old_lower_ci95, o.upper_ci95 AS old_upper_ci95,
               o.lower_ci998 AS old_lower_ci998, o.upper_ci998 AS old_upper_ci998, o.count AS old_count,
               o.denominator AS old_denominator, o.value_note AS old_value_note, o.source AS old_source,
               o.first_seen AS old_first_seen, o.last_seen AS old_last_seen, o.ci_computed AS old_ci_computed
        FROM (SELECT * FROM candidates ORDER BY series_id, period) c LEFT JOIN LATERAL (
          SELECT * FROM observation x WHERE x.series_id = c.series_id AND x.period = c.period FOR UPDATE) o ON true
        WHERE o.series_id IS NULL
           OR (o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count, o.denominator,
               o.value_note, o.period_start, o.period_end, o.ci_computed)
              IS DISTINCT FROM
              (c.value, c.lower_ci95, c.upper_ci95, c.lower_ci998, c.upper_ci998, c.count, c.denominator,
               c.value_note, c.period_start, c.period_end, c.ci_computed)
      ), kept AS (
        -- no ON CONFLICT: under the lock a revision is kept once; a clash is a bug and must not pass silently
        INSERT INTO observation_revision (series_id, period, revision, period_start, period_end, value,
          lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator, value_note, source,
          first_seen, last_seen, ci_computed)
        SELECT series_id, period, old_revision, old_period_start, old_period_end, old_value, old_lower_ci95,
          old_upper_ci95, old_lower_ci998, old_upper_ci998, old_count, old_denominator, old_value_note,
          old_source, old_first_seen, old_last_seen, old_ci_computed
        FROM changed WHERE old_revision IS NOT NULL
      ), written AS (
        INSERT INTO observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,
          lower_ci998, upper_ci998, count, denominator, value_note, source, revision, ci_computed)
        SELECT series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998,
          upper_ci998, count, denominator, value_note, $13, COALESCE(old_revision, 0) + 1, ci_computed FROM changed
        ON CONFLICT (series_id, period) DO UPDATE SET
          period_start = excluded.period_start, period_end = excluded.period_end, value = excluded.value,
          lower_ci95 = excluded.lower_ci95, upper_ci95 = excluded.upper_ci95,
          lower_ci998 = excluded.lower_ci998, upper_ci998 = excluded.upper_ci998, count = excluded.count,
          denominator = excluded.denominator, value_note = excluded.value_note, source = excluded.source,
          revision = excluded.revision, last_seen = now(), ci_computed = excluded.ci_computed
        -- only the row read under lock above; a row that appeared after the snapshot is left as it is
        WHERE observation.revision = excluded.revision - 1
        RETURNING series_id, period
      ), probe AS (
        -- only the series whose history the poll does not know yet ($14; empty after a first load), with
        -- observations from before the feed's first load began ($15; null: any)
        SELECT p.id FROM unnest($14::bigint[]) AS p(id)
        WHERE EXISTS (SELECT 1 FROM observation o WHERE o.series_id = p.id
                      AND ($15::timestamptz IS NULL OR o.first_seen < $15::timestamptz))
      )
      SELECT c.series_id,
             count(*) FILTER (WHERE c.old_revision IS NULL AND w.series_id IS NOT NULL) AS inserted,
             count(*) FILTER (WHERE c.old_revision IS NOT NULL) AS updated,
             c.series_id IN (SELECT id FROM probe) AS had_before,
             array_agg(c.n) FILTER (WHERE w.series_id IS NULL) AS raced
      FROM changed c LEFT JOIN written w ON w.series_id = c.series_id AND w.period = c.period
      GROUP BY c.series_id
      """;

  /**
   * A first poll's batch as plain inserts, no compare: a row that is already stored fails the whole
   * statement on the primary key (nothing is written) and the batch goes through
   * {@link #UPSERT_OBSERVATIONS} instead. Returns the series of $14 that had observations before ($15).
   */
  private static final String INSERT_OBSERVATIONS = """
      WITH written AS (
        INSERT INTO observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,
          lower_ci998, upper_ci998, count, denominator, value_note, ci_computed, source)
        SELECT i.*, $13::text
        FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                    $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[],
                    $16::bool[]) AS i
      )
      SELECT p.id FROM unnest($14::bigint[]) AS p(id)
      WHERE EXISTS (SELECT 1 FROM observation o WHERE o.series_id = p.id
                    AND ($15::timestamptz IS NULL OR o.first_seen < $15::timestamptz))
      """;

  /** Rows per statement of {@link #writeAtomically}. */
  private static final int SLICE = 10_000;

  /** PostgreSQL's unique_violation. */
  private static final String UNIQUE_VIOLATION = "23505";

  private final Vertx vertx;
  private final Pool pool;
  private final SeriesCatalog catalog;
  /** Feed batches through COPY (null: through the unnest statements, as pushes always are). */
  private final CopyWriter copy;

  /** A store that writes every batch with the unnest statements (no COPY). */
  public ObservationStore(Vertx vertx, Pool pool) {
    this(vertx, pool, null);
  }

  /**
   * The service's store: feed batches ({@link #write}) go through COPY on the database's JDBC connections
   * ({@link CopyWriter}) unless the system property {@code fingerpost.load.copy} is {@code false}; pushes
   * ({@link #writeAtomically}) keep the unnest statements.
   */
  public ObservationStore(Vertx vertx, Database database) {
    this(vertx, database.pool(), Boolean.parseBoolean(System.getProperty("fingerpost.load.copy", "true"))
        ? database.copyWriter() : null);
  }

  ObservationStore(Vertx vertx, Pool pool, CopyWriter copy) {
    this.vertx = vertx;
    this.pool = pool;
    this.catalog = new SeriesCatalog(pool);
    this.copy = copy;
  }

  /** True when feed batches go through COPY. */
  public boolean copies() {
    return copy != null;
  }

  public Pool pool() {
    return pool;
  }

  /** Leases that fence the feeds' writes (cluster: only the holder of {@code feed:<name>} may write for it). */
  private final Map<String, Lease> fences = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * From now on every observation write of {@code feed} first checks, in its own transaction, that this
   * member still holds {@code lease} ({@link Lease#fence}); a poller that lost its lease fails its write.
   */
  public void fence(String feed, Lease lease) {
    fences.put(feed, lease);
  }

  private Future<Void> fenced(String feed, io.vertx.sqlclient.SqlClient conn) {
    Lease lease = fences.get(feed);
    return lease == null ? Future.succeededFuture() : lease.fence(conn);
  }

  /** The stored series of these (indicator id, area code) pairs. */
  public Future<List<SeriesKey>> seriesOf(java.util.Collection<Map.Entry<String, String>> indicatorAreas) {
    return catalog.seriesOf(indicatorAreas);
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
    return catalog.prepare(pool, batch, initialLoad, null)
        .compose(ids -> ComputedIntervals.complete(pool, batch.observations())
            .compose(completed -> writeObservations(feed, completed, ids, initialLoad)))
        .onSuccess(r -> recordBatch(feed, started, r));
  }

  /**
   * Writes a whole request in ONE transaction (the push endpoint): its indicators, areas, series and
   * observations commit together or not at all, so a failure never leaves an indicator or series without
   * its observations. Slices of {@link #SLICE} rows in (series, period) order, so concurrent writers take
   * their row locks in the same order. The changed series are published after the commit.
   */
  public Future<BatchResult> writeAtomically(String feed, Batch batch) {
    return writeAtomically(feed, batch, InitialLoad.none());
  }

  /**
   * {@link #writeAtomically(String, Batch)} for a feed that loads a unit (e.g. one indicator of an API feed)
   * all or nothing: its batches count as {@code initialLoad} says.
   */
  public Future<BatchResult> writeAtomically(String feed, Batch batch, InitialLoad initialLoad) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(BatchResult.EMPTY);
    }
    long started = System.nanoTime();
    InitialLoad none = initialLoad;
    List<Runnable> afterCommit = new ArrayList<>();
    Map<Long, SeriesKey> keyById = new HashMap<>();
    List<Observation> given = batch.observations();
    // a fenced feed (cluster) checks its lease in this transaction first
    return pool.withTransaction(conn -> fenced(feed, conn).compose(f -> catalog.prepare(conn, batch, none, afterCommit))
        .compose(ids -> ComputedIntervals.complete(conn, given).map(c -> Map.entry(ids, c))).compose(prepared -> {
      Long[] ids = prepared.getKey();
      List<Observation> obs = prepared.getValue().observations();
      Boolean[] computed = prepared.getValue().computed();
      Integer[] order = new Integer[obs.size()];
      for (int k = 0; k < order.length; k++) {
        order[k] = k;
      }
      java.util.Arrays.sort(order, java.util.Comparator.<Integer>comparingLong(k -> ids[k])
          .thenComparing(k -> obs.get(k).period().label()));
      Future<RacedUpsert.Upserted> done = Future.succeededFuture(null);
      for (int from = 0; from < order.length; from += SLICE) {
        int[] rows = new int[Math.min(SLICE, order.length - from)];
        for (int k = 0; k < rows.length; k++) {
          rows[k] = order[from + k];
        }
        Tuple params = params(feed, obs, computed, ids, rows, none, keyById);
        done = done.compose(before -> RacedUpsert.run(conn, feed, params)
            .map(u -> before == null ? u : before.then(u)));
      }
      return done;
    })).map(u -> {
      afterCommit.forEach(Runnable::run);
      BatchResult r = publish(feed, none, keyById, u.changed(), u.inserted(), u.updated(), given.size());
      recordBatch(feed, started, r);
      return r;
    });
  }

  private void recordBatch(String feed, long started, BatchResult r) {
    FingerpostMetrics.of(vertx).storeBatch(feed, java.time.Duration.ofNanos(System.nanoTime() - started),
        r.inserted(), r.updated(), r.unchanged());
  }

  /** Statement parameters of some rows: $1…$12, $16 (ci_computed) the rows; $13 feed, $14 probe, $15 history. */
  private static Tuple params(String feed, List<Observation> obs, Boolean[] computed, Long[] ids, int[] rows,
                              InitialLoad initialLoad, Map<Long, SeriesKey> keyById) {
    int n = rows.length;
    Long[] sid = new Long[n];
    String[] period = new String[n], note = new String[n];
    Double[] start = new Double[n], end = new Double[n], value = new Double[n], l95 = new Double[n],
        u95 = new Double[n], l998 = new Double[n], u998 = new Double[n], count = new Double[n], den = new Double[n];
    Boolean[] flag = new Boolean[n];
    Set<Long> seriesOfRows = new HashSet<>();
    for (int j = 0; j < n; j++) {
      int k = rows[j];
      flag[j] = computed[k];
      Observation o = obs.get(k);
      Long id = ids[k];
      keyById.putIfAbsent(id, o.key());
      seriesOfRows.add(id);
      sid[j] = id;
      period[j] = o.period().label();
      start[j] = o.period().start();
      end[j] = o.period().end();
      value[j] = o.value();
      l95[j] = o.lowerCi95();
      u95[j] = o.upperCi95();
      l998[j] = o.lowerCi998();
      u998[j] = o.upperCi998();
      count[j] = o.count();
      den[j] = o.denominator();
      note[j] = o.valueNote();
    }
    List<Long> probe = new ArrayList<>();
    for (Long id : seriesOfRows) {
      if (initialLoad.needsHistoryCheck(id)) {
        probe.add(id);
      }
    }
    return Tuple.tuple()
        .addValue(sid).addValue(period).addValue(start).addValue(end).addValue(value).addValue(l95)
        .addValue(u95).addValue(l998).addValue(u998).addValue(count).addValue(den).addValue(note)
        .addValue(feed).addValue(probe.toArray(new Long[0])).addValue(initialLoad.historyBefore()).addValue(flag);
  }

  private Future<BatchResult> writeObservations(String feed, ComputedIntervals.Completed completed, Long[] ids,
                                               InitialLoad initialLoad) {
    List<Observation> obs = completed.observations();
    int n = obs.size();
    int[] all = new int[n];
    for (int k = 0; k < n; k++) {
      all[k] = k;
    }
    Map<Long, SeriesKey> keyById = new HashMap<>();
    Tuple params = params(feed, obs, completed.computed(), ids, all, initialLoad, keyById);
    Future<BatchResult> written;
    if (initialLoad.tryInsertOnly()) {
      // COPY unless the feed is fenced (a cluster member's poll): the fence is checked in the insert's transaction
      Future<Set<Long>> inserted = copy != null && !fences.containsKey(feed) ? copy.insertOnly(params)
          : (fences.containsKey(feed)
              ? pool.withTransaction(conn -> fenced(feed, conn).compose(v -> conn.preparedQuery(INSERT_OBSERVATIONS)
                  .execute(params)))
              : pool.preparedQuery(INSERT_OBSERVATIONS).execute(params)).map(rows -> {
            Set<Long> hadBefore = new HashSet<>();
            for (Row r : rows) {
              hadBefore.add(r.getLong(0));
            }
            return hadBefore;
          });
      written = inserted
          .map(hadBefore -> {
            Map<Long, Boolean> perSeries = new HashMap<>();
            keyById.keySet().forEach(id -> perSeries.put(id, hadBefore.contains(id)));
            return publish(feed, initialLoad, keyById, perSeries, n, 0, n);
          })
          .recover(e -> {
            if (e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                || e instanceof java.sql.SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
              // Some rows are stored already: compare them, for this batch and the rest of the poll.
              if (initialLoad.tryInsertOnly()) {
                LOG.info("Feed {}: a batch of its first poll met stored rows; comparing from now on", feed);
              }
              initialLoad.insertOnlyFailed();
              return upsert(feed, initialLoad, keyById, params, n);
            }
            return Future.failedFuture(e);
          });
    } else {
      written = upsert(feed, initialLoad, keyById, params, n);
    }
    return written;
  }

  /**
   * Compares and writes in one transaction; rows a concurrent writer inserted after the first statement
   * began (see {@link #UPSERT_OBSERVATIONS}) are written by a second statement that sees them. That one
   * cannot meet such rows again (observations are never deleted), so a third is an error, not a retry.
   */
  private Future<BatchResult> upsert(String feed, InitialLoad initialLoad, Map<Long, SeriesKey> keyById,
                                     Tuple params, int n) {
    return (copy != null && !fences.containsKey(feed) ? copy.upsert(feed, params)
        : pool.withTransaction(conn -> fenced(feed, conn).compose(v -> RacedUpsert.run(conn, feed, params))))
        .map(u -> publish(feed, initialLoad, keyById, u.changed(), u.inserted(), u.updated(), n));
  }

  /** Publishes the changed series (with whether each had observations before the batch). */
  private BatchResult publish(String feed, InitialLoad initialLoad, Map<Long, SeriesKey> keyById,
                              Map<Long, Boolean> changed, long inserted, long updated, int n) {
    List<SeriesChanged.Item> initial = new ArrayList<>();
    List<SeriesChanged.Item> later = new ArrayList<>();
    for (Map.Entry<Long, Boolean> e : changed.entrySet()) {
      long id = e.getKey();
      SeriesChanged.Item item = new SeriesChanged.Item(id, keyById.get(id));
      (initialLoad.isInitial(id, e.getValue()) ? initial : later).add(item);
    }
    if (!initial.isEmpty()) {
      Events.publish(vertx, new SeriesChanged(feed, true, initial));
    }
    if (!later.isEmpty()) {
      Events.publish(vertx, new SeriesChanged(feed, false, later));
    }
    return new BatchResult(inserted, updated, n - inserted - updated, initial.size() + later.size());
  }
}
