package io.fingerpost.metrics;

import io.fingerpost.config.MetricsSettings;
import io.fingerpost.event.AlertsChanged;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.Events;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.meters.RenderedState;

import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.store.DatabaseOutage;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the indicator-state metrics current: reads the state from the database at start and again after
 * {@code fingerpost.evaluations.created} (and, with scope {@code all}, {@code fingerpost.series.changed}),
 * renders it off the event loop, and swaps the rendered block in. Bursts of events coalesce: at most one
 * refresh runs and at most one more is queued, so an initial load of many batches costs a few refreshes,
 * and a scrape never queries the database. It is the only writer of the alerts firing and the outbox depth
 * ({@link OperationalQuery}): read every {@code refreshInterval}, and at once (coalesced in the same way) when
 * alerts change ({@code fingerpost.alerts.changed}) or evaluations are created (new targets' teams show zeros).
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private final FingerpostMetrics metrics;
  private final Pool pool;
  private final MetricsSettings settings;
  private boolean refreshing;
  private boolean pending;
  private boolean operationalRunning;
  private boolean operationalPending;

  public MetricsVerticle(FingerpostMetrics metrics, Pool pool, MetricsSettings settings) {
    this.metrics = metrics;
    this.pool = pool;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(settings.refreshInterval().toMillis(), id -> requestOperational());
    Events.consumer(vertx, AlertsChanged.ADDRESS, changed -> requestOperational());
    Events.consumer(vertx, EvaluationsCreated.ADDRESS, created -> requestOperational());
    Future<Void> operational = refreshOperational();
    if (settings.scope() == MetricsSettings.Scope.NONE) return operational;
    Events.consumer(vertx, EvaluationsCreated.ADDRESS, created -> requestRefresh());
    if (settings.scope() == MetricsSettings.Scope.ALL) Events.consumer(vertx, SeriesChanged.ADDRESS, changed -> requestRefresh());
    refreshing = true;
    return Future.all(refresh().onComplete(ar -> refreshDone()), operational);
  }

  /** Refreshes now, or once more after the refresh in flight. */
  void requestRefresh() {
    if (refreshing) {
      pending = true;
      return;
    }
    refreshing = true;
    refresh()
        .onFailure(e -> {
          if (DatabaseOutage.isConnectionFailure(e)) {
            LOG.debug("Indicator-state metrics wait for the database: {}", e.toString());
          } else {
            LOG.warn("Refreshing the indicator-state metrics failed; keeping the previous state", e);
          }
        })
        .onComplete(ar -> refreshDone());
  }

  private void refreshDone() {
    refreshing = false;
    if (pending) {
      pending = false;
      requestRefresh();
    }
  }

  /** Reads the operational gauges now, or once more after the read in flight. */
  private void requestOperational() {
    if (operationalRunning) {
      operationalPending = true;
      return;
    }
    refreshOperational().onComplete(ar -> {
      if (operationalPending) {
        operationalPending = false;
        requestOperational();
      }
    });
  }

  /** Alerts firing and outbox depth, read from the database. */
  private Future<Void> refreshOperational() {
    operationalRunning = true;
    return OperationalQuery.refresh(pool, metrics).recover(e -> {
      if (DatabaseOutage.isConnectionFailure(e)) {
        LOG.debug("Alert and outbox metrics wait for the database: {}", e.toString());
      } else {
        LOG.warn("Refreshing the alert and outbox metrics failed: {}", e.getMessage());
      }
      return Future.succeededFuture();
    }).onComplete(ar -> operationalRunning = false);
  }

  /** Reads, renders (on a worker thread) and publishes the indicator state. */
  Future<RenderedState> refresh() {
    return pool.query("SELECT to_regclass('evaluation') IS NOT NULL AND to_regclass('target') IS NOT NULL").execute()
        .compose(rs -> {
          if (rs.iterator().next().getBoolean(0)) return readAndRender();
          LOG.warn("No target/evaluation tables (a build without the target part): no indicator-state metrics");
          return Future.succeededFuture(IndicatorStateExposition.EMPTY);
        });
  }

  private Future<RenderedState> readAndRender() {
    int max = settings.maxSeries();
    Future<List<IndicatorState>> targets = IndicatorStateQuery.targets(pool, max);
    Future<Long> total = IndicatorStateQuery.countTargets(pool);
    return Future.all(targets, total).compose(all -> {
      List<IndicatorState> states = new ArrayList<>(targets.result());
      long dropped = Math.max(0, total.result() - states.size());
      Future<List<IndicatorState>> extra = settings.scope() == MetricsSettings.Scope.ALL && states.size() < max
          ? IndicatorStateQuery.untargetedSeries(pool, max - states.size())
          : Future.succeededFuture(List.of());
      return extra.compose(series -> {
        states.addAll(series);
        return vertx.executeBlocking(() -> IndicatorStateExposition.render(states), false)
            .onSuccess(rendered -> {
              metrics.indicatorState(rendered, dropped);
              if (dropped > 0) {
                LOG.warn("Indicator-state metrics cover {} targets; {} more are left out (metrics.maxSeries = {})",
                    states.size(), dropped, max);
              }
            });
      });
    });
  }
}
