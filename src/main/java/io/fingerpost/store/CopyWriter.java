package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
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
 * thread at most). The rows arrive as the statement parameters {@link ObservationStore} builds (the same arrays
 * the unnest path sends), are streamed as COPY text, and are written in ONE transaction:
 *
 * <ul>
 *   <li>{@link #insertOnly}: a first poll's batch is copied straight into {@code observation} (no compare, as
 *       {@code INSERT_OBSERVATIONS}); a stored row fails it on the primary key and nothing is written;
 *   <li>{@link #upsert}: the rows are copied into a session's temporary staging table and merged set-wise by
 *       the very statement of the unnest path ({@link ObservationStore#UPSERT_OBSERVATIONS} reading the staging
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

  /** The columns of a row as the statement's arrays hold them ($1…$12, then $16), and the ordinal n. */
  private static final int[] ROW_PARAMS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15};

  private static final String STAGE = """
      CREATE TEMPORARY TABLE IF NOT EXISTS observation_stage (series_id bigint, period text, period_start float8,
        period_end float8, value float8, lower_ci95 float8, upper_ci95 float8, lower_ci998 float8,
        upper_ci998 float8, count float8, denominator float8, value_note text, ci_computed bool, n bigint)
      ON COMMIT DELETE ROWS""";

  private static final String COPY_STAGE = "COPY observation_stage FROM STDIN";

  private static final String COPY_OBSERVATION = """
      COPY observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998,
        upper_ci998, count, denominator, value_note, ci_computed, source) FROM STDIN""";

  /** The series of $14 with observations from before $15 (null: any), as INSERT_OBSERVATIONS's probe. */
  private static final Positional PROBE = Positional.of("""
      SELECT p.id FROM unnest($14::bigint[]) AS p(id)
      WHERE EXISTS (SELECT 1 FROM observation o WHERE o.series_id = p.id
                    AND ($15::timestamptz IS NULL OR o.first_seen < $15::timestamptz))""");

  /** The unnest path's statement with its input read from the staging table. */
  private static final Positional STAGED_UPSERT = Positional.of(staged(ObservationStore.UPSERT_OBSERVATIONS));

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
  Future<Set<Long>> insertOnly(Tuple params) {
    return run(c -> {
      Set<Long> hadBefore = probe(c, params);
      String feed = params.getString(12);
      copy(c, COPY_OBSERVATION, params, feed);
      return hadBefore;
    });
  }

  /** Stages the rows and merges them in one transaction (see the class comment). */
  Future<RacedUpsert.Upserted> upsert(String feed, Tuple params) {
    return run(c -> {
      copy(c, COPY_STAGE, params, null);
      RacedUpsert.Upserted first = merge(c, params);
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
    });
  }

  private interface Work<T> {
    T apply(Connection c) throws Exception;
  }

  /** Runs {@code work} in one transaction on a worker with a connection of this writer's. */
  private <T> Future<T> run(Work<T> work) {
    return workers.executeBlocking(() -> {
      Connection c = take();
      boolean healthy = true;
      try {
        T result = work.apply(c);
        c.commit();
        return result;
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

  /**
   * Streams the rows of {@code params} as COPY text: the 13 row columns, then the ordinal (staging) or the
   * feed as source ({@code source} not null).
   */
  private static void copy(Connection c, String sql, Tuple params, String source)
      throws SQLException, java.io.IOException {
    Object[][] columns = new Object[ROW_PARAMS.length][];
    for (int k = 0; k < ROW_PARAMS.length; k++) {
      columns[k] = (Object[]) params.getValue(ROW_PARAMS[k]);
    }
    int n = columns[0].length;
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    org.postgresql.copy.CopyIn in = copy.copyIn(sql);
    try {
      StringBuilder sb = new StringBuilder(1 << 17);
      for (int row = 0; row < n; row++) {
        for (Object[] column : columns) {
          append(sb, column[row]);
          sb.append('\t');
        }
        if (source != null) {
          escape(sb, source);
        } else {
          sb.append(row + 1);
        }
        sb.append('\n');
        if (sb.length() > 1 << 16) {
          byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
          in.writeToCopy(bytes, 0, bytes.length);
          sb.setLength(0);
        }
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(bytes, 0, bytes.length);
      in.endCopy();
    } finally {
      if (in.isActive()) {
        try {
          in.cancelCopy();
        } catch (SQLException cancel) {
          // the server's own error (e.g. 23505 from a row met mid-stream) is the one thrown, not this
          LOG.debug("cancelling a failed COPY: {}", cancel.getMessage());
        }
      }
    }
  }

  /**
   * One value in COPY's text format: {@code \N} for null; doubles in Java's shortest round-trip form (PostgreSQL
   * reads it back to the same float8, so an unchanged re-read compares equal).
   */
  private static void append(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("\\N");
    } else if (v instanceof Boolean b) {
      sb.append(b ? 't' : 'f');
    } else if (v instanceof String s) {
      escape(sb, s);
    } else {
      sb.append(v);
    }
  }

  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(ch);
      }
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
