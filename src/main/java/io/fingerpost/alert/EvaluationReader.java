package io.fingerpost.alert;

import io.fingerpost.strategy.EvaluationMapping;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetContext;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Reads evaluation rows (docs/internals.md, table {@code evaluation}) with their target's context. */
public final class EvaluationReader {
  private static final String SQL = """
      SELECT e.*, %s
      FROM evaluation e
      JOIN target t ON t.id = e.target_id
      LEFT JOIN indicator i ON i.id = t.indicator_id
      LEFT JOIN area a ON a.code = t.area_code
      WHERE e.id = ANY($1)
      ORDER BY e.id
      """.formatted(TargetContext.COLUMNS);

  private final Pool pool;

  public EvaluationReader(Pool pool) {
    this.pool = pool;
  }

  /** The evaluations with these ids, oldest first (ids that do not exist are skipped). */
  public Future<List<EvaluationRecord>> read(List<Long> ids) {
    return rows(ids).map(EvaluationReader::records);
  }

  /**
   * The rows of {@link #read} before mapping: a start-up round reads hundreds, whose JSON a caller maps with
   * {@link #records} off the event loop.
   */
  public Future<RowSet<Row>> rows(List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery(SQL).execute(Tuple.of(ids.toArray(new Long[0])));
  }

  /** The records of {@link #rows} (null: none). */
  public static List<EvaluationRecord> records(RowSet<Row> rows) {
    List<EvaluationRecord> out = new ArrayList<>();
    if (rows != null) {
      rows.forEach(r -> out.add(record(r)));
    }
    return out;
  }

  static EvaluationRecord record(Row r) {
    StoredEvaluation e = EvaluationMapping.stored(r);
    return new EvaluationRecord(e.id(), e.evaluatedAt(), e.initialLoad(), e.evaluation(), TargetContext.of(r));
  }
}
