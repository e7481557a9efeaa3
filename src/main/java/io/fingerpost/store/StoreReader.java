package io.fingerpost.store;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The read side of the store: a repository returning records. Component names are the API's JSON field
 * names, so the HTTP layer serialises them as they are (one mapping, no hand-built JSON).
 */
public final class StoreReader {

  private final Pool pool;

  public StoreReader(Pool pool) {
    this.pool = pool;
  }

  /** Which series to list; null parts match anything. */
  public record SeriesFilter(String indicator, String area, String sex, String age, String categoryType,
                             String category) {}

  public record IndicatorSummary(String id, String name, String unit, String valueType, String polarity,
                                 long seriesCount) {}

  public record AreaSummary(String code, String name, String type, String parentCode) {}

  public record SeriesSummary(long id, String indicatorId, String indicatorName, String areaCode, String areaName,
                              String sex, String age, String categoryType, String category, long observations,
                              String latestPeriod) {
    /** The whole population (no category breakdown). */
    public boolean wholePopulation() {
      return category.isEmpty() && categoryType.isEmpty();
    }
  }

  /** A stored value of one period (current, or superseded inside {@link Revision}). */
  public record ObservationValue(String period, Double periodStart, Double periodEnd, Double value, Double lowerCi95,
                                 Double upperCi95, Double lowerCi998, Double upperCi998, Double count,
                                 Double denominator, String valueNote, String source, Integer revision,
                                 Instant firstSeen, Instant lastSeen, boolean ciComputed) {
    /** A value whose interval, if any, came from its source (V12 {@code ci_computed} false). */
    public ObservationValue(String period, Double periodStart, Double periodEnd, Double value, Double lowerCi95,
                            Double upperCi95, Double lowerCi998, Double upperCi998, Double count, Double denominator,
                            String valueNote, String source, Integer revision, Instant firstSeen, Instant lastSeen) {
      this(period, periodStart, periodEnd, value, lowerCi95, upperCi95, lowerCi998, upperCi998, count, denominator,
          valueNote, source, revision, firstSeen, lastSeen, false);
    }
  }

  /** A superseded value: the observation's fields plus when it was replaced. */
  public record Revision(@JsonUnwrapped ObservationValue observation, Instant supersededAt) {}

  public record FeedSummary(String name, String type, String source, String state, Instant firstSuccess,
                            Instant lastPollStarted, Instant lastPollFinished, Instant lastSuccess, String lastError,
                            Instant lastErrorAt, int consecutiveFailures, Long rowsRead, Long rowsInserted,
                            Long rowsUpdated, Long rowsUnchanged, Long rowsRejected, Instant nextPollAt,
                            String warning) {
    public FeedSummary(String name, String type, String source, String state, Instant firstSuccess,
                       Instant lastPollStarted, Instant lastPollFinished, Instant lastSuccess, String lastError,
                       Instant lastErrorAt, int consecutiveFailures, Long rowsRead, Long rowsInserted,
                       Long rowsUpdated, Long rowsUnchanged, Long rowsRejected, Instant nextPollAt) {
      this(name, type, source, state, firstSuccess, lastPollStarted, lastPollFinished, lastSuccess, lastError,
          lastErrorAt, consecutiveFailures, rowsRead, rowsInserted, rowsUpdated, rowsUnchanged, rowsRejected,
          nextPollAt, null);
    }
  }

  /**
   * One indicator with what its publisher says ({@code metadata}, null when no API feed fetched it) and where
   * the polarity in use came from: {@code config} (a feed's configuration overrides the metadata), {@code
   * metadata} (the publisher's), {@code feed} (a file feed's configuration or a push), null when none is known.
   */
  public record IndicatorDetail(@JsonUnwrapped IndicatorSummary indicator, String polaritySource,
                                MetadataView metadata) {}

  /** The stored metadata (V40 {@code indicator_metadata}); {@code overrides}: config values used instead. */
  public record MetadataView(String source, String name, String definition, String unit, String valueType,
                             String yearType, String polarity, String benchmarkingMethod, Double confidenceLevel,
                             String ciMethod, java.util.Map<String, String> overrides, Instant fetchedAt) {}

  /** A feed's status and, for an API feed, each indicator's fetch state (empty for file feeds). */
  public record FeedDetail(@JsonUnwrapped FeedSummary feed, List<IndicatorFetch> indicators) {}

  /**
   * One indicator of an API feed: when its data last changed upstream, when the feed last asked, last downloaded
   * a body and last loaded it, the HTTP validators it holds per URL, and its latest failure (null: none).
   */
  public record IndicatorFetch(String indicatorId, Instant lastChangedUpstream, Instant lastChecked,
                               Instant lastFetched, Instant lastLoaded, Long rowsRead, List<Validator> validators,
                               FetchFailure lastError) {}

