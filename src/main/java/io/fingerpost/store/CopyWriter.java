package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A feed batch through PostgreSQL's COPY protocol (issue 14): vertx-pg-client has no COPY, the JDBC driver's
 * {@link CopyManager} has, so this runs on its own worker threads with its own JDBC connections (one per
 * thread at most). The rows arrive as the batch's observations with their series ids ({@link CopyRows}), are
 * streamed in COPY's binary format (no number formatted or parsed on either side), and are written in ONE
 * transaction:
 *
 * <ul>
 *   <li>{@link #insertOnly}: a first poll's batch is copied straight into {@code observation} (no compare, as
 *       {@code INSERT_OBSERVATIONS}); a stored row fails it on the primary key and nothing is written;
 *   <li>{@link #upsert}: the rows are copied into a session's temporary staging table and merged set-wise by
 *       the very statement of the unnest path ({@link ObservationSql#UPSERT_OBSERVATIONS} reading the staging
 *       table instead of the arrays), so every guarantee holds alike: only real changes written, the replaced
 *       value kept under its row lock, rows a concurrent writer inserted meanwhile written by a second pass
 *       over just those rows (the others are deleted from the staging table first).
 * </ul>
 *
 * A connection that failed with a connection failure ({@link DatabaseOutage#isConnectionFailure}) is closed
 * and a new one opened for the next batch, so a restarted server is picked up like the pool does.
 */
final class CopyWriter {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CopyWriter.class);

  private static final String STAGE = """
      CREATE TEMPORARY TABLE IF NOT EXISTS observation_stage (series_id bigint, period text, period_start float8,
        period_end float8, value float8, lower_ci95 float8, upper_ci95 float8, lower_ci998 float8,
        upper_ci998 float8, count float8, denominator float8, value_note text, ci_computed bool, n bigint)
      ON COMMIT DELETE ROWS""";

  private static final String COPY_STAGE = "COPY observation_stage FROM STDIN (FORMAT binary)";

  private static final String COPY_OBSERVATION = """
      COPY observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998,
        upper_ci998, count, denominator, value_note, ci_computed, source) FROM STDIN (FORMAT binary)""";

  /** The series of $14 with observations from before $15 (null: any), as INSERT_OBSERVATIONS's probe. */
  private static final Positional PROBE = Positional.of("""
      SELECT p.id FROM unnest($14::bigint[]) AS p(id)
      WHERE EXISTS (SELECT 1 FROM observation o WHERE o.series_id = p.id
                    AND ($15::timestamptz IS NULL OR o.first_seen < $15::timestamptz))""");

  /** The unnest path's statement with its input read from the staging table. */
  private static final Positional STAGED_UPSERT = Positional.of(staged(ObservationSql.UPSERT_OBSERVATIONS));

  private static final String KEEP_ONLY = "DELETE FROM observation_stage WHERE NOT (n = ANY (?))";

  private final String url;
  private final Properties credentials = new Properties();
  private final WorkerExecutor workers;
  private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  CopyWriter(Vertx vertx, String jdbcUrl, String user, String password, int connections) {
    this.url = jdbcUrl;
    credentials.setProperty("user", user);
    if (password != null) {
      credentials.setProperty("password", password);
    }
    credentials.setProperty("ApplicationName", "fingerpost-copy");
    this.workers = vertx.createSharedWorkerExecutor("fingerpost-copy-" + System.identityHashCode(this),
        connections);
  }

  /** The input CTE of the unnest statement replaced by a read of the staging table (same columns, same order). */
  static String staged(String upsert) {
    int from = upsert.indexOf("WITH input AS (");
    int to = upsert.indexOf("), candidates AS MATERIALIZED (");
    if (from < 0 || to < 0) {
      throw new IllegalStateException("the upsert statement has no input CTE to replace");
    }
    return upsert.substring(0, from) + """
        WITH input AS (
          SELECT series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998,
                 upper_ci998, count, denominator, value_note, ci_computed, n FROM observation_stage
        """ + upsert.substring(to);
  }

  /**
   * Copies the rows straight into {@code observation}; returns the series of $14 that had observations before
   * ($15). Fails with the driver's unique_violation (23505) when a row is stored already (nothing written).
   */
  Future<Set<Long>> insertOnly(java.util.function.Supplier<Tuple> header, CopyRows rows, int[] order) {
    return run(c -> insertRows(c, header.get(), rows, order));
  }

  /** {@link #insertOnly}'s work on a connection in a transaction the caller ends. */
  static Set<Long> insertRows(Connection c, Tuple params, CopyRows rows, int[] order) throws SQLException {
    long t = System.nanoTime();
    Set<Long> hadBefore = params.getValue(13) instanceof Long[] ids && ids.length == 0 ? new HashSet<>()
        : probe(c, params);
    LoadProfile.add(LoadProfile.Step.PROBE, t);
    copy(c, COPY_OBSERVATION, rows, order, params.getString(12));
    return hadBefore;
  }

  /** Stages rows {@code order} of {@code rows} (null: all) and merges them in one transaction (see the class comment). */
  Future<RacedUpsert.Upserted> upsert(String feed, java.util.function.Supplier<Tuple> header, CopyRows rows,
                                      int[] order) {
    return run(c -> upsertRows(c, feed, header.get(), rows, order));
  }

  /** {@link #upsert}'s work on a connection in a transaction the caller ends. */
  static RacedUpsert.Upserted upsertRows(Connection c, String feed, Tuple params, CopyRows rows, int[] order)
      throws SQLException {
    copy(c, COPY_STAGE, rows, order, null);
    long t = System.nanoTime();
    RacedUpsert.Upserted first = merge(c, params);
    LoadProfile.add(LoadProfile.Step.MERGE, t);
    if (first.raced().isEmpty()) {
      return first;
    }
    LOG.debug("Feed {}: {} rows were inserted by a concurrent writer meanwhile; writing them again", feed,
        first.raced().size());
    try (PreparedStatement keep = c.prepareStatement(KEEP_ONLY)) {
      keep.setArray(1, c.createArrayOf("bigint", first.raced().stream().map(k -> (long) k + 1).toArray()));
      keep.executeUpdate();
    }
    RacedUpsert.Upserted second = merge(c, params);
    if (!second.raced().isEmpty()) {
      throw new IllegalStateException("rows changed under lock: " + second.raced());
    }
    return first.then(second);
  }

  /**
   * The rows a feed wrote (its name as their source), at most {@code cap}, by one binary COPY OUT: a sequential
   * read, where comparing row by row in the database costs an index probe a row.
   */
  Future<StoredRows> storedRows(String feed, int cap, int expected) {
    return run(c -> {
      long t = System.nanoTime();
      StoredRows rows = new StoredRows(Math.min(cap, Math.max(expected, 16)));
      String sql = "COPY (SELECT " + StoredRows.COLUMNS + " FROM observation WHERE source = "
          + literal(feed) + " LIMIT " + cap + ") TO STDOUT (FORMAT binary)";
      try (org.postgresql.copy.PGCopyInputStream in = new org.postgresql.copy.PGCopyInputStream(
          c.unwrap(PGConnection.class), sql)) {
        rows.read(in);
      }
      LoadProfile.add(LoadProfile.Step.PREFETCH, t);
      return rows;
    });
  }

  /** A SQL string literal (standard_conforming_strings is on, PostgreSQL's default since 9.1). */
  static String literal(String s) {
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in a feed name");
    }
    return "'" + s.replace("'", "''") + "'";
  }

  interface Work<T> {
    T apply(Connection c) throws Exception;
  }

  /** Runs {@code work} in one transaction on a worker with a connection of this writer's. */
  private <T> Future<T> run(Work<T> work) {
    return run(work, r -> r);
  }

  /**
   * Runs {@code work} in one transaction on a worker with a connection of this writer's, then, on the same
   * worker once the commit succeeded, {@code committed} on its result.
   */
  <T, R> Future<R> run(Work<T> work, java.util.function.Function<T, R> committed) {
    long queued = System.nanoTime();
    return workers.executeBlocking(() -> {
      LoadProfile.add(LoadProfile.Step.COPY_QUEUE, queued);
      Connection c = take();
      boolean healthy = true;
      try {
        T result = work.apply(c);
        long t = System.nanoTime();
        c.commit();
        LoadProfile.add(LoadProfile.Step.COMMIT, t);
        return committed.apply(result);
      } catch (Exception e) {
        healthy = !DatabaseOutage.isConnectionFailure(e);
        if (healthy) {
          try {
            c.rollback();
          } catch (SQLException rollback) {
            healthy = false;
          }
        }
        throw e;
      } finally {
        if (healthy && !closed) {
          idle.add(c);
        } else {
          closeQuietly(c);
        }
      }
    }, false);
  }

  private Connection take() throws SQLException {
    Connection c = idle.poll();
    if (c != null) {
      return c;
    }
    c = DriverManager.getConnection(url, credentials);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(STAGE);
      s.execute(SeriesCopy.STAGE);
      c.commit();
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  private static Set<Long> probe(Connection c, Tuple params) throws SQLException {
    Set<Long> had = new HashSet<>();
    try (PreparedStatement s = PROBE.prepare(c, params)) {
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          had.add(rs.getLong(1));
        }
      }
    }
    return had;
  }

  private static RacedUpsert.Upserted merge(Connection c, Tuple params) throws SQLException {
    long inserted = 0;
    long updated = 0;
    Map<Long, Boolean> changed = new HashMap<>();
    List<Integer> raced = new ArrayList<>();
    try (PreparedStatement s = STAGED_UPSERT.prepare(c, params); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        inserted += rs.getLong("inserted");
        updated += rs.getLong("updated");
        changed.put(rs.getLong("series_id"), rs.getBoolean("had_before"));
        java.sql.Array left = rs.getArray("raced");
        if (left != null) {
          for (Object ordinal : (Object[]) left.getArray()) {
            raced.add((int) (((Number) ordinal).longValue() - 1));
          }
        }
      }
    }
    return new RacedUpsert.Upserted(inserted, updated, changed, raced);
  }

  /** Streams rows {@code order} of {@code rows} (null: all) in binary COPY format; see {@link CopyRows}. */
  private static void copy(Connection c, String sql, CopyRows rows, int[] order, String source)
      throws SQLException {
    long t = System.nanoTime();
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    org.postgresql.copy.CopyIn in = copy.copyIn(sql);
    try {
      rows.write(in, order, source);
    } finally {
      if (in.isActive()) {
        try {
          in.cancelCopy();
        } catch (SQLException cancel) {
          // the server's own error (e.g. 23505 from a row met mid-stream) is the one thrown, not this
          LOG.debug("cancelling a failed COPY: {}", cancel.getMessage());
        }
      }
      LoadProfile.add(LoadProfile.Step.COPY, t);
    }
  }

  /** Closes the idle connections; those in use close when their batch ends. */
  void close() {
    closed = true;
    for (Connection c; (c = idle.poll()) != null; ) {
      closeQuietly(c);
    }
    workers.close();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // already gone
    }
  }

  /**
   * A statement written with the unnest path's numbered parameters ($13 feed, $14 probe ids, $15 history
   * boundary) as JDBC's positional ones, bound from the same {@link Tuple}.
   */
  private record Positional(String sql, int[] order) {
    private static final Pattern PARAM = Pattern.compile("\\$(\\d+)");

    static Positional of(String numbered) {
      // without the comments, which mention parameters too (the statements have no "--" in a literal)
      Matcher m = PARAM.matcher(numbered.replaceAll("--[^\n]*", ""));
      StringBuilder sb = new StringBuilder();
      List<Integer> order = new ArrayList<>();
      while (m.find()) {
        order.add(Integer.parseInt(m.group(1)) - 1);
        m.appendReplacement(sb, "?");
      }
      m.appendTail(sb);
      return new Positional(sb.toString(), order.stream().mapToInt(Integer::intValue).toArray());
    }

    PreparedStatement prepare(Connection c, Tuple params) throws SQLException {
      PreparedStatement s = c.prepareStatement(sql);
      for (int k = 0; k < order.length; k++) {
        Object v = params.getValue(order[k]);
        if (v instanceof Long[] ids) {
          s.setArray(k + 1, c.createArrayOf("bigint", ids));
        } else if (v instanceof OffsetDateTime t) {
          s.setObject(k + 1, t);
        } else if (v == null) {
          s.setNull(k + 1, java.sql.Types.OTHER);
        } else {
          s.setObject(k + 1, v);
        }
      }
      return s;
    }
  }
}
