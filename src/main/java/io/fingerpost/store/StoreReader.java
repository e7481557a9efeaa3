package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The read side of the store, as JSON objects with the API's field names. */
public final class StoreReader {

  private final Pool pool;

  public StoreReader(Pool pool) {
    this.pool = pool;
  }

  /** Which series to list; null parts match anything. */
  public record SeriesFilter(String indicator, String area, String sex, String age, String categoryType,
                             String category) {}

  public Future<List<JsonObject>> indicators() {
    return pool.query("""
        SELECT i.id, i.name, i.unit, i.value_type, i.polarity, count(s.id) AS series
        FROM indicator i LEFT JOIN series s ON s.indicator_id = i.id
        GROUP BY i.id ORDER BY i.id""").execute().map(rows -> list(rows, StoreReader::indicator));
  }

  public Future<JsonObject> indicator(String id) {
    return pool.preparedQuery("""
        SELECT i.id, i.name, i.unit, i.value_type, i.polarity,
               (SELECT count(*) FROM series s WHERE s.indicator_id = i.id) AS series
        FROM indicator i WHERE i.id = $1""").execute(Tuple.of(id)).map(rows -> first(rows, StoreReader::indicator));
  }

  private static JsonObject indicator(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
        .put("unit", r.getString("unit")).put("valueType", r.getString("value_type"))
        .put("polarity", r.getString("polarity")).put("seriesCount", r.getLong("series"));
  }

  public Future<List<JsonObject>> areas(String type, String parent) {
    return pool.preparedQuery("""
        SELECT code, name, type, parent_code FROM area
        WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR parent_code = $2)
        ORDER BY code""").execute(Tuple.of(type, parent)).map(rows -> list(rows, StoreReader::area));
  }

  public Future<JsonObject> area(String code) {
    return pool.preparedQuery("SELECT code, name, type, parent_code FROM area WHERE code = $1")
        .execute(Tuple.of(code)).map(rows -> first(rows, StoreReader::area));
  }

  private static JsonObject area(Row r) {
    return new JsonObject().put("code", r.getString("code")).put("name", r.getString("name"))
        .put("type", r.getString("type")).put("parentCode", r.getString("parent_code"));
  }

  private static final String SERIES_SELECT = """
      SELECT s.id, s.indicator_id, i.name AS indicator_name, s.area_code, a.name AS area_name, s.sex, s.age,
             s.category_type, s.category,
             (SELECT count(*) FROM observation o WHERE o.series_id = s.id) AS observations,
             (SELECT o.period FROM observation o WHERE o.series_id = s.id
              ORDER BY o.period_start DESC, o.period_end DESC LIMIT 1) AS latest_period
      FROM series s JOIN indicator i ON i.id = s.indicator_id JOIN area a ON a.code = s.area_code
      """;

  public Future<List<JsonObject>> series(SeriesFilter f, int limit, int offset) {
    return pool.preparedQuery(SERIES_SELECT + """
        WHERE ($1::text IS NULL OR s.indicator_id = $1) AND ($2::text IS NULL OR s.area_code = $2)
          AND ($3::text IS NULL OR s.sex = $3) AND ($4::text IS NULL OR s.age = $4)
          AND ($5::text IS NULL OR s.category_type = $5) AND ($6::text IS NULL OR s.category = $6)
        ORDER BY s.indicator_id, s.area_code, s.sex, s.age, s.category_type, s.category
        LIMIT $7 OFFSET $8""")
        .execute(Tuple.tuple().addValue(f.indicator()).addValue(f.area()).addValue(f.sex()).addValue(f.age())
            .addValue(f.categoryType()).addValue(f.category()).addValue(limit).addValue(offset))
        .map(rows -> list(rows, StoreReader::series));
  }

  public Future<JsonObject> seriesById(long id) {
    return pool.preparedQuery(SERIES_SELECT + " WHERE s.id = $1").execute(Tuple.of(id))
        .map(rows -> first(rows, StoreReader::series));
  }

  private static JsonObject series(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("indicatorId", r.getString("indicator_id"))
        .put("indicatorName", r.getString("indicator_name")).put("areaCode", r.getString("area_code"))
        .put("areaName", r.getString("area_name")).put("sex", r.getString("sex")).put("age", r.getString("age"))
        .put("categoryType", r.getString("category_type")).put("category", r.getString("category"))
        .put("observations", r.getLong("observations")).put("latestPeriod", r.getString("latest_period"));
  }