  public record Validator(String url, String etag, String lastModified) {}

  public record FetchFailure(String message, String url, Integer status, Instant at) {}

  public record RejectionEntry(String feed, String source, Long line, String reason, String content,
                               Instant rejectedAt) {}

  public Future<List<IndicatorSummary>> indicators() {
    return pool.query("""
        SELECT i.id, i.name, i.unit, i.value_type, i.polarity, count(s.id) AS series
        FROM indicator i LEFT JOIN series s ON s.indicator_id = i.id
        GROUP BY i.id ORDER BY i.id""").execute().map(rows -> list(rows, StoreReader::indicator));
  }

  public Future<IndicatorSummary> indicator(String id) {
    return pool.preparedQuery("""
        SELECT i.id, i.name, i.unit, i.value_type, i.polarity,
               (SELECT count(*) FROM series s WHERE s.indicator_id = i.id) AS series
        FROM indicator i WHERE i.id = $1""").execute(Tuple.of(id)).map(rows -> first(rows, StoreReader::indicator));
  }

  /** The indicator with its metadata (null: no such indicator). */
  public Future<IndicatorDetail> indicatorDetail(String id) {
    return indicator(id).compose(i -> i == null ? Future.succeededFuture(null)
        : new IndicatorMetadataStore(pool).find(id).map(st -> {
          if (st == null) {
            return new IndicatorDetail(i, i.polarity() == null ? null : "feed", null);
          }
          io.fingerpost.model.IndicatorMetadata m = st.metadata();
          String source = m.overrides().containsKey("polarity") ? "config"
              : m.polarityCode() != null ? "metadata" : i.polarity() == null ? null : "feed";
          return new IndicatorDetail(i, source, new MetadataView(m.source(), m.name(), m.definition(), m.unit(),
              m.valueType(), m.yearType(), m.polarity(), m.benchmarkingMethod(), m.confidenceLevel(), m.ciMethod(),
              new java.util.TreeMap<>(m.overrides()), st.fetchedAt()));
        }));
  }

  private static IndicatorSummary indicator(Row r) {
    return new IndicatorSummary(r.getString("id"), r.getString("name"), r.getString("unit"),
        r.getString("value_type"), r.getString("polarity"), r.getLong("series"));
  }

  public Future<List<AreaSummary>> areas(String type, String parent) {
    return pool.preparedQuery("""
        SELECT code, name, type, parent_code FROM area
        WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR parent_code = $2)
        ORDER BY code""").execute(Tuple.of(type, parent)).map(rows -> list(rows, StoreReader::area));
  }

  public Future<AreaSummary> area(String code) {
    return pool.preparedQuery("SELECT code, name, type, parent_code FROM area WHERE code = $1")
        .execute(Tuple.of(code)).map(rows -> first(rows, StoreReader::area));
  }

  private static AreaSummary area(Row r) {
    return new AreaSummary(r.getString("code"), r.getString("name"), r.getString("type"), r.getString("parent_code"));
  }

  private static final String SERIES_SELECT = """
      SELECT s.id, s.indicator_id, i.name AS indicator_name, s.area_code, a.name AS area_name, s.sex, s.age,
             s.category_type, s.category,
             (SELECT count(*) FROM observation o WHERE o.series_id = s.id) AS observations,
             (SELECT o.period FROM observation o WHERE o.series_id = s.id
              ORDER BY o.period_start DESC, o.period_end DESC LIMIT 1) AS latest_period
      FROM series s JOIN indicator i ON i.id = s.indicator_id JOIN area a ON a.code = s.area_code
      """;

