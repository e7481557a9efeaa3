package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upsert of observations inside a transaction, with the rows a concurrent writer inserted after the
 * statement's snapshot written by a second statement that sees them ({@link ObservationSql#UPSERT_OBSERVATIONS}
 * explains why that is at most one more): every accepted value reaches the revision history.
 */
final class RacedUpsert {
  private static final Logger LOG = LoggerFactory.getLogger(ObservationStore.class);

  private RacedUpsert() {}

  static Future<Upserted> run(SqlConnection conn, String feed, Tuple params) {
    return upsertOnce(conn, params).compose(first -> {
      if (first.raced().isEmpty()) {
        return Future.succeededFuture(first);
      }
      LOG.debug("Feed {}: {} rows were inserted by a concurrent writer meanwhile; writing them again", feed,
          first.raced().size());
      return upsertOnce(conn, only(params, first.raced())).compose(second -> second.raced().isEmpty()
          ? Future.succeededFuture(first.then(second))
          : Future.failedFuture(new IllegalStateException("rows changed under lock: " + second.raced())));
    });
  }

  /** What one upsert statement did; {@code raced}: input rows (0-based) it left for a second statement. */
  record Upserted(long inserted, long updated, Map<Long, Boolean> changed, List<Integer> raced) {
    /** This statement's counts with a later one's; whether a series had history is this one's answer. */
    Upserted then(Upserted later) {
      Map<Long, Boolean> all = new HashMap<>(later.changed());
      all.putAll(changed);
      return new Upserted(inserted + later.inserted(), updated + later.updated(), all, later.raced());
    }
  }

  private static Future<Upserted> upsertOnce(SqlConnection conn, Tuple params) {
    return conn.preparedQuery(ObservationSql.UPSERT_OBSERVATIONS).execute(params).map(rows -> {
      long inserted = 0;
      long updated = 0;
      Map<Long, Boolean> changed = new HashMap<>();
      List<Integer> raced = new ArrayList<>();
      for (Row r : rows) {
        inserted += r.getLong("inserted");
        updated += r.getLong("updated");
        changed.put(r.getLong("series_id"), r.getBoolean("had_before"));
        Long[] left = r.getArrayOfLongs("raced");
        if (left != null) {
          for (Long ordinal : left) {
            raced.add((int) (ordinal - 1));
          }
        }
      }
      return new Upserted(inserted, updated, changed, raced);
    });
  }

  /** The parameters with only the given rows in the row arrays ($1…$12, $16); the others as they are. */
  private static Tuple only(Tuple params, List<Integer> rows) {
    Tuple subset = Tuple.tuple();
    for (int p = 0; p < params.size(); p++) {
      Object all = params.getValue(p);
      if (p >= 12 && p != 15) {
        subset.addValue(all);
        continue;
      }
      Object some = Array.newInstance(all.getClass().getComponentType(), rows.size());
      for (int k = 0; k < rows.size(); k++) {
        Array.set(some, k, Array.get(all, rows.get(k)));
      }
      subset.addValue(some);
    }
    return subset;
  }
}
