package io.fingerpost.alert;

import io.fingerpost.config.DeliveryConfig;
import io.fingerpost.event.Events;
import io.fingerpost.event.OutboxWakeUp;
import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.store.DatabaseOutage;
import io.fingerpost.store.Lease;
import io.fingerpost.store.Leases;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox. Per receiver, strictly in outbox order: the oldest pending notification is tried
 * until it succeeds (or fails for good), with exponential backoff between attempts, and only then the
 * next. Every attempt is logged in {@code delivery}. Everything it needs is in the database, so after a
 * restart (even kill -9) it simply continues from the outbox; a notification cut off mid-delivery is
 * sent again with the same idempotency key.
 *
 * <p>It also re-sends firing alerts to receivers that forget them (Alertmanager) every
 * {@code resendInterval}. Wake it with an {@link OutboxWakeUp} event after writing to the outbox.
 *
 * <p>In a cluster (issue 15) every member runs a notifier, but only the holder of a receiver's lease
 * ({@code receiver:<name>}, {@link Leases}) delivers to it: it claims the head ({@link OutboxClaims}), checks
 * the lease is still its own right before sending, and records the attempt under the lease's fence. Re-sends
 * run on the holder of {@code schedule:resend} alone.
 */
public final class Notifier extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final AlertStore store;
  private final Map<String, Receiver> receivers;
  private final Router router;
  private final DeliveryConfig config;
  private final Clock clock;
  private final Map<String, Pump> pumps = new LinkedHashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private final Leases leases;
  private final OutboxClaims claims;

  public Notifier(AlertStore store, Map<String, Receiver> receivers, Router router, DeliveryConfig config,
      Clock clock) {
    this(store, receivers, router, config, clock, null);
  }

  /** A notifier of a cluster member: delivers to the receivers whose lease it holds ({@code leases} null: all). */
  public Notifier(AlertStore store, Map<String, Receiver> receivers, Router router, DeliveryConfig config,
      Clock clock, Leases leases) {
    this.leases = leases;
    this.claims = leases == null ? null : new OutboxClaims(store.pool());
    this.store = store;
    this.receivers = receivers;
    this.router = router;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    receivers.forEach((name, r) -> pumps.put(name, new Pump(r)));
    Events.consumer(vertx, OutboxWakeUp.ADDRESS, wake -> wakeAll());
    timers.add(vertx.setPeriodic(config.pollInterval().toMillis(), id -> wakeAll()));
    if (receivers.values().stream().anyMatch(Receiver::needsRefresh)) {
      timers.add(vertx.setPeriodic(config.resendInterval().toMillis(), id -> refresh()));
    }
    return store.receiversWithPending().onSuccess(names -> {
      for (String n : names) {
        if (!receivers.containsKey(n)) {
          LOG.warn("Outbox holds notifications for receiver '{}', which is not configured; they stay queued", n);
        }
      }
      wakeAll();
    });
  }

  /**
   * Starts no new delivery; completes when the deliveries under way have been sent and recorded. The service's
   * stop bounds the wait (App.stop): a delivery its database's close cuts is sent again at the next start, with
   * the same idempotency key.
   */
  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    pumps.values().forEach(p -> p.stopped = true);
    return Future.join(pumps.values().stream().map(p -> p.underWay).toList());
  }

  private void wakeAll() {
    pumps.values().forEach(Pump::wake);
  }

  /** Re-sends the firing, announced, unsilenced alerts that route to each refreshing receiver. */
  private void refresh() {
    if (leases != null && !leases.lease("schedule:resend").held()) {
      return; // another member re-sends for the cluster
    }
    store.firingNotified().compose(alerts -> store.activeSilences().compose(silences -> {
      Instant now = clock.instant();
      List<Future<Void>> sends = new ArrayList<>();
      for (Receiver r : receivers.values()) {
        if (!r.needsRefresh()) {
          continue;
        }
        List<Notification.Alert> mine = alerts.stream()
            .filter(a -> router.receiversFor(a.labels()).contains(r.name()))
            .filter(a -> silences.stream().noneMatch(s -> s.active(now) && s.matches(a.labels())))
            .map(Notification.Alert::of).toList();
        sends.add(r.refresh(mine).onFailure(e -> LOG.warn("Re-sending firing alerts to {} failed: {}",
            r.name(), e.getMessage())));
      }
      return Future.join(sends);
    })).onFailure(e -> {
      if (DatabaseOutage.isConnectionFailure(e)) {
        LOG.debug("Alert re-send round waits for the database: {}", e.toString());
      } else {
        LOG.warn("Alert re-send round failed: {}", e.getMessage());
      }
    });
  }

  /** Delivery loop of one receiver; runs on this verticle's event loop, so its fields need no locks. */
  private final class Pump {
    final Receiver receiver;
    final Lease lease;
    boolean running;
    boolean wokenWhileRunning;
    boolean stopped;
    long timer = -1;
    /** Completes when the look at the head under way (and its delivery) has ended. */
    Future<Void> underWay = Future.succeededFuture();

    Pump(Receiver receiver) {
      this.receiver = receiver;
      this.lease = leases == null ? null : leases.lease("receiver:" + receiver.name());
    }

    /** False (and a look again later) when another member delivers to this receiver. */
    boolean mine() {
      if (lease == null || lease.held()) {
        return true;
      }
      schedule(leases.checkInterval());
      return false;
    }

    void wake() {
      if (stopped) {
        return;
      }
      if (running) {
        wokenWhileRunning = true;
        return;
      }
      wokenWhileRunning = false;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      if (!mine()) {
        return;
      }
      running = true;
      Promise<Void> ended = Promise.promise();
      underWay = ended.future();
      Future<AlertStore.OutboxEntry> head = lease == null ? store.head(receiver.name())
          : claims.claimHead(receiver.name(), lease, leases.member());
      head.compose(this::handle).onComplete(ar -> {
        running = false;
        if (ar.failed() && stopped) {
          LOG.info("Notifier for {}: cut by the service's stop ({}); what it was sending is sent again at the next"
              + " start, with the same idempotency key", receiver.name(), ar.cause().toString());
        } else if (ar.failed() && Lease.isLost(ar.cause())) {
          LOG.info("Notifier for {}: {}; the new holder delivers", receiver.name(), ar.cause().getMessage());
          schedule(leases.checkInterval());
        } else if (ar.failed() && DatabaseOutage.isConnectionFailure(ar.cause())) {
          // the database is away (the store logs that once): look again later, quietly
          LOG.debug("Notifier for {} waits for the database: {}", receiver.name(), ar.cause().toString());
          schedule(config.initialBackoff());
        } else if (ar.failed()) {
          LOG.warn("Notifier for {}: {}", receiver.name(), ar.cause().toString());
          schedule(config.initialBackoff());
        } else if (Boolean.TRUE.equals(ar.result()) || wokenWhileRunning) {
          wake(); // after an attempt, look at the head again: the next one, or the retry's timer
        }
      }).onComplete(ar -> ended.complete());
    }

    /** True after an attempt (the head must be read again), false when there is nothing to do now. */
    Future<Boolean> handle(AlertStore.OutboxEntry e) {
      if (e == null || stopped) {
        return Future.succeededFuture(false);
      }
      Instant now = clock.instant();
      if (e.nextAttemptAt().isAfter(now)) {
        schedule(Duration.between(now, e.nextAttemptAt()));
        return Future.succeededFuture(false);
      }
      if (!mine()) {
        return Future.succeededFuture(false); // lost the lease since the claim (e.g. paused): send nothing
      }
      long t0 = System.nanoTime();
      return receiver.deliver(e.notification(), e.key().toString()).transform(ar -> {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        FingerpostMetrics.of(vertx).delivery(receiver.name(), Duration.ofMillis(ms), ar.succeeded());
        if (ar.succeeded()) {
          return store.recordAttempt(e, true, null, null, false, null, ms, lease).map(true);
        }
        Throwable cause = ar.cause();
        Receiver.DeliveryException de = cause instanceof Receiver.DeliveryException x ? x : null;
        boolean retryable = de == null || de.retryable();
        int attempts = e.attempts() + 1;
        boolean giveUp = !retryable || (config.maxAttempts() > 0 && attempts >= config.maxAttempts());
        Duration wait = config.backoff(attempts);
        String msg = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (giveUp) {
          LOG.error("Giving up notification {} to {} after {} attempts: {}", e.key(), receiver.name(), attempts, msg);
        } else {
          LOG.warn("Notification {} to {} failed (attempt {}), retrying in {} ms: {}", e.key(), receiver.name(),
              attempts, wait.toMillis(), msg);
        }
        return store.recordAttempt(e, false, de == null ? null : de.status(), msg, giveUp,
            clock.instant().plus(wait), ms, lease).map(true);
      });
    }

    void schedule(Duration d) {
      if (stopped) {
        return;
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      timer = vertx.setTimer(Math.max(1, d.toMillis()), id -> {
        timer = -1;
        wake();
      });
    }
  }
}
