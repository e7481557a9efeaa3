package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code feed_indicator_state} table (V40): per feed and indicator, what an API feed knows of the upstream
 * copy (its data-change date, the HTTP validators of its data URLs, what the latest load covered) and the
 * indicator's latest failure (URL and status code), shown by {@code GET /api/feeds/{name}}.
 */
public final class FeedIndicatorStateStore {

  /** The error of an indicator's latest failed fetch (status null: no HTTP answer, e.g. a broken body). */
  public record FetchError(String message, String url, Integer status, Instant at) {}

  /**
   * One indicator of a feed. {@code validators}: URL to {@code {etag, lastModified}}; {@code dataKey} what
   * the latest successful load covered (null: never loaded).
   */
  public record State(String indicatorId, Instant lastChangedUpstream, Instant lastChecked, Instant lastFetched,
                      Instant lastLoaded, String dataKey, JsonObject validators, Long rowsRead, FetchError lastError) {}

  private final Pool pool;

  public FeedIndicatorStateStore(Pool pool) {
    this.pool = pool;
  }

  /** The feed's indicators, by id, in id order. */
  public Future<Map<String, State>> load(String feed) {
    return pool.preparedQuery("SELECT * FROM feed_indicator_state WHERE feed = $1 ORDER BY indicator_id")
        .execute(Tuple.of(feed)).map(rows -> {
          Map<String, State> m = new LinkedHashMap<>();
          for (Row r : rows) {
            State s = state(r);
            m.put(s.indicatorId(), s);
          }
          return m;
        });
  }

  /** The feed's indicators as a list (empty for a feed that has none). */
  public Future<List<State>> list(String feed) {
    return load(feed).map(m -> new ArrayList<>(m.values()));
  }

  /** Replaces one indicator's state. */
  public Future<Void> save(String feed, State s) {
    FetchError e = s.lastError();
    return pool.preparedQuery("""
        INSERT INTO feed_indicator_state (feed, indicator_id, last_changed_upstream, last_checked, last_fetched,
          last_loaded, data_key, validators, rows_read, last_error, last_error_url, last_error_status, last_error_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (feed, indicator_id) DO UPDATE SET last_changed_upstream = excluded.last_changed_upstream,
          last_checked = excluded.last_checked, last_fetched = excluded.last_fetched,
          last_loaded = excluded.last_loaded, data_key = excluded.data_key, validators = excluded.validators,
          rows_read = excluded.rows_read, last_error = excluded.last_error, last_error_url = excluded.last_error_url,
          last_error_status = excluded.last_error_status, last_error_at = excluded.last_error_at""")
        .execute(Tuple.wrap(java.util.Arrays.asList(feed, s.indicatorId(), odt(s.lastChangedUpstream()),
            odt(s.lastChecked()), odt(s.lastFetched()), odt(s.lastLoaded()), s.dataKey(),
            s.validators() == null ? new JsonObject() : s.validators(), s.rowsRead(),
            e == null ? null : e.message(), e == null ? null : e.url(), e == null ? null : e.status(),
            e == null ? null : odt(e.at()))))
        .mapEmpty();
  }

  private static State state(Row r) {
    String error = r.getString("last_error");
    FetchError e = error == null ? null : new FetchError(error, r.getString("last_error_url"),
        r.getInteger("last_error_status"), instant(r.getOffsetDateTime("last_error_at")));
    JsonObject v = r.getJsonObject("validators");
    return new State(r.getString("indicator_id"), instant(r.getOffsetDateTime("last_changed_upstream")),
        instant(r.getOffsetDateTime("last_checked")), instant(r.getOffsetDateTime("last_fetched")),
        instant(r.getOffsetDateTime("last_loaded")), r.getString("data_key"), v == null ? new JsonObject() : v,
        r.getLong("rows_read"), e);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime odt(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
