package io.fingerpost.alert;

import io.fingerpost.config.AlertsConfig;
import io.fingerpost.event.AlertsChanged;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.event.OutboxWakeUp;
import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.store.DatabaseOutage;
import io.fingerpost.store.PoolConnections;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns new evaluations and feed status into alert transitions: listens on
 * {@code fingerpost.evaluations.created} and {@code fingerpost.feed.status}, applies {@link AlertRules}
 * and {@link AlertLifecycle}, writes state, history and outbox in one transaction ({@link AlertStore}),
 * and wakes the {@link Notifier} (which it deploys). Rounds run one at a time, in arrival order. A timer
 * completes damped changes whose minimum time has passed and checks feeds for staleness.
 */
public final class AlertsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsVerticle.class);

  private final AlertsConfig config;
  private final Pool pool;
  private final Clock clock;
  private AlertStore store;
  private EvaluationReader reader;
  private AlertRules rules;
  private AlertLifecycle lifecycle;
  private Grouping grouping;
  private Future<Void> tail = Future.succeededFuture();
  /** Rounds (evaluations, feed status) a lost database interrupted: run again after the next round that succeeds. */
  private final List<Supplier<Future<?>>> interrupted = new ArrayList<>();
  private long sweepTimer = -1;
  /** Set by {@link #stop()}: no new round starts; a round the database's close cuts is not a failure. */
  private boolean stopping;

  /** Cluster: the schedules (sweep, staleness checks) run on the holder of {@code schedule:alerts} alone. */
  private final io.fingerpost.store.Leases leases;

  public AlertsVerticle(AlertsConfig config, Pool pool, Clock clock) {
    this(config, pool, clock, null);
  }

  /** Alerts of a cluster member ({@code leases} null: one process, every schedule runs here). */
  public AlertsVerticle(AlertsConfig config, Pool pool, Clock clock, io.fingerpost.store.Leases leases) {
    this.leases = leases;
    this.config = config;
    this.pool = pool;
    this.clock = clock;
  }

  public AlertStore store() {
    return store;
  }

  @Override
  public Future<?> start() {
    if (!config.enabled()) {
      LOG.info("Alerts are switched off (alerts.enabled: false)");
      return Future.succeededFuture();
    }
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException(String.join("; ", problems)));
    }
    store = new AlertStore(pool, clock);
    reader = new EvaluationReader(pool);
    rules = new AlertRules(config.rules(), config.externalUrl());
    lifecycle = new AlertLifecycle(config.damping());
    Router router = new Router(config.routes(), config.defaultReceivers());
    grouping = new Grouping(router, config.groupBy());
    WebClient client = WebClient.create(vertx, new WebClientOptions().setUserAgent("fingerpost-alerts"));
    Map<String, Receiver> receivers = Receivers.create(vertx, client, config.receivers(), config.externalUrl(), clock);

    // this member's evaluations and feeds only: in a cluster the member that wrote them alerts on them, once
    Events.localConsumer(vertx, EvaluationsCreated.ADDRESS, e -> enqueue(() -> onEvaluations(e), true));
    Events.localConsumer(vertx, FeedStatus.ADDRESS, s -> enqueue(() -> onFeedStatus(s), true));
    sweepTimer = vertx.setPeriodic(config.delivery().sweepInterval().toMillis(),
        id -> enqueue(() -> leases == null || leases.lease("schedule:alerts").held()
            ? sweep().compose(v -> staleFeeds()) : Future.succeededFuture(), false));
    // fingerpost_alerts_firing and the outbox gauges are written by the metrics part alone (OperationalQuery).
    return vertx.deployVerticle(new Notifier(store, receivers, router, config.delivery(), clock, leases));
  }

  /**
   * Starts no new round and completes when the rounds queued before the stop have finished (the evaluator, stopped
   * just before, has published its last evaluations by then). The service's stop bounds the wait (App.stop): a
   * round still running when the database closes is cancelled and rolls back.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    return tail;
  }

  /**
   * Runs rounds one after another; a failed round is logged and does not stop the next. A round that met a
   * lost database is not logged (the store logs the outage once); if it carried an event ({@code retry}) it
   * runs again after the next round that succeeds (the periodic sweep is one), so no evaluation is lost.
   */
  private void enqueue(Supplier<Future<?>> task, boolean retry) {
    if (stopping) {
      LOG.debug("Alert round not started: the service is stopping");
      return;
    }
    tail = tail.transform(ar -> {
      Future<?> f;
      try {
        f = task.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      return f.<Void>mapEmpty().onSuccess(v -> retryInterrupted()).recover(e -> {
        if (stopping && (DatabaseOutage.isConnectionFailure(e) || PoolConnections.cancelled(e))) {
          LOG.info("Alert round cut by the service's stop: its transaction rolled back ({})", e.getMessage());
        } else if (DatabaseOutage.isConnectionFailure(e)) {
          LOG.debug("Alert round waits for the database: {}", e.toString());
          if (retry) {
            interrupted.add(task);
          }
        } else {
          LOG.error("Alert round failed: {}", e.toString(), e);
        }
        return Future.succeededFuture();
      });
    });
  }

  private void retryInterrupted() {
    if (interrupted.isEmpty()) {
      return;
    }
    List<Supplier<Future<?>>> again = new ArrayList<>(interrupted);
    interrupted.clear();
    LOG.debug("running {} alert round(s) a lost database interrupted again", again.size());
    // queued behind the round under way; enqueue runs on this verticle's context, so the list needs no lock
    vertx.runOnContext(v -> again.forEach(t -> enqueue(t, true)));
  }

  /** For tests and benchmarks: completes when every round queued so far is done. */
  public Future<Void> idle() {
    return tail;
  }

  Future<Void> onEvaluations(EvaluationsCreated created) {
    boolean initial = created.initialLoad();
    // the rows' JSON and the rules are CPU work for every evaluation of the round (202 at start-up on the
    // bundled default): off the event loop, so /health and the API stay responsive meanwhile
    return reader.rows(created.evaluationIds()).compose(rows -> vertx.executeBlocking(() -> {
      List<AlertStore.Change> changes = new ArrayList<>();
      for (EvaluationRecord e : EvaluationReader.records(rows)) {
        EvaluationRecord ev = initial && !e.initialLoad() ? e.asInitialLoad() : e;
        try {
          for (Signal s : rules.signals(ev)) {
            changes.add(AlertStore.Change.of(s, lifecycle));
          }
        } catch (RuntimeException ex) {
          // one malformed row must not hold back the rest of the round
          LOG.error("Evaluation {} (target {}) skipped by the alert rules: {}", e.id(), e.targetId(), ex.toString(), ex);
        }
      }
      return changes;
    }, false)).compose(this::apply);
  }

  Future<Void> onFeedStatus(FeedStatus status) {
    if (!config.rules().feedStale().enabled()) {
      return Future.succeededFuture();
    }
    return apply(List.of(AlertStore.Change.of(
        rules.feed(status.feed(), status.ok(), status.lastError(), status.warning(), clock.instant()), lifecycle)));
  }

  /** Feeds (other than push) with no success within {@code staleAfter}: fire as stale. */
  Future<Void> staleFeeds() {
    if (!config.rules().feedStale().enabled()) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    Instant limit = now.minus(config.rules().feedStale().staleAfter());
    return pool.preparedQuery("""
            SELECT feed, last_success FROM feed_status
            WHERE type <> 'push' AND COALESCE(last_success, first_success, last_poll_started) < $1
            """).execute(Tuple.of(AlertStore.odt(limit)))
        .compose(rows -> {
          List<AlertStore.Change> changes = new ArrayList<>();
          rows.forEach(r -> changes.add(AlertStore.Change.of(rules.feed(r.getString("feed"), false,
              "no successful poll since " + r.getOffsetDateTime("last_success"), now), lifecycle)));
          return apply(changes);
        });
  }

  Future<Void> sweep() {
    Instant now = clock.instant();
    return store.pending().compose(pending -> {
      List<AlertStore.Change> changes = new ArrayList<>();
      for (AlertState s : pending) {
        changes.add(new AlertStore.Change() {
          @Override
          public String fingerprint() {
            return s.fingerprint();
          }

          @Override
          public AlertLifecycle.Decision decide(AlertState current, java.util.function.Predicate<Map<String, String>> silenced) {
            return lifecycle.sweep(current, now, current != null && silenced.test(current.labels()));
          }
        });
      }
      return apply(changes);
    });
  }

  private Future<Void> apply(List<AlertStore.Change> changes) {
    return store.applyRound(changes, grouping).compose(result -> {
      FingerpostMetrics metrics = FingerpostMetrics.of(vertx);
      for (Transition t : result.transitions()) {
        metrics.alertTransition(t.rule().label(), t.severity().label(), t.labels().get("team"), t.to().label());
      }
      if (!result.outboxIds().isEmpty()) {
        Events.send(vertx, new OutboxWakeUp(result.outboxIds().size()));
      }
      if (!result.transitions().isEmpty()) {
        Events.publish(vertx, new AlertsChanged(
            result.transitions().stream().map(Transition::fingerprint).distinct().toList(), result.outboxIds().size()));
      }
      return Future.<Void>succeededFuture();
    });
  }
}
