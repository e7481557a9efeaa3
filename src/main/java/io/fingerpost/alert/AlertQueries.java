package io.fingerpost.alert;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Read and operator-write sides of the alert tables: a repository returning records whose component
 * names are the API's JSON field names (the HTTP layer serialises them as they are).
 */
public final class AlertQueries {
  private final Pool pool;

  public AlertQueries(Pool pool) {
    this.pool = pool;
  }

  public record Acknowledgement(String by, Instant at, String comment) {}

  /** An alert as the API lists it. */
  public record AlertSummary(String fingerprint, String rule, String state, String severity, JsonObject labels,
                             JsonObject annotations, Instant startsAt, Instant endsAt, Boolean notified,
                             Long lastEvaluationId, String generatorURL, Acknowledgement acknowledgement) {}

  /** One change of an alert. */
  public record HistoryEntry(Instant at, String from, String to, String severity, String reason, Long evaluationId,
                             String step, Boolean initialLoad, Boolean notified, Boolean silenced,
                             String description) {}

  /** One notification about an alert with every delivery attempt ({@code log}). */
  public record DeliveryEntry(Long id, String idempotencyKey, String receiver, String status, Integer attempts,
                              String lastError, Instant queuedAt, Instant deliveredAt, Instant nextAttemptAt,
                              Object log) {}

  /** An alert with its history and deliveries. */
  public record AlertDetail(@JsonUnwrapped AlertSummary alert, List<HistoryEntry> history,
                            List<DeliveryEntry> deliveries) {}

  public record SilenceEntry(Long id, JsonArray matchers, Instant startsAt, Instant endsAt, String createdBy,
                             String comment, Boolean endOnResolve, Instant endedAt, String endedBy) {}

  /** Alerts, newest change first; null filters match everything. */
  public Future<List<AlertSummary>> list(String state, String team, String severity, String rule, int limit) {
    return list(state, team, severity, rule, null, limit);
  }

  /** Alerts, newest change first, also of one place (the {@code area} label); null filters match everything. */
  public Future<List<AlertSummary>> list(String state, String team, String severity, String rule, String area,
      int limit) {
    return pool.preparedQuery("""
        SELECT * FROM alert
        WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR labels->>'team' = $2)
          AND ($3::text IS NULL OR severity = $3) AND ($4::text IS NULL OR rule = $4)
          AND ($6::text IS NULL OR labels->>'area' = $6)
        ORDER BY last_change_at DESC, fingerprint LIMIT $5
        """).execute(Tuple.of(state, team, severity, rule, limit, area)).map(rows -> list(rows, AlertQueries::alert));
  }

