package io.fingerpost.alert;

import io.fingerpost.model.Severity;
import io.fingerpost.alert.AlertLifecycle.Decision;
import io.fingerpost.alert.AlertState.State;
import io.fingerpost.alert.Signal.Condition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The alert tables (V20__alerts.sql) through vertx-pg-client. {@link #applyRound} is the heart: it
 * decides and writes alert states, transitions and outbox rows in one transaction, serialised across
 * instances by an advisory lock, so a crash between "decided" and "queued for delivery" is impossible.
 */
public final class AlertStore {
  /** Advisory lock key serialising alert rounds (any constant unique in the schema will do). */
  private static final long ROUND_LOCK = 0x466950_20L;

  private final Pool pool;
  private final Clock clock;

  public AlertStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public Pool pool() {
    return pool;
  }

  /** One change to one alert in a round: the lifecycle step given its current state and the silences. */
  public interface Change {
    String fingerprint();

    Decision decide(AlertState current, Predicate<Map<String, String>> silenced);

    static Change of(Signal s, AlertLifecycle lifecycle) {
      return new Change() {
        @Override
        public String fingerprint() {
          return s.fingerprint();
        }

        @Override
        public Decision decide(AlertState current, Predicate<Map<String, String>> silenced) {
          return lifecycle.apply(current, s, s.condition() == Condition.ACTIVE && silenced.test(s.labels()));
        }
      };
    }
  }

  /** What a round wrote: its transitions, and the ids of the outbox rows (empty when nobody is told). */
  public record RoundResult(List<Transition> transitions, List<Long> outboxIds) {}

  /**
   * Applies the changes in order (several may concern the same alert), then groups the notifiable
   * transitions into notifications and queues them, all in one transaction.
   */
  public Future<RoundResult> applyRound(List<Change> changes, Grouping grouping) {
    if (changes.isEmpty()) {
      return Future.succeededFuture(new RoundResult(List.of(), List.of()));
    }
    Set<String> fps = new LinkedHashSet<>();
    changes.forEach(c -> fps.add(c.fingerprint()));
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(ROUND_LOCK))
        .compose(v -> activeSilences(conn))
        .compose(silences -> loadStates(conn, fps).compose(states -> {
          Instant now = clock.instant();
          Predicate<Map<String, String>> silenced = labels -> silences.stream()
              .anyMatch(s -> s.active(now) && s.matches(labels));
          Map<String, AlertState> before = new LinkedHashMap<>(states);
          List<Transition> transitions = new ArrayList<>();
          for (Change c : changes) {
            Decision d = c.decide(states.get(c.fingerprint()), silenced);
            if (d.next() != null) {
              states.put(c.fingerprint(), d.next());
            }
            if (d.transition() != null) {
              transitions.add(d.transition());
            }
          }
          List<AlertState> changed = states.values().stream()
              .filter(s -> !s.equals(before.get(s.fingerprint()))).toList();
          List<Notification> notifications = grouping.group(transitions);
          return upsertStates(conn, changed)
              .compose(v -> insertTransitions(conn, transitions))
              .compose(v -> endSilencesOnResolve(conn, silences, transitions, now))
              .compose(v -> insertOutbox(conn, notifications))
              .map(ids -> new RoundResult(transitions, ids));
        })));
  }

  private Future<Map<String, AlertState>> loadStates(SqlConnection conn, Set<String> fps) {
    return conn.preparedQuery("SELECT * FROM alert WHERE fingerprint = ANY($1) FOR UPDATE")
        .execute(Tuple.of(fps.toArray(new String[0])))
        .map(rows -> {
          Map<String, AlertState> m = new LinkedHashMap<>();
          rows.forEach(r -> m.put(r.getString("fingerprint"), state(r)));
          return m;
        });
  }

  static AlertState state(Row r) {
    String pc = r.getString("pending_condition");
    String ps = r.getString("pending_severity");
    return new AlertState(r.getString("fingerprint"), Rule.fromLabel(r.getString("rule")),
        State.valueOf(r.getString("state").toUpperCase(java.util.Locale.ROOT)),
        Severity.fromLabel(r.getString("severity")),
        Notification.strings(r.getJsonObject("labels")), Notification.strings(r.getJsonObject("annotations")),
        r.getString("generator_url"), instant(r.getOffsetDateTime("starts_at")),
        instant(r.getOffsetDateTime("ends_at")), r.getBoolean("notified"), r.getLong("last_evaluation_id"),
        r.getString("last_step"), r.getInteger("pending_count"),
        pc == null ? null : Condition.valueOf(pc), ps == null ? null : Severity.fromLabel(ps),
        instant(r.getOffsetDateTime("last_change_at")));
  }

  private Future<Void> upsertStates(SqlConnection conn, List<AlertState> states) {
    if (states.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (AlertState s : states) {
      batch.add(Tuple.tuple()
          .addString(s.fingerprint()).addString(s.rule().label())
          .addString(s.labels().get("target")).addString(s.labels().get("feed"))
          .addString(s.state().label()).addString(s.severity().label())
          .addValue(json(s.labels())).addValue(json(s.annotations())).addString(s.generatorUrl())
          .addValue(odt(s.startsAt())).addValue(odt(s.endsAt())).addBoolean(s.notified())
          .addLong(s.lastEvaluationId()).addString(s.lastStep()).addInteger(s.pendingCount())
          .addString(s.pendingCondition() == null ? null : s.pendingCondition().name())
          .addString(s.pendingSeverity() == null ? null : s.pendingSeverity().label())
          .addValue(odt(s.lastChangeAt())));
    }
    return conn.preparedQuery("""
        INSERT INTO alert (fingerprint, rule, target_id, feed, state, severity, labels, annotations,
          generator_url, starts_at, ends_at, notified, last_evaluation_id, last_step, pending_count,
          pending_condition, pending_severity, last_change_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())
        ON CONFLICT (fingerprint) DO UPDATE SET
          state = EXCLUDED.state, severity = EXCLUDED.severity, labels = EXCLUDED.labels,
          annotations = EXCLUDED.annotations, generator_url = EXCLUDED.generator_url,
          starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, notified = EXCLUDED.notified,
          last_evaluation_id = EXCLUDED.last_evaluation_id, last_step = EXCLUDED.last_step,
          pending_count = EXCLUDED.pending_count, pending_condition = EXCLUDED.pending_condition,
          pending_severity = EXCLUDED.pending_severity, last_change_at = EXCLUDED.last_change_at,
          updated_at = now(),
          -- an acknowledgement belongs to one firing episode
          acknowledged_by = CASE WHEN alert.starts_at = EXCLUDED.starts_at THEN alert.acknowledged_by END,
          acknowledged_at = CASE WHEN alert.starts_at = EXCLUDED.starts_at THEN alert.acknowledged_at END,
          ack_comment = CASE WHEN alert.starts_at = EXCLUDED.starts_at THEN alert.ack_comment END
        """).executeBatch(batch).mapEmpty();
  }

  private Future<Void> insertTransitions(SqlConnection conn, List<Transition> ts) {
    if (ts.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (Transition t : ts) {
      batch.add(Tuple.tuple()
          .addString(t.fingerprint()).addValue(odt(t.at()))
          .addString(t.from() == null ? null : t.from().label()).addString(t.to().label())
          .addString(t.severity().label()).addString(t.reason()).addLong(t.evaluationId())
          .addString(t.step()).addBoolean(t.initialLoad()).addBoolean(t.notifies())
          .addBoolean(t.silenced()).addValue(json(t.labels())).addValue(json(t.annotations())));
    }
    return conn.preparedQuery("""
        INSERT INTO alert_transition (fingerprint, at, from_state, to_state, severity, reason,
          evaluation_id, step, initial_load, notified, silenced, labels, annotations)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """).executeBatch(batch).mapEmpty();
  }

  private Future<Void> endSilencesOnResolve(SqlConnection conn, List<Silence> silences,
      List<Transition> ts, Instant now) {
    List<Long> ids = new ArrayList<>();
    for (Silence s : silences) {
      if (s.endOnResolve() && ts.stream().anyMatch(t -> t.to() == State.RESOLVED && s.matches(t.labels()))) {
        ids.add(s.id());
      }
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(
            "UPDATE silence SET ended_at = $2, ended_by = 'resolved' WHERE id = ANY($1) AND ended_at IS NULL")
        .execute(Tuple.of(ids.toArray(new Long[0]), odt(now))).mapEmpty();
  }

  private Future<List<Long>> insertOutbox(SqlConnection conn, List<Notification> ns) {
    return queue(conn, ns, null);
  }

  /**
   * Queues notifications in the caller's transaction (the digest part queues a digest run this way, with
   * {@code digestRunId}); the caller wakes the notifier after commit ({@code OutboxWakeUp}).
   */
  public static Future<List<Long>> queue(SqlConnection conn, List<Notification> ns, Long digestRunId) {
    if (ns.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Tuple> batch = new ArrayList<>();
    for (Notification n : ns) {
      batch.add(Tuple.of(UUID.randomUUID(), n.receiver(), n.groupKey(),
          n.fingerprints().toArray(new String[0]), n.toJson(), digestRunId));
    }
    return conn.preparedQuery("""
        INSERT INTO outbox (idempotency_key, receiver, group_key, fingerprints, payload, digest_run_id)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
        """).executeBatch(batch).map(rs -> {
          List<Long> ids = new ArrayList<>();
          for (var r = rs; r != null; r = r.next()) {
            r.forEach(row -> ids.add(row.getLong(0)));
          }
          return ids;
        });
  }

  /** Silences not ended and not yet expired (including ones that start later). */
  Future<List<Silence>> activeSilences(SqlConnection conn) {
    return conn.preparedQuery("SELECT * FROM silence WHERE ended_at IS NULL AND ends_at > $1")
        .execute(Tuple.of(odt(clock.instant())))
        .map(rows -> {
          List<Silence> out = new ArrayList<>();
          rows.forEach(r -> out.add(silence(r)));
          return out;
        });
  }

  public Future<List<Silence>> activeSilences() {
    return pool.withConnection(this::activeSilences);
  }

  static Silence silence(Row r) {
    return new Silence(r.getLong("id"), Silence.matchersFromJson(r.getJsonArray("matchers")),
        instant(r.getOffsetDateTime("starts_at")), instant(r.getOffsetDateTime("ends_at")),
        r.getString("created_by"), r.getString("comment"), r.getBoolean("end_on_resolve"));
  }

  /** Firing alerts that were announced: what Alertmanager receivers are re-sent. */
  public Future<List<AlertState>> firingNotified() {
    return pool.query("SELECT * FROM alert WHERE state = 'firing' AND notified ORDER BY fingerprint")
        .execute().map(rows -> {
          List<AlertState> out = new ArrayList<>();
          rows.forEach(r -> out.add(state(r)));
          return out;
        });
  }

  /** Alerts with a damped change waiting: what the sweep re-checks. */
  public Future<List<AlertState>> pending() {
    return pool.query("SELECT * FROM alert WHERE pending_condition IS NOT NULL").execute().map(rows -> {
      List<AlertState> out = new ArrayList<>();
      rows.forEach(r -> out.add(state(r)));
      return out;
    });
  }

  // ---- outbox, for the notifier ----

  /** A queued notification. */
  public record OutboxEntry(long id, UUID key, String receiver, Notification notification, int attempts,
      Instant nextAttemptAt) {}

  /** The oldest pending notification of a receiver: deliveries go strictly in order. */
  public Future<OutboxEntry> head(String receiver) {
    return pool.preparedQuery("""
        SELECT id, idempotency_key, receiver, payload, attempts, next_attempt_at FROM outbox
        WHERE receiver = $1 AND status = 'pending' ORDER BY id LIMIT 1
        """).execute(Tuple.of(receiver)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          return entry(rows.iterator().next());
        });
  }

  static OutboxEntry entry(Row r) {
    return new OutboxEntry(r.getLong("id"), r.getUUID("idempotency_key"), r.getString("receiver"),
        Notification.fromJson(r.getJsonObject("payload")), r.getInteger("attempts"),
        instant(r.getOffsetDateTime("next_attempt_at")));
  }

  /** Receivers with pending notifications (to resume after a restart). */
  public Future<List<String>> receiversWithPending() {
    return pool.query("SELECT DISTINCT receiver FROM outbox WHERE status = 'pending'").execute()
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /**
   * Records one attempt: the delivery row, and the outbox row's new status (delivered, failed for good,
   * or pending with its next attempt time).
   */
  public Future<Void> recordAttempt(OutboxEntry e, boolean ok, Integer httpStatus, String error,
      boolean giveUp, Instant nextAttemptAt, long durationMs) {
    return recordAttempt(e, ok, httpStatus, error, giveUp, nextAttemptAt, durationMs, null);
  }

  /**
   * {@link #recordAttempt} under a receiver's lease (cluster): written only while this member still holds
   * it, checked in the same transaction; otherwise it fails with {@code Lease.LostException}.
   */
  public Future<Void> recordAttempt(OutboxEntry e, boolean ok, Integer httpStatus, String error,
      boolean giveUp, Instant nextAttemptAt, long durationMs, io.fingerpost.store.Lease lease) {
    int attempt = e.attempts() + 1;
    Instant now = clock.instant();
    String status = ok ? "delivered" : giveUp ? "failed" : "pending";
    return pool.withTransaction(conn -> (lease == null ? Future.<Void>succeededFuture() : lease.fence(conn))
        .compose(fenced -> conn.preparedQuery("""
            INSERT INTO delivery (outbox_id, attempt, at, ok, http_status, error, duration_ms)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """).execute(Tuple.of(e.id(), attempt, odt(now), ok, httpStatus, error, (int) durationMs))
        .compose(v -> conn.preparedQuery("""
            UPDATE outbox SET status = $2, attempts = $3, last_error = COALESCE($4, last_error), next_attempt_at = $5,
              delivered_at = $6 WHERE id = $1
            """).execute(Tuple.of(e.id(), status, attempt, error,
            odt(nextAttemptAt == null ? now : nextAttemptAt), ok ? odt(now) : null)))
        .mapEmpty()));
  }

  static JsonObject json(Map<String, String> m) {
    return new JsonObject(new LinkedHashMap<>(m));
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
