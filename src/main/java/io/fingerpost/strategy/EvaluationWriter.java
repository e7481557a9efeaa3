package io.fingerpost.strategy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what a round's targets came to: an evaluation row unless it equals the target's latest one (same
 * fingerprint), and the values and warning on the target. A target's row and its target update are always in
 * one transaction. Several targets go in one transaction ({@link #writeAll}), in the order given, so their
 * evaluation ids (and {@code evaluated_at}, the insert's {@code clock_timestamp()}) follow the round's order:
 * a report's {@code since=<evaluation id>} counts what was written after that evaluation. One commit (one
 * fsync) for a chunk instead of one a target is what makes a national first load's round cheaper.
 */
final class EvaluationWriter {

  /** One target's outcome: its evaluation ({@code null}: none, only a warning) and its warning (null: none). */
  record Write(String targetId, Evaluation row, boolean initialLoad, String warning) {}

  /** One writer per target at a time, also across cluster members and before the target's first row. */
  private static final String LOCK_ONE = "SELECT pg_advisory_xact_lock(hashtext('evaluation:' || $1))";

  /** The same locks for many targets, taken in one order (two members locking overlapping chunks do not deadlock). */
  private static final String LOCK_ALL = """
      SELECT pg_advisory_xact_lock(h) FROM (
        SELECT DISTINCT hashtext('evaluation:' || u.id) AS h FROM unnest($1::text[]) AS u(id) ORDER BY h) l
      """;

  /** Each target's latest fingerprint (null before its first row), by the (target_id, id DESC) index. */
  private static final String LATEST_ALL = """
      SELECT u.id, (SELECT e.fingerprint FROM evaluation e WHERE e.target_id = u.id ORDER BY e.id DESC LIMIT 1)
        AS fingerprint
      FROM unnest($1::text[]) AS u(id)
      """;

  private static final String SET_WARNING =
      "UPDATE target SET warning = $2 WHERE id = $1 AND warning IS DISTINCT FROM $2";

  private static final String SET_VALUES = """
      UPDATE target SET baseline_value = coalesce($2, baseline_value),
        target_value = coalesce($3, target_value), warning = $4 WHERE id = $1
      """;

  private final Pool pool;

  EvaluationWriter(Pool pool) {
    this.pool = pool;
  }

  /**
   * Writes every outcome in one transaction, in the order given; returns the new rows' ids in that order (null
   * where nothing changed or the target has only a warning). One target goes through {@link #writeOne} (a push's
   * round: the same statements as always, nothing waits for others).
   */
  Future<List<Long>> writeAll(List<Write> writes) {
    if (writes.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (writes.size() == 1) {
      return writeOne(writes.get(0)).map(Collections::singletonList);
    }
    String[] ids = writes.stream().map(Write::targetId).toArray(String[]::new);
    return pool.withTransaction(c -> c.preparedQuery(LOCK_ALL).execute(Tuple.of(ids))
        .compose(locked -> c.preparedQuery(LATEST_ALL).execute(Tuple.of(ids)))
        .compose(rs -> {
          Map<String, String> latest = new HashMap<>();
          for (Row r : rs) {
            latest.put(r.getString("id"), r.getString("fingerprint"));
          }
          return insertInOrder(c, writes, latest);
        }));
  }

  /**
   * The changed rows in one batch (one statement, its rows executed in order: ids and clock_timestamp() follow the
   * round), then the targets' updates. Before, each insert waited for the one before it: a round trip per row.
   */
  private static Future<List<Long>> insertInOrder(SqlConnection c, List<Write> writes, Map<String, String> latest) {
    List<Long> out = new ArrayList<>(Collections.nCopies(writes.size(), (Long) null));
    List<Integer> inserted = new ArrayList<>(); // positions in writes of the rows inserted, in order
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Tuple> values = new ArrayList<>();
    List<Tuple> warnings = new ArrayList<>();
    for (int i = 0; i < writes.size(); i++) {
      Write w = writes.get(i);
      if (w.row() == null || w.row().fingerprint().equals(latest.get(w.targetId()))) {
        warnings.add(Tuple.of(w.targetId(), w.warning()));
        continue;
      }
      inserted.add(i);
      rows.add(EvaluationMapping.parameters(w.row(), w.initialLoad()));
      values.add(Tuple.of(w.targetId(), w.row().trajectory().baselineValue(), w.row().trajectory().targetValue(),
          w.warning()));
    }
    Future<Void> insert = rows.isEmpty() ? Future.succeededFuture()
        : SqlTemplate.forQuery(c, EvaluationMapping.INSERT).executeBatch(rows).map(result -> {
          // a batch's result is one row set per row, in the batch's order
          RowSet<Row> each = result;
          for (int at : inserted) {
            out.set(at, each.iterator().next().getLong("id"));
            each = each.next();
          }
          return null;
        });
    return insert
        .compose(v -> values.isEmpty() ? Future.succeededFuture() : c.preparedQuery(SET_VALUES).executeBatch(values))
        .compose(v -> warnings.isEmpty() ? Future.succeededFuture()
            : c.preparedQuery(SET_WARNING).executeBatch(warnings))
        .map(v -> out);
  }

  /** One target's outcome in a transaction of its own (a chunk that failed is written one target at a time). */
  Future<Long> writeOne(Write w) {
    if (w.row() == null) {
      return pool.preparedQuery(SET_WARNING).execute(Tuple.of(w.targetId(), w.warning())).map((Long) null);
    }
    Evaluation e = w.row();
    return pool.withTransaction(c -> c.preparedQuery(LOCK_ONE).execute(Tuple.of(e.targetId()))
        .compose(locked -> c.preparedQuery("""
            SELECT fingerprint FROM evaluation WHERE target_id = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE
            """).execute(Tuple.of(e.targetId())))
        .compose(rs -> {
          String latest = rs.size() == 0 ? null : rs.iterator().next().getString("fingerprint");
          if (e.fingerprint().equals(latest)) {
            return c.preparedQuery(SET_WARNING).execute(Tuple.of(e.targetId(), w.warning())).map((Long) null);
          }
          return SqlTemplate.forQuery(c, EvaluationMapping.INSERT)
              .execute(EvaluationMapping.parameters(e, w.initialLoad()))
              .map(ins -> ins.iterator().next().getLong("id"))
              .compose(id -> c.preparedQuery(SET_VALUES).execute(Tuple.of(e.targetId(),
                  e.trajectory().baselineValue(), e.trajectory().targetValue(), w.warning())).map(id));
        }));
  }
}
