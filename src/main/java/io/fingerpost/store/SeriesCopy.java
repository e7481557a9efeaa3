package io.fingerpost.store;

import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * A feed batch's series ids on the COPY worker, inside the batch's own transaction (issue 14): known ids come
 * from {@link SeriesCatalog}'s cache, an indicator not cached yet is read with one scan, and the missing series
 * are created set-wise: with ids reserved from the sequence in one call, their rows are COPYed (binary) straight
 * into {@code series}. When another writer holds one of the keys (created and committed meanwhile, or being
 * created: the COPY waits for that transaction) that COPY fails and is undone to a savepoint, and the keys go into
 * a temporary staging table instead, are inserted by one {@code INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING}
 * and those another writer holds are read back with one join.
 *
 * <p>The series created here commit with the batch's observations or not at all; the caller caches them only
 * after the commit ({@link SeriesCatalog#cacheCreated}), so a rolled-back series is never handed out.
 * Nothing here runs on an event loop and no per-row statement is sent.
 */
final class SeriesCopy {
  private SeriesCopy() {}

  /** Made once per COPY connection ({@link CopyWriter}); emptied at each commit. */
  static final String STAGE = """
      CREATE TEMPORARY TABLE IF NOT EXISTS series_stage (indicator_id text, area_code text, sex text, age text,
        category_type text, category text) ON COMMIT DELETE ROWS""";

  private static final String COPY_STAGE = "COPY series_stage FROM STDIN (FORMAT binary)";

  private static final String COLUMNS = "id, indicator_id, area_code, sex, age, category_type, category";

  /**
   * In the staging table's order, which is the keys' sorted order: concurrent creators of the same series take
   * the unique-index locks in the same order, as {@code SeriesCatalog}'s unnest statement does.
   */
  private static final String INSERT = "INSERT INTO series (indicator_id, area_code, sex, age, category_type,"
      + " category) SELECT * FROM series_stage ON CONFLICT DO NOTHING RETURNING " + COLUMNS;

  private static final String EXISTING = "SELECT s.id, s.indicator_id, s.area_code, s.sex, s.age, s.category_type,"
      + " s.category FROM series_stage k JOIN series s ON s.indicator_id = k.indicator_id"
      + " AND s.area_code = k.area_code AND s.sex = k.sex AND s.age = k.age"
      + " AND s.category_type = k.category_type AND s.category = k.category";

  private static final String OF_INDICATORS = "SELECT " + COLUMNS + " FROM series WHERE indicator_id = ANY (?)";

  /** Ids for new series, reserved from the table's own sequence in one call. */
  private static final String RESERVE = "SELECT nextval('series_id_seq') FROM generate_series(1, ?)";

  private static final String COPY_SERIES = "COPY series (" + COLUMNS + ") FROM STDIN (FORMAT binary)";

  private static final String UNIQUE_VIOLATION = "23505";

  /**
   * The keys' order (indicator id, area code, sex, age, category type, category), written out: a cold JVM sorted
   * 10,000 keys through the composed comparator in 30-260 ms (bench-load, issue 14).
   */
  static final Comparator<SeriesKey> ORDER = SeriesCopy::compare;

  private static int compare(SeriesKey a, SeriesKey b) {
    int c = a.indicatorId().compareTo(b.indicatorId());
    if (c == 0 && (c = a.areaCode().compareTo(b.areaCode())) == 0 && (c = a.sex().compareTo(b.sex())) == 0
        && (c = a.age().compareTo(b.age())) == 0 && (c = a.categoryType().compareTo(b.categoryType())) == 0) {
      c = a.category().compareTo(b.category());
    }
    return c;
  }

  /**
   * The series id of each row, in order. Series created by this transaction go to {@code created} (not the
   * cache) and to {@code initialLoad} (they had no history).
   */
  static Long[] resolve(Connection c, SeriesCatalog catalog, List<Observation> rows, InitialLoad initialLoad,
                        Map<SeriesKey, Long> created) throws SQLException {
    Long[] ids = new Long[rows.size()];
    Set<SeriesKey> missing = cachedIds(catalog, rows, ids);
    if (missing != null) {
      missingIds(c, catalog, rows, ids, missing, initialLoad, created);
    }
    return ids;
  }

  /**
   * The cached ids into {@code ids}; the keys not cached, or null when none. Its own method: the loop over a batch
   * is compiled (on stack, then whole) without the statements below (issue 14: the JIT compiled 5.7 KB twice).
   */
  private static Set<SeriesKey> cachedIds(SeriesCatalog catalog, List<Observation> rows, Long[] ids) {
    Set<SeriesKey> missing = null;
    SeriesKey previous = null;
    for (int k = 0; k < ids.length; k++) {
      SeriesKey key = rows.get(k).key();
      if (k > 0 && ids[k - 1] != null && key.equals(previous)) {
        ids[k] = ids[k - 1]; // a file's rows of one series usually follow each other: no lookup then
      } else if ((ids[k] = catalog.cachedId(key)) == null) {
        if (missing == null) {
          missing = new HashSet<>();
        }
        missing.add(key);
      }
      previous = key;
    }
    return missing;
  }

  /** The ids of the {@code missing} keys into {@code ids}: read, or created by this transaction. */
  private static void missingIds(Connection c, SeriesCatalog catalog, List<Observation> rows, Long[] ids,
                                 Set<SeriesKey> missing, InitialLoad initialLoad, Map<SeriesKey, Long> created)
      throws SQLException {
    long t = System.nanoTime();
    Map<SeriesKey, Long> found = new HashMap<>();
    loadIndicators(c, catalog, missing);
    List<SeriesKey> create = new ArrayList<>();
    for (SeriesKey key : missing) {
      Long id = catalog.cachedId(key);
      if (id == null) {
        create.add(key);
      } else {
        found.put(key, id);
      }
    }
    if (!create.isEmpty()) {
      create(c, create, initialLoad, created, found);
    }
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] == null) {
        SeriesKey key = rows.get(k).key();
        Long id = created.get(key);
        if ((ids[k] = id != null ? id : found.get(key)) == null) {
          throw new IllegalStateException("series was not created: " + key);
        }
      }
    }
    LoadProfile.add(LoadProfile.Step.CATALOG_SQL, t);
  }

  /** One scan per indicator not cached yet (a restarted service re-reading a feed); committed rows, cached now. */
  private static void loadIndicators(Connection c, SeriesCatalog catalog, Set<SeriesKey> missing)
      throws SQLException {
    Set<String> unloaded = new HashSet<>();
    for (SeriesKey key : missing) {
      if (!catalog.indicatorLoaded(key.indicatorId())) {
        unloaded.add(key.indicatorId());
      }
    }
    if (unloaded.isEmpty()) {
      return;
    }
    Map<SeriesKey, Long> stored = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(OF_INDICATORS)) {
      s.setArray(1, c.createArrayOf("text", unloaded.toArray()));
      read(s, stored);
    }
    catalog.cacheLoaded(stored, unloaded);
  }

  /**
   * Creates {@code keys}: with ids reserved from the sequence, the rows are COPYed straight into {@code series}
   * (no staging table, no RETURNING to decode: a quarter of a first load's catalog time, issue 14). A key another
   * writer holds fails that COPY on the unique index (after waiting for the other transaction, as an insert does);
   * it is then undone to a savepoint and the keys go through the staged {@code INSERT … ON CONFLICT DO NOTHING}.
   */
  private static void create(Connection c, List<SeriesKey> keys, InitialLoad initialLoad,
                             Map<SeriesKey, Long> created, Map<SeriesKey, Long> found) throws SQLException {
    keys.sort(ORDER);
    long[] ids = reserve(c, keys.size());
    Savepoint before = c.setSavepoint();
    try {
      copy(c, COPY_SERIES, in -> CopyRows.writeSeries(in, keys, ids));
      c.releaseSavepoint(before);
      for (int k = 0; k < ids.length; k++) {
        created.put(keys.get(k), ids[k]);
      }
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback(before);
      staged(c, keys, created, found);
    }
    created.values().forEach(initialLoad::seriesCreated);
  }

  private static long[] reserve(Connection c, int n) throws SQLException {
    long[] ids = new long[n];
    try (PreparedStatement s = c.prepareStatement(RESERVE)) {
      s.setInt(1, n);
      try (ResultSet r = s.executeQuery()) {
        for (int k = 0; k < n; k++) {
          if (!r.next()) {
            throw new IllegalStateException("the sequence gave " + k + " of " + n + " ids");
          }
          ids[k] = r.getLong(1);
        }
      }
    }
    return ids;
  }

  /** The keys through the staging table: those created go to {@code created}, those another writer holds to {@code found}. */
  private static void staged(Connection c, List<SeriesKey> keys, Map<SeriesKey, Long> created,
                             Map<SeriesKey, Long> found) throws SQLException {
    copy(c, COPY_STAGE, in -> CopyRows.writeKeys(in, keys));
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      read(s, created);
    }
    if (created.size() < keys.size()) {
      try (PreparedStatement s = c.prepareStatement(EXISTING)) {
        read(s, found);
      }
    }
  }

  interface CopyWork {
    void write(CopyIn in) throws SQLException;
  }

  /** One COPY FROM STDIN; a COPY the server failed mid-stream is cancelled, and the server's error thrown. */
  static void copy(Connection c, String sql, CopyWork work) throws SQLException {
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      work.write(in);
    } finally {
      if (in.isActive()) {
        try {
          in.cancelCopy();
        } catch (SQLException cancel) {
          // the server's own error is the one thrown
        }
      }
    }
  }

  private static void read(PreparedStatement s, Map<SeriesKey, Long> into) throws SQLException {
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        into.put(new SeriesKey(r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
            r.getString(7)), r.getLong(1));
      }
    }
  }
}
