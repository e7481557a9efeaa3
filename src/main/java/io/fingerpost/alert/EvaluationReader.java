package io.fingerpost.alert;

import io.fingerpost.strategy.EvaluationMapping;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetContext;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(SQL).execute(Tuple.of(ids.toArray(new Long[0]))).map(rows -> {
      List<EvaluationRecord> out = new ArrayList<>();
      rows.forEach(r -> out.add(record(r)));
      return out;
    });
  }

  static EvaluationRecord record(Row r) {
    StoredEvaluation e = EvaluationMapping.stored(r);
    return new EvaluationRecord(e.id(), e.evaluatedAt(), e.initialLoad(), e.evaluation(), TargetContext.of(r));
  }
}