  /** One alert with its transitions and the notifications about it (with every delivery attempt); null if unknown. */
  public Future<AlertDetail> get(String fingerprint) {
    return pool.preparedQuery("SELECT * FROM alert WHERE fingerprint = $1").execute(Tuple.of(fingerprint))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          AlertSummary a = alert(rows.iterator().next());
          Future<List<HistoryEntry>> history = pool.preparedQuery(
                  "SELECT * FROM alert_transition WHERE fingerprint = $1 ORDER BY id")
              .execute(Tuple.of(fingerprint)).map(ts -> list(ts, t -> new HistoryEntry(
                  ts(t.getOffsetDateTime("at")), t.getString("from_state"), t.getString("to_state"),
                  t.getString("severity"), t.getString("reason"), t.getLong("evaluation_id"), t.getString("step"),
                  t.getBoolean("initial_load"), t.getBoolean("notified"), t.getBoolean("silenced"),
                  t.getJsonObject("annotations").getString("description"))));
          Future<List<DeliveryEntry>> deliveries = pool.preparedQuery("""
                  SELECT o.id, o.idempotency_key, o.receiver, o.status, o.attempts, o.last_error, o.created_at,
                         o.delivered_at, o.next_attempt_at,
                         COALESCE(json_agg(json_build_object('attempt', d.attempt, 'at', d.at, 'ok', d.ok,
                           'httpStatus', d.http_status, 'error', d.error, 'durationMs', d.duration_ms)
                           ORDER BY d.attempt) FILTER (WHERE d.id IS NOT NULL), '[]') AS log
                  FROM outbox o LEFT JOIN delivery d ON d.outbox_id = o.id
                  WHERE o.fingerprints @> ARRAY[$1]::text[]
                  GROUP BY o.id ORDER BY o.id
                  """).execute(Tuple.of(fingerprint)).map(os -> list(os, o -> {
                    UUID key = o.getUUID("idempotency_key");
                    return new DeliveryEntry(o.getLong("id"), key.toString(), o.getString("receiver"),
                        o.getString("status"), o.getInteger("attempts"), o.getString("last_error"),
                        ts(o.getOffsetDateTime("created_at")), ts(o.getOffsetDateTime("delivered_at")),
                        "pending".equals(o.getString("status")) ? ts(o.getOffsetDateTime("next_attempt_at")) : null,
                        o.getValue("log"));
                  }));
          return Future.all(history, deliveries)
              .map(v -> new AlertDetail(a, history.result(), deliveries.result()));
        });
  }

  public enum AckOutcome { ACKNOWLEDGED, NOT_FOUND, RESOLVED }

  public Future<AckOutcome> acknowledge(String fingerprint, String who, String comment, Instant at) {
    return pool.preparedQuery("""
        UPDATE alert SET acknowledged_by = $2, acknowledged_at = $3, ack_comment = $4
        WHERE fingerprint = $1 AND state = 'firing' RETURNING fingerprint
        """).execute(Tuple.of(fingerprint, who, AlertStore.odt(at), comment)).compose(rows -> {
          if (rows.size() > 0) {
            return Future.succeededFuture(AckOutcome.ACKNOWLEDGED);
          }
          return pool.preparedQuery("SELECT 1 FROM alert WHERE fingerprint = $1").execute(Tuple.of(fingerprint))
              .map(r -> r.size() == 0 ? AckOutcome.NOT_FOUND : AckOutcome.RESOLVED);
        });
  }

  public Future<SilenceEntry> createSilence(List<Silence.Matcher> matchers, Instant startsAt, Instant endsAt,
      String who, String why, boolean endOnResolve) {
    return pool.preparedQuery("""
        INSERT INTO silence (matchers, starts_at, ends_at, created_by, comment, end_on_resolve)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING *
        """).execute(Tuple.of(Silence.matchersToJson(matchers), AlertStore.odt(startsAt), AlertStore.odt(endsAt),
            who, why, endOnResolve))
        .map(rows -> silence(rows.iterator().next()));
  }

  /** Ends a silence now; false when there is no such silence still in force. */
  public Future<Boolean> endSilence(long id, String who, Instant at) {
    return pool.preparedQuery("UPDATE silence SET ended_at = $2, ended_by = $3 WHERE id = $1 AND ended_at IS NULL")
        .execute(Tuple.of(id, AlertStore.odt(at), who)).map(r -> r.rowCount() > 0);
  }

  public Future<List<SilenceEntry>> silences() {
    return pool.query("SELECT * FROM silence WHERE ended_at IS NULL AND ends_at > now() ORDER BY id").execute()
        .map(rows -> list(rows, AlertQueries::silence));
  }

  static SilenceEntry silence(Row r) {
    return new SilenceEntry(r.getLong("id"), r.getJsonArray("matchers"), ts(r.getOffsetDateTime("starts_at")),
        ts(r.getOffsetDateTime("ends_at")), r.getString("created_by"), r.getString("comment"),
        r.getBoolean("end_on_resolve"), ts(r.getOffsetDateTime("ended_at")), r.getString("ended_by"));
  }

  static AlertSummary alert(Row r) {
    Acknowledgement ack = r.getString("acknowledged_by") == null ? null : new Acknowledgement(
        r.getString("acknowledged_by"), ts(r.getOffsetDateTime("acknowledged_at")), r.getString("ack_comment"));
    return new AlertSummary(r.getString("fingerprint"), r.getString("rule"), r.getString("state"),
        r.getString("severity"), r.getJsonObject("labels"), r.getJsonObject("annotations"),
        ts(r.getOffsetDateTime("starts_at")), ts(r.getOffsetDateTime("ends_at")), r.getBoolean("notified"),
        r.getLong("last_evaluation_id"), r.getString("generator_url"), ack);
  }

  static Instant ts(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static <T> List<T> list(RowSet<Row> rows, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(f.apply(r)));
    return out;
  }
}
