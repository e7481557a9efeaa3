package io.fingerpost.store;

import io.fingerpost.model.SeriesKey;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;

/** What the store tests read back from the database, in plain SQL (not through the store under test). */
final class StoredObservations {
  private StoredObservations() {}

  /** The stored value of the series' row at {@code period}. */
  static double value(Pool pool, SeriesKey key, String period) throws Exception {
    return pool.preparedQuery("SELECT value FROM observation WHERE series_id = $1 AND period = $2")
        .execute(Tuple.of(seriesId(pool, key), period)).await(10, TimeUnit.SECONDS).iterator().next().getDouble(0);
  }

  /** The series' id (by indicator, area and sex: the tests' keys differ in nothing else). */
  static long seriesId(Pool pool, SeriesKey key) throws Exception {
    return pool.preparedQuery("SELECT id FROM series WHERE indicator_id = $1 AND area_code = $2 AND sex = $3")
        .execute(Tuple.of(key.indicatorId(), key.areaCode(), key.sex())).await(10, TimeUnit.SECONDS).iterator().next()
        .getLong(0);
  }

  /** Every observation row's version (xmin) and last_seen: changes when any row is touched. */
  static String fingerprint(Pool pool) throws Exception {
    return pool.query("SELECT string_agg(xmin::text || last_seen::text, ',' ORDER BY series_id, period) "
        + "FROM observation").execute().await(10, TimeUnit.SECONDS).iterator().next().getString(0);
  }
}
