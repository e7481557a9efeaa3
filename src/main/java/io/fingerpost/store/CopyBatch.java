package io.fingerpost.store;

import io.fingerpost.event.SeriesChanged;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A feed batch written whole on one COPY worker, in one transaction (issue 14, the first load): its intervals
 * from counts, its series ids ({@link SeriesCopy}: cached, or created set-wise in the same transaction), its rows
 * by binary COPY (straight into {@code observation} for a first poll, else staged and merged), the commit, and
 * then, still on the worker, what changed per series. The event loop only sends the batch's new indicators and
 * areas before ({@link SeriesCatalog#upsertMetadata}) and publishes the events after: no per-row work on it.
 */
final class CopyBatch {
  private CopyBatch() {}

  /** What a committed batch did, and the events to publish for it (null: none of that kind). */
  record Changes(BatchResult result, SeriesChanged initial, SeriesChanged later) {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ObservationStore.class);

  /**
   * Writes {@code rows}: a first poll's batch as new rows only, and if one is stored already (unique_violation,
   * nothing written) again through the merge, as the rest of the poll then is.
   */
  static Future<Changes> write(CopyWriter copy, SeriesCatalog catalog, String feed, List<Observation> rows,
                               InitialLoad initialLoad) {
    boolean insertOnly = initialLoad.tryInsertOnly();
    return write(copy, catalog, feed, rows, initialLoad, insertOnly).recover(e -> {
      if (!insertOnly || !ObservationStore.uniqueViolation(e)) {
        return Future.failedFuture(e);
      }
      if (initialLoad.tryInsertOnly()) {
        LOG.info("Feed {}: a batch of its first poll met stored rows; comparing from now on", feed);
      }
      initialLoad.insertOnlyFailed();
      return write(copy, catalog, feed, rows, initialLoad, false);
    });
  }

  /**
   * Writes {@code rows} once: as new rows only ({@code insertOnly}; fails with unique_violation, nothing written,
   * when one is stored already) or through the merge.
   */
  static Future<Changes> write(CopyWriter copy, SeriesCatalog catalog, String feed, List<Observation> rows,
                               InitialLoad initialLoad, boolean insertOnly) {
    Map<SeriesKey, Long> created = new HashMap<>();
    if (insertOnly) {
      return copy.run(c -> {
        Prepared p = prepare(c, catalog, rows, initialLoad, created);
        BatchSeries series = BatchSeries.of(p.ids);
        Tuple params = header(feed, series.needingHistoryCheck(initialLoad), initialLoad);
        Set<Long> hadBefore = CopyWriter.insertRows(c, params, p.copyRows, null);
        return Map.entry(series, hadBefore);
      }, e -> {
        catalog.cacheCreated(created); // committed: now they may be handed out
        return inserted(feed, initialLoad, rows, e.getKey(), e.getValue());
      });
    }
    Map<Long, SeriesKey> keyById = new HashMap<>();
    return copy.run(c -> {
      Prepared p = prepare(c, catalog, rows, initialLoad, created);
      int n = rows.size();
      int[] all = new int[n];
      for (int k = 0; k < n; k++) {
        all[k] = k;
      }
      Tuple params = ObservationStore.header(feed, p.observations, p.ids, all, initialLoad, keyById);
      return CopyWriter.upsertRows(c, feed, params, p.copyRows, null);
    }, u -> {
      catalog.cacheCreated(created); // committed: now they may be handed out
      return changes(feed, initialLoad, keyById, u.changed(), u.inserted(), u.updated(), rows.size());
    });
  }

  /** A batch's rows with their intervals completed and their series ids, ready to COPY. */
  private record Prepared(List<Observation> observations, Long[] ids, CopyRows copyRows) {}

  private static Prepared prepare(java.sql.Connection c, SeriesCatalog catalog, List<Observation> rows,
                                  InitialLoad initialLoad, Map<SeriesKey, Long> created) throws java.sql.SQLException {
    long t = System.nanoTime();
    ComputedIntervals.Completed completed = ComputedIntervals.complete(c, rows);
    LoadProfile.add(LoadProfile.Step.INTERVALS, t);
    long ids0 = System.nanoTime();
    Long[] ids = SeriesCopy.resolve(c, catalog, completed.observations(), initialLoad, created);
    LoadProfile.add(LoadProfile.Step.CATALOG, ids0);
    return new Prepared(completed.observations(), ids,
        new CopyRows(completed.observations(), completed.computed(), ids));
  }

  /** {@link ObservationStore#header} for an insert-only batch whose series to probe are known. */
  private static Tuple header(String feed, Long[] probe, InitialLoad initialLoad) {
    Tuple t = Tuple.tuple();
    for (int k = 0; k < 12; k++) {
      t.addValue(null);
    }
    return t.addValue(feed).addValue(probe).addValue(initialLoad.historyBefore()).addValue(null);
  }

  /** An insert-only batch's events: every series of the batch changed; {@code hadBefore} those with history. */
  static Changes inserted(String feed, InitialLoad initialLoad, List<Observation> rows, BatchSeries series,
                          Set<Long> hadBefore) {
    List<SeriesChanged.Item> initial = new ArrayList<>();
    List<SeriesChanged.Item> later = new ArrayList<>();
    boolean anyBefore = !hadBefore.isEmpty();
    for (int i = 0; i < series.size(); i++) {
      long id = series.id(i);
      SeriesChanged.Item item = new SeriesChanged.Item(id, series.key(i, rows));
      (initialLoad.isInitial(id, anyBefore && hadBefore.contains(id)) ? initial : later).add(item);
    }
    int n = rows.size();
    return new Changes(new BatchResult(n, 0, 0, initial.size() + later.size()),
        initial.isEmpty() ? null : new SeriesChanged(feed, true, initial),
        later.isEmpty() ? null : new SeriesChanged(feed, false, later));
  }

  /** The changed series (with whether each had observations before the batch) as events, and the counts. */
  static Changes changes(String feed, InitialLoad initialLoad, Map<Long, SeriesKey> keyById,
                         Map<Long, Boolean> changed, long inserted, long updated, int n) {
    List<SeriesChanged.Item> initial = new ArrayList<>();
    List<SeriesChanged.Item> later = new ArrayList<>();
    for (Map.Entry<Long, Boolean> e : changed.entrySet()) {
      long id = e.getKey();
      SeriesChanged.Item item = new SeriesChanged.Item(id, keyById.get(id));
      (initialLoad.isInitial(id, e.getValue()) ? initial : later).add(item);
    }
    return new Changes(new BatchResult(inserted, updated, n - inserted - updated, initial.size() + later.size()),
        initial.isEmpty() ? null : new SeriesChanged(feed, true, initial),
        later.isEmpty() ? null : new SeriesChanged(feed, false, later));
  }
}
