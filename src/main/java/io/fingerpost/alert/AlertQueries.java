package io.fingerpost.alert;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** Read and operator-write sides of the alert tables, as JSON for the API. */
public final class AlertQueries {
  private final Pool pool;

  public AlertQueries(Pool pool) {
    this.pool = pool;
  }

  /** Alerts, newest change first; null filters match everything. */
  public Future<JsonArray> list(String state, String team, String severity, String rule, int limit) {
    return pool.preparedQuery("""
        SELECT * FROM alert
        WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR labels->>'team' = $2)
          AND ($3::text IS NULL OR severity = $3) AND ($4::text IS NULL OR rule = $4)
        ORDER BY last_change_at DESC, fingerprint LIMIT $5
        """).execute(Tuple.of(state, team, severity, rule, limit)).map(rows -> {
          JsonArray a = new JsonArray();
          rows.forEach(r -> a.add(alert(r)));
          return a;
        });
  }

  /** One alert with its transitions and the notifications about it (with every delivery attempt); null if unknown. */
  public Future<JsonObject> get(String fingerprint) {
    return pool.preparedQuery("SELECT * FROM alert WHERE fingerprint = $1").execute(Tuple.of(fingerprint))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          JsonObject a = alert(rows.iterator().next());
          Future<JsonArray> history = pool.preparedQuery(
                  "SELECT * FROM alert_transition WHERE fingerprint = $1 ORDER BY id")
              .execute(Tuple.of(fingerprint)).map(ts -> {
                JsonArray h = new JsonArray();
                ts.forEach(t -> h.add(new JsonObject()
                    .put("at", ts(t.getOffsetDateTime("at")))
                    .put("from", t.getString("from_state"))
                    .put("to", t.getString("to_state"))
                    .put("severity", t.getString("severity"))
                    .put("reason", t.getString("reason"))
                    .put("evaluationId", t.getLong("evaluation_id"))
                    .put("step", t.getString("step"))
                    .put("initialLoad", t.getBoolean("initial_load"))
                    .put("notified", t.getBoolean("notified"))
                    .put("silenced", t.getBoolean("silenced"))
                    .put("description", t.getJsonObject("annotations").getString("description"))));
                return h;
              });
          Future<JsonArray> deliveries = pool.preparedQuery("""
                  SELECT o.id, o.idempotency_key, o.receiver, o.status, o.attempts, o.last_error, o.created_at,
                         o.delivered_at, o.next_attempt_at,
                         COALESCE(json_agg(json_build_object('attempt', d.attempt, 'at', d.at, 'ok', d.ok,
                           'httpStatus', d.http_status, 'error', d.error, 'durationMs', d.duration_ms)
                           ORDER BY d.attempt) FILTER (WHERE d.id IS NOT NULL), '[]') AS log
                  FROM outbox o LEFT JOIN delivery d ON d.outbox_id = o.id
                  WHERE o.fingerprints @> ARRAY[$1]::text[]
                  GROUP BY o.id ORDER BY o.id
                  """).execute(Tuple.of(fingerprint)).map(os -> {
                    JsonArray out = new JsonArray();
                    os.forEach(o -> out.add(new JsonObject()
                        .put("id", o.getLong("id"))
                        .put("idempotencyKey", o.getUUID("idempotency_key").toString())
                        .put("receiver", o.getString("receiver"))
                        .put("status", o.getString("status"))
                        .put("attempts", o.getInteger("attempts"))
                        .put("lastError", o.getString("last_error"))
                        .put("queuedAt", ts(o.getOffsetDateTime("created_at")))
                        .put("deliveredAt", ts(o.getOffsetDateTime("delivered_at")))
                        .put("nextAttemptAt", "pending".equals(o.getString("status"))
                            ? ts(o.getOffsetDateTime("next_attempt_at")) : null)
                        .put("log", o.getValue("log"))));
                    return out;
                  });
          return Future.all(history, deliveries)
              .map(v -> a.put("history", history.result()).put("deliveries", deliveries.result()));
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

  public Future<JsonObject> createSilence(List<Silence.Matcher> matchers, Instant startsAt, Instant endsAt,
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

  public Future<JsonArray> silences() {
    return pool.query("SELECT * FROM silence WHERE ended_at IS NULL AND ends_at > now() ORDER BY id").execute()
        .map(rows -> {
          JsonArray a = new JsonArray();
          rows.forEach(r -> a.add(silence(r)));
          return a;
        });
  }

  static JsonObject silence(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("matchers", r.getJsonArray("matchers"))
        .put("startsAt", ts(r.getOffsetDateTime("starts_at")))
        .put("endsAt", ts(r.getOffsetDateTime("ends_at")))
        .put("createdBy", r.getString("created_by"))
        .put("comment", r.getString("comment"))
        .put("endOnResolve", r.getBoolean("end_on_resolve"))
        .put("endedAt", ts(r.getOffsetDateTime("ended_at")))
        .put("endedBy", r.getString("ended_by"));
  }

  static JsonObject alert(Row r) {
    JsonObject ack = r.getString("acknowledged_by") == null ? null : new JsonObject()
        .put("by", r.getString("acknowledged_by"))
        .put("at", ts(r.getOffsetDateTime("acknowledged_at")))
        .put("comment", r.getString("ack_comment"));
    return new JsonObject()
        .put("fingerprint", r.getString("fingerprint"))
        .put("rule", r.getString("rule"))
        .put("state", r.getString("state"))
        .put("severity", r.getString("severity"))
        .put("labels", r.getJsonObject("labels"))
        .put("annotations", r.getJsonObject("annotations"))
        .put("startsAt", ts(r.getOffsetDateTime("starts_at")))
        .put("endsAt", ts(r.getOffsetDateTime("ends_at")))
        .put("notified", r.getBoolean("notified"))
        .put("lastEvaluationId", r.getLong("last_evaluation_id"))
        .put("generatorURL", r.getString("generator_url"))
        .put("acknowledgement", ack);
  }

  static String ts(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