  public Future<List<SeriesSummary>> series(SeriesFilter f, int limit, int offset) {
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

  public Future<SeriesSummary> seriesById(long id) {
    return pool.preparedQuery(SERIES_SELECT + " WHERE s.id = $1").execute(Tuple.of(id))
        .map(rows -> first(rows, StoreReader::series));
  }

  private static SeriesSummary series(Row r) {
    return new SeriesSummary(r.getLong("id"), r.getString("indicator_id"), r.getString("indicator_name"),
        r.getString("area_code"), r.getString("area_name"), r.getString("sex"), r.getString("age"),
        r.getString("category_type"), r.getString("category"), r.getLong("observations"),
        r.getString("latest_period"));
  }

  /** The current observations of a series, in period order. */
  public Future<List<ObservationValue>> observations(long seriesId) {
    return pool.preparedQuery("""
        SELECT period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count,
               denominator, value_note, source, revision, first_seen, last_seen, ci_computed
        FROM observation WHERE series_id = $1 ORDER BY period_start, period_end, period""")
        .execute(Tuple.of(seriesId)).map(rows -> list(rows, StoreReader::observation));
  }

  /** Superseded values of a series, in period order then revision. */
  public Future<List<Revision>> revisions(long seriesId) {
    return pool.preparedQuery("""
        SELECT period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count,
               denominator, value_note, source, revision, first_seen, last_seen, ci_computed, superseded_at
        FROM observation_revision WHERE series_id = $1 ORDER BY period_start, period_end, period, revision""")
        .execute(Tuple.of(seriesId))
        .map(rows -> list(rows, r -> new Revision(observation(r), time(r.getOffsetDateTime("superseded_at")))));
  }

  private static ObservationValue observation(Row r) {
    return new ObservationValue(r.getString("period"), r.getDouble("period_start"), r.getDouble("period_end"),
        r.getDouble("value"), r.getDouble("lower_ci95"), r.getDouble("upper_ci95"), r.getDouble("lower_ci998"),
        r.getDouble("upper_ci998"), r.getDouble("count"), r.getDouble("denominator"), r.getString("value_note"),
        r.getString("source"), r.getInteger("revision"), time(r.getOffsetDateTime("first_seen")),
        time(r.getOffsetDateTime("last_seen")), r.getBoolean("ci_computed"));
  }

  public Future<List<FeedSummary>> feeds() {
    return pool.query("SELECT * FROM feed_status ORDER BY feed").execute().map(rows -> list(rows, StoreReader::feed));
  }

  public Future<FeedSummary> feed(String name) {
    return pool.preparedQuery("SELECT * FROM feed_status WHERE feed = $1").execute(Tuple.of(name))
        .map(rows -> first(rows, StoreReader::feed));
  }

  /** The feed's status with its indicators' fetch state (null: no such feed). */
  public Future<FeedDetail> feedDetail(String name) {
    return feed(name).compose(f -> f == null ? Future.succeededFuture(null)
        : new FeedIndicatorStateStore(pool).list(name).map(states -> new FeedDetail(f, states.stream().map(st -> {
          List<Validator> validators = new java.util.ArrayList<>();
          st.validators().forEach(e -> {
            io.vertx.core.json.JsonObject v = (io.vertx.core.json.JsonObject) e.getValue();
            validators.add(new Validator(e.getKey(), v.getString("etag"), v.getString("lastModified")));
          });
          FeedIndicatorStateStore.FetchError err = st.lastError();
          return new IndicatorFetch(st.indicatorId(), st.lastChangedUpstream(), st.lastChecked(), st.lastFetched(),
              st.lastLoaded(), st.rowsRead(), validators,
              err == null ? null : new FetchFailure(err.message(), err.url(), err.status(), err.at()));
        }).toList())));
  }

  private static FeedSummary feed(Row r) {
    OffsetDateTime success = r.getOffsetDateTime("last_success");
    int failures = r.getInteger("consecutive_failures");
    String state = failures > 0 ? "FAILING" : success != null ? "OK" : "PENDING";
    return new FeedSummary(r.getString("feed"), r.getString("type"), r.getString("source"), state,
        time(r.getOffsetDateTime("first_success")), time(r.getOffsetDateTime("last_poll_started")),
        time(r.getOffsetDateTime("last_poll_finished")), time(success), r.getString("last_error"),
        time(r.getOffsetDateTime("last_error_at")), failures, r.getLong("rows_read"), r.getLong("rows_inserted"),
        r.getLong("rows_updated"), r.getLong("rows_unchanged"), r.getLong("rows_rejected"),
        time(r.getOffsetDateTime("next_poll_at")), r.getString("warning"));
  }

  public Future<List<RejectionEntry>> rejections(String feed, int limit, int offset) {
    return pool.preparedQuery("""
        SELECT id, feed, source, line, reason, content, rejected_at FROM feed_rejection
        WHERE feed = $1 ORDER BY id LIMIT $2 OFFSET $3""")
        .execute(Tuple.of(feed, limit, offset))
        .map(rows -> list(rows, r -> new RejectionEntry(r.getString("feed"), r.getString("source"),
            r.getLong("line"), r.getString("reason"), r.getString("content"),
            time(r.getOffsetDateTime("rejected_at")))));
  }

  /** A cheap round trip, for {@code /health}. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  private static Instant time(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static <T> List<T> list(RowSet<Row> rows, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(f.apply(r)));
    return out;
  }

  private static <T> T first(RowSet<Row> rows, Function<Row, T> f) {
    var it = rows.iterator();
    return it.hasNext() ? f.apply(it.next()) : null;
  }
}
