package io.fingerpost.store;

import io.fingerpost.model.IndicatorMetadata;
import io.fingerpost.model.Polarity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code indicator_metadata} table (V40): the publisher's metadata of each indicator, written by an API
 * feed, read by the API ({@code GET /api/indicators/{id}}). One row per indicator: the latest source wins.
 */
public final class IndicatorMetadataStore {

  /** A stored row: the metadata and when it was fetched. */
  public record Stored(IndicatorMetadata metadata, Instant fetchedAt) {}

  private final Pool pool;

  public IndicatorMetadataStore(Pool pool) {
    this.pool = pool;
  }

  /** Inserts or replaces the rows of these indicators (one statement). */
  public Future<Void> upsert(List<IndicatorMetadata> all) {
    if (all.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (IndicatorMetadata m : all) {
      batch.add(Tuple.wrap(java.util.Arrays.asList(m.indicatorId(), m.source(), m.name(), m.definition(), m.unit(),
          m.valueType(), m.yearType(), m.polarity(), m.polarityCode() == null ? null : m.polarityCode().name(),
          m.benchmarkingMethod(), m.confidenceLevel(), m.ciMethod(), new JsonObject(new HashMap<>(m.overrides())))));
    }
    return pool.preparedQuery("""
        INSERT INTO indicator_metadata (indicator_id, source, name, definition, unit, value_type, year_type, polarity,
          polarity_code, benchmarking_method, confidence_level, ci_method, overrides, fetched_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
        ON CONFLICT (indicator_id) DO UPDATE SET source = excluded.source, name = excluded.name,
          definition = excluded.definition, unit = excluded.unit, value_type = excluded.value_type,
          year_type = excluded.year_type, polarity = excluded.polarity, polarity_code = excluded.polarity_code,
          benchmarking_method = excluded.benchmarking_method, confidence_level = excluded.confidence_level,
          ci_method = excluded.ci_method, overrides = excluded.overrides, fetched_at = now()""")
        .executeBatch(batch).mapEmpty();
  }

  /**
   * Writes what the metadata (with overrides) says into {@code indicator}, the table the engine reads, so a
   * changed polarity applies without new data: a given value replaces the stored one, a missing one keeps it.
   */
  public Future<Void> applyToIndicators(List<io.fingerpost.model.Indicator> all) {
    if (all.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = all.size();
    String[] id = new String[n];
    String[] name = new String[n];
    String[] unit = new String[n];
    String[] type = new String[n];
    String[] pol = new String[n];
    for (int k = 0; k < n; k++) {
      io.fingerpost.model.Indicator i = all.get(k);
      id[k] = i.id();
      name[k] = i.name();
      unit[k] = i.unit();
      type[k] = i.valueType();
      pol[k] = i.polarity() == null ? null : i.polarity().name();
    }
    return pool.preparedQuery("""
        INSERT INTO indicator (id, name, unit, value_type, polarity, name_source)
        SELECT *, CASE WHEN n IS NULL THEN NULL ELSE 'feed' END
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS g(i, n, u, t, p)
        ON CONFLICT (id) DO UPDATE SET
          name = COALESCE(excluded.name, indicator.name),
          unit = COALESCE(excluded.unit, indicator.unit),
          value_type = COALESCE(excluded.value_type, indicator.value_type),
          polarity = COALESCE(excluded.polarity, indicator.polarity),
          name_source = COALESCE(excluded.name_source, indicator.name_source)
        WHERE (indicator.name, indicator.unit, indicator.value_type, indicator.polarity)
          IS DISTINCT FROM (COALESCE(excluded.name, indicator.name), COALESCE(excluded.unit, indicator.unit),
           COALESCE(excluded.value_type, indicator.value_type), COALESCE(excluded.polarity, indicator.polarity))""")
        .execute(Tuple.of(id, name, unit, type, pol)).mapEmpty();
  }

  /** The stored metadata of one indicator (null: none). */
  public Future<Stored> find(String indicatorId) {
    return pool.preparedQuery("SELECT * FROM indicator_metadata WHERE indicator_id = $1")
        .execute(Tuple.of(indicatorId))
        .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
  }

  static Stored stored(Row r) {
    Map<String, String> overrides = new HashMap<>();
    JsonObject o = r.getJsonObject("overrides");
    if (o != null) {
      o.forEach(e -> overrides.put(e.getKey(), String.valueOf(e.getValue())));
    }
    String code = r.getString("polarity_code");
    return new Stored(new IndicatorMetadata(r.getString("indicator_id"), r.getString("source"), r.getString("name"),
        r.getString("definition"), r.getString("unit"), r.getString("value_type"), r.getString("year_type"),
        r.getString("polarity"), code == null ? null : Polarity.valueOf(code), r.getString("benchmarking_method"),
        r.getDouble("confidence_level"), r.getString("ci_method"), overrides),
        r.getOffsetDateTime("fetched_at").toInstant());
  }
}