  /** The current observations of a series, in period order. */
  public Future<List<JsonObject>> observations(long seriesId) {
    return pool.preparedQuery("""
        SELECT period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count,
               denominator, value_note, source, revision, first_seen, last_seen
        FROM observation WHERE series_id = $1 ORDER BY period_start, period_end, period""")
        .execute(Tuple.of(seriesId)).map(rows -> list(rows, StoreReader::observation));
  }

  /** Superseded values of a series, in period order then revision. */
  public Future<List<JsonObject>> revisions(long seriesId) {
    return pool.preparedQuery("""
        SELECT period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count,
               denominator, value_note, source, revision, first_seen, last_seen, superseded_at
        FROM observation_revision WHERE series_id = $1 ORDER BY period_start, period_end, period, revision""")
        .execute(Tuple.of(seriesId)).map(rows -> list(rows, r -> observation(r)
            .put("supersededAt", time(r.getOffsetDateTime("superseded_at")))));
  }

  private static JsonObject observation(Row r) {
    return new JsonObject().put("period", r.getString("period")).put("periodStart", r.getDouble("period_start"))
        .put("periodEnd", r.getDouble("period_end")).put("value", r.getDouble("value"))
        .put("lowerCi95", r.getDouble("lower_ci95")).put("upperCi95", r.getDouble("upper_ci95"))
        .put("lowerCi998", r.getDouble("lower_ci998")).put("upperCi998", r.getDouble("upper_ci998"))
        .put("count", r.getDouble("count")).put("denominator", r.getDouble("denominator"))
        .put("valueNote", r.getString("value_note")).put("source", r.getString("source"))
        .put("revision", r.getInteger("revision")).put("firstSeen", time(r.getOffsetDateTime("first_seen")))
        .put("lastSeen", time(r.getOffsetDateTime("last_seen")));
  }

  public Future<List<JsonObject>> feeds() {
    return pool.query("SELECT * FROM feed_status ORDER BY feed").execute().map(rows -> list(rows, StoreReader::feed));
  }

  public Future<JsonObject> feed(String name) {
    return pool.preparedQuery("SELECT * FROM feed_status WHERE feed = $1").execute(Tuple.of(name))
        .map(rows -> first(rows, StoreReader::feed));
  }

  private static JsonObject feed(Row r) {
    String error = r.getString("last_error");
    OffsetDateTime errorAt = r.getOffsetDateTime("last_error_at");
    OffsetDateTime success = r.getOffsetDateTime("last_success");
    boolean failing = r.getInteger("consecutive_failures") > 0;
    return new JsonObject().put("name", r.getString("feed")).put("type", r.getString("type"))
        .put("source", r.getString("source"))
        .put("state", failing ? "FAILING" : success != null ? "OK" : "PENDING")
        .put("firstSuccess", time(r.getOffsetDateTime("first_success")))
        .put("lastPollStarted", time(r.getOffsetDateTime("last_poll_started")))
        .put("lastPollFinished", time(r.getOffsetDateTime("last_poll_finished")))
        .put("lastSuccess", time(success)).put("lastError", error).put("lastErrorAt", time(errorAt))
        .put("consecutiveFailures", r.getInteger("consecutive_failures"))
        .put("rowsRead", r.getLong("rows_read")).put("rowsInserted", r.getLong("rows_inserted"))
        .put("rowsUpdated", r.getLong("rows_updated")).put("rowsUnchanged", r.getLong("rows_unchanged"))
        .put("rowsRejected", r.getLong("rows_rejected")).put("nextPollAt", time(r.getOffsetDateTime("next_poll_at")));
  }

  public Future<List<JsonObject>> rejections(String feed, int limit, int offset) {
    return pool.preparedQuery("""
        SELECT id, feed, source, line, reason, content, rejected_at FROM feed_rejection
        WHERE feed = $1 ORDER BY id LIMIT $2 OFFSET $3""")
        .execute(Tuple.of(feed, limit, offset))
        .map(rows -> list(rows, r -> new JsonObject().put("feed", r.getString("feed"))
            .put("source", r.getString("source")).put("line", r.getLong("line"))
            .put("reason", r.getString("reason")).put("content", r.getString("content"))
            .put("rejectedAt", time(r.getOffsetDateTime("rejected_at")))));
  }

  /** A cheap round trip, for {@code /health}. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private static List<JsonObject> list(RowSet<Row> rows, java.util.function.Function<Row, JsonObject> f) {
    List<JsonObject> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(f.apply(r)));
    return out;
  }

  private static JsonObject first(RowSet<Row> rows, java.util.function.Function<Row, JsonObject> f) {
    var it = rows.iterator();
    return it.hasNext() ? f.apply(it.next()) : null;
  }
}
