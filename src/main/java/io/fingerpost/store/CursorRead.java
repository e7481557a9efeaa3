package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a large result a bounded number of rows at a time: a cursor in a transaction of its own, fetched
 * {@code rowsPerFetch} rows at a time, mapped as they arrive.
 *
 * <p>Why not one statement: the PostgreSQL client's decoder (vertx-pg-client 5.0, {@code PgDecoder}) keeps every
 * byte of a response in one Netty {@code CompositeByteBuf} until a network read happens to end on a message boundary;
 * every 16 reads it copies everything kept so far into one new buffer (past 1 MiB an unpooled direct allocation),
 * all on an event loop. A response of S bytes read in chunks of c bytes costs about S² / (32·c) bytes of copying:
 * the target list at national scale (16,900 targets, ~35 MB) kept three of four event loops copying for minutes and
 * every pool connection busy, so {@code /health} fell to 46 req/s and every other read waited out the pool
 * (bench-national --scale 1, issue 14; the same mechanism as netty issue 15851 and micronaut-core issue 12855).
 * A fetch ends with PortalSuspended and the server then waits, so the decoder's buffer empties after each one:
 * the copying is bounded by a fetch's size and the whole read is linear in the result.
 */
public final class CursorRead {
  /** Rows a fetch by default: a few hundred KB of wide rows (a target with its current evaluation is ~2 KB). */
  public static final int ROWS_PER_FETCH = 256;

  private CursorRead() {}

  /** Every row of {@code sql} (positional parameters {@code $1}…), mapped in order. */
  public static <T> Future<List<T>> list(Pool pool, String sql, Tuple args, int rowsPerFetch,
                                         Function<Row, T> mapper) {
    if (rowsPerFetch < 1) {
      throw new IllegalArgumentException("rowsPerFetch must be >= 1, was " + rowsPerFetch);
    }
    // a cursor (a portal kept open between fetches) lives in a transaction; every row is wanted, so the planner
    // should plan for the whole result, not for the first tenth of it (cursor_tuple_fraction's default)
    return pool.withTransaction(conn -> conn.query("SET LOCAL cursor_tuple_fraction = 1.0").execute()
        .compose(set -> conn.prepare(sql)).compose(ps -> {
      Cursor cursor = ps.cursor(args);
      return fetch(cursor, rowsPerFetch, mapper, new ArrayList<>())
          .eventually(cursor::close)
          .eventually(ps::close);
    }));
  }

  /** The next fetch, then the next after it until the cursor is done (each step completes on a reply: no deep stack). */
  private static <T> Future<List<T>> fetch(Cursor cursor, int rows, Function<Row, T> mapper, List<T> out) {
    return cursor.read(rows).compose(set -> {
      for (Row r : set) {
        out.add(mapper.apply(r));
      }
      return cursor.hasMore() ? fetch(cursor, rows, mapper, out) : Future.succeededFuture(out);
    });
  }
}
