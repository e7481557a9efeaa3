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

  /** Reads of fewer rows compare in the database (tests lower it). */
  private volatile long compareMinRows = StoredRows.COMPARE_MIN_ROWS;

  void compareInMemoryFrom(long rows) {
    compareMinRows = rows;
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
    return write(feed, batch, initialLoad, (StoredRows) null);
  }

  /**
   * {@link #write(String, Batch, InitialLoad)} comparing first with the feed's rows held in memory
   * ({@code stored}, from {@link #storedRows}; null: none): the unchanged rows cost no statement, the others go
   * through the merge as always.
   */
  public Future<BatchResult> write(String feed, Batch batch, InitialLoad initialLoad, StoredRows stored) {
    return write(feed, batch, initialLoad, Future.succeededFuture(stored));
  }

  /**
   * {@link #write(String, Batch, InitialLoad, StoredRows)} with the stored rows still being read: the batch's
   * catalog and intervals go ahead, only its compare waits for them (a failed read: compared in the database).
   */
  public Future<BatchResult> write(String feed, Batch batch, InitialLoad initialLoad, Future<StoredRows> storedRows) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(BatchResult.EMPTY);
    }
    long started = System.nanoTime();
    // rows still being read, or read, are compared in memory; none (or a failed read): the whole batch to COPY
    boolean inMemory = !storedRows.isComplete() || (storedRows.succeeded() && storedRows.result() != null);
    if (!inMemory && copy != null && !batch.pushed() && !fences.containsKey(feed)) {
      return copyBatch(feed, batch, initialLoad).onSuccess(r -> recordBatch(feed, started, r));
    }
    return vertx.executeBlocking(() -> catalog.knownIds(batch), false)
        .compose(known -> {
          if (known != null) {
            return Future.succeededFuture(known);
          }
          long t = System.nanoTime();
          return catalog.prepare(pool, batch, initialLoad, null)
              .onComplete(ar -> LoadProfile.add(LoadProfile.Step.CATALOG_SQL, t));
        })
        .compose(ids -> {
          LoadProfile.add(LoadProfile.Step.CATALOG, started);
          long t = System.nanoTime();
          return ComputedIntervals.complete(pool, batch.observations()).compose(completed -> {
            LoadProfile.add(LoadProfile.Step.INTERVALS, t);
            return storedRows.otherwise((StoredRows) null).map(stored -> Map.entry(completed, java.util.Optional
                .ofNullable(stored)));
          }).compose(e -> {
            ComputedIntervals.Completed completed = e.getKey();
            StoredRows stored = e.getValue().orElse(null);
            if (stored == null) {
              return writeObservations(feed, completed, ids, initialLoad, null);
            }
            return vertx.executeBlocking(() -> {
              long c = System.nanoTime();
              int[] differing = stored.differing(completed.observations(), completed.computed(), ids);
              LoadProfile.add(LoadProfile.Step.COMPARE, c);
              return differing;
            }, false).compose(differing -> differing.length == 0
                ? Future.succeededFuture(new BatchResult(0, 0, ids.length, 0))
                : writeObservations(feed, completed, ids, initialLoad, differing));
          });
        })
        .onSuccess(r -> recordBatch(feed, started, r));
  }

  /**
   * A feed batch that is not compared in memory, whole on a COPY worker ({@link CopyBatch}): only its new
   * indicators and areas are sent from here first. A first poll's batch that meets a stored row (unique_violation,
   * nothing written) is written again through the merge, as is the rest of the poll.
   */
  private Future<BatchResult> copyBatch(String feed, Batch batch, InitialLoad initialLoad) {
    long t = System.nanoTime();
    return catalog.upsertMetadata(pool, batch).compose(v -> {
      LoadProfile.add(LoadProfile.Step.CATALOG, t);
      return CopyBatch.write(copy, catalog, feed, batch.observations(), initialLoad);
    }).map(changes -> {
      emit(changes);
      return changes.result();
    });
  }

  static boolean uniqueViolation(Throwable e) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
        || e instanceof java.sql.SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState());
  }

  /**
   * The feed's stored rows in memory for a full read of about {@code expectedRows} rows (negative: as many as
   * its last read), or null when comparing in the database is cheaper: COPY off, a small read, a feed that is a
   * small part of the table (the read scans all of it), or more rows than {@code fingerpost.load.compareRows}
   * (default 2,000,000; about 110 bytes a row). Changes other writers make to the feed's series meanwhile are
   * followed through the {@code SeriesChanged} events until {@link StoredRows#close}.
   */
  public Future<StoredRows> storedRows(String feed, InitialLoad initialLoad, long expectedRows) {
    // a first poll inserts without comparing (until it meets a stored row)
    return copy == null || initialLoad.tryInsertOnly() ? Future.succeededFuture(null) : StoredRows.open(vertx, pool, copy, feed, expectedRows, compareMinRows);
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

  /** Writes rows {@code subset} of the batch (null: all); the others were compared unchanged in memory. */
  private Future<BatchResult> writeObservations(String feed, ComputedIntervals.Completed completed, Long[] ids,
                                               InitialLoad initialLoad, int[] subset) {
    List<Observation> obs = completed.observations();
    int n = obs.size();
    int[] rows = subset;
    if (rows == null) {
      rows = new int[n];
      for (int k = 0; k < n; k++) {
        rows[k] = k;
      }
    }
    int sent = rows.length;
    Map<Long, SeriesKey> keyById = new HashMap<>();
    // COPY unless the feed is fenced (a cluster member's poll): the fence is checked in the write's transaction
    boolean copying = copy != null && !fences.containsKey(feed);
    int[] chosen = rows;
    // the COPY path's per-row work runs on its worker, not on this event loop
    Tuple eager = copying ? null : params(feed, obs, completed.computed(), ids, rows, initialLoad, keyById);
    java.util.function.Supplier<Tuple> params = copying
        ? () -> header(feed, obs, ids, chosen, initialLoad, keyById) : () -> eager;
    CopyRows copyRows = copying ? new CopyRows(obs, completed.computed(), ids) : null;
    int[] order = subset;
    Future<BatchResult> written;
    if (initialLoad.tryInsertOnly()) {
      Future<Set<Long>> inserted = copying ? copy.insertOnly(params, copyRows, order)
          : (fences.containsKey(feed)
              ? pool.withTransaction(conn -> fenced(feed, conn)
                  .compose(v -> conn.preparedQuery(ObservationSql.INSERT_OBSERVATIONS).execute(params.get())))
              : pool.preparedQuery(ObservationSql.INSERT_OBSERVATIONS).execute(params.get())).map(result -> {
            Set<Long> hadBefore = new HashSet<>();
            for (Row r : result) {
              hadBefore.add(r.getLong(0));
            }
            return hadBefore;
          });
      written = inserted
          .map(hadBefore -> {
            Map<Long, Boolean> perSeries = new HashMap<>();
            keyById.keySet().forEach(id -> perSeries.put(id, hadBefore.contains(id)));
            return publish(feed, initialLoad, keyById, perSeries, sent, 0, n);
          })
          .recover(e -> {
            if (uniqueViolation(e)) {
              // Some rows are stored already: compare them, for this batch and the rest of the poll.
              if (initialLoad.tryInsertOnly()) {
                LOG.info("Feed {}: a batch of its first poll met stored rows; comparing from now on", feed);
              }
              initialLoad.insertOnlyFailed();
              return upsert(feed, initialLoad, keyById, params, copyRows, order, n);
            }
            return Future.failedFuture(e);
          });
    } else {
      written = upsert(feed, initialLoad, keyById, params, copyRows, order, n);
    }
    return written;
  }

  /**
   * What the COPY path binds besides the rows ($13 feed, $14 probe, $15 history; the row arrays stay empty: the
   * rows travel by COPY), and the series of rows {@code rows} into {@code keyById}.
   */
  static Tuple header(String feed, List<Observation> obs, Long[] ids, int[] rows, InitialLoad initialLoad,
                              Map<Long, SeriesKey> keyById) {
    List<Long> probe = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (int k : rows) {
      keyById.putIfAbsent(ids[k], obs.get(k).key());
      if (seen.add(ids[k]) && initialLoad.needsHistoryCheck(ids[k])) {
        probe.add(ids[k]);
      }
    }
    Tuple t = Tuple.tuple();
    for (int k = 0; k < 12; k++) {
      t.addValue(null);
    }
    return t.addValue(feed).addValue(probe.toArray(new Long[0])).addValue(initialLoad.historyBefore()).addValue(null);
  }

  /**
   * Compares and writes in one transaction; rows a concurrent writer inserted after the first statement
   * began (see {@link ObservationSql#UPSERT_OBSERVATIONS}) are written by a second statement that sees them. That
   * one cannot meet such rows again (observations are never deleted), so a third is an error, not a retry.
   */
  private Future<BatchResult> upsert(String feed, InitialLoad initialLoad, Map<Long, SeriesKey> keyById,
                                     java.util.function.Supplier<Tuple> params, CopyRows copyRows, int[] order,
                                     int n) {
    return (copyRows != null ? copy.upsert(feed, params, copyRows, order)
        : pool.withTransaction(conn -> fenced(feed, conn).compose(v -> RacedUpsert.run(conn, feed, params.get()))))
        .map(u -> publish(feed, initialLoad, keyById, u.changed(), u.inserted(), u.updated(), n));
  }

  /** Publishes the changed series (with whether each had observations before the batch). */
  private BatchResult publish(String feed, InitialLoad initialLoad, Map<Long, SeriesKey> keyById,
                              Map<Long, Boolean> changed, long inserted, long updated, int n) {
    CopyBatch.Changes changes = CopyBatch.changes(feed, initialLoad, keyById, changed, inserted, updated, n);
    emit(changes);
    return changes.result();
  }

  private void emit(CopyBatch.Changes changes) {
    if (changes.initial() != null) {
      Events.publish(vertx, changes.initial());
    }
    if (changes.later() != null) {
      Events.publish(vertx, changes.later());
    }
  }
}
