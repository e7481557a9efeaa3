package io.fingerpost.metrics;

import io.fingerpost.config.MetricsSettings;
import io.fingerpost.event.AlertsChanged;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.Events;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.event.TargetsEvaluated;
import io.fingerpost.meters.RenderedState;

import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.store.DatabaseOutage;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the indicator-state metrics current. At start it reads every target's state and renders it, off the
 * event loop. Then it renders incrementally: the target ids of {@code fingerpost.evaluations.created} and
 * {@code fingerpost.targets.evaluated} (and, with scope {@code all}, the series ids of
 * {@code fingerpost.series.changed}) collect until the refresh in flight ends; the next refresh reads only
 * the {@link StateSegments segments} holding them and re-renders those, on a worker; a scrape never queries the
 * database. The first refresh after an evaluation round reads everything again (the evaluator syncs the
 * targets files after this verticle starts, so a retired target leaves), and so does one after a failed
 * refresh. It is the only writer of the alerts firing and the outbox depth
 * ({@link OperationalQuery}): read every {@code refreshInterval}, and at once (coalesced in the same way) when
 * alerts change ({@code fingerpost.alerts.changed}) or evaluations are created (new targets' teams show zeros).
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private final FingerpostMetrics metrics;
  private final Pool pool;
  private final MetricsSettings settings;
  private final StateSegments targets = new StateSegments(s -> s.target().targetId());
  private final StateSegments series = new StateSegments(IndicatorState::seriesKey);
  /** Changed since the last refresh began (event-loop confined). */
  private Set<String> changedTargets = new HashSet<>();
  private Set<String> changedSeries = new HashSet<>();
  private boolean fullNext = true;
  private boolean refreshing;
  private boolean pending;
  private boolean operationalRunning;
  private boolean operationalPending;
  private static final long UNTARGETED_COUNT_EVERY_NANOS = 60_000_000_000L;
  /** Series without a target left out since the last full read, to make room for targets. */
  private int seriesLeftOut;
  private long untargetedTotal;
  private long untargetedCountedAt = System.nanoTime() - 2 * UNTARGETED_COUNT_EVERY_NANOS;
  private long loggedTargets;
  private long loggedSeries;
  private long loggedAt;

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
    Events.consumer(vertx, EvaluationsCreated.ADDRESS, created -> targetsChanged(created.targetIds()));
    Events.consumer(vertx, TargetsEvaluated.ADDRESS, evaluated -> targetsChanged(evaluated.targetIds()));
    if (settings.scope() == MetricsSettings.Scope.ALL) {
      Events.consumer(vertx, SeriesChanged.ADDRESS, changed -> {
        for (SeriesChanged.Item item : changed.series()) changedSeries.add(String.valueOf(item.seriesId()));
        requestRefresh();
      });
    }
    refreshing = true;
    return Future.all(refresh().onComplete(ar -> {
      fullNext = true; // read again after the evaluator's start-up round (see the class comment)
      refreshDone();
    }), operational);
  }

  private void targetsChanged(List<String> ids) {
    changedTargets.addAll(ids);
    requestRefresh();
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
          fullNext = true; // what was taken from the changed sets is lost: read everything next time
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

  /** Reads, renders (on worker threads) and publishes the indicator state: everything, or what changed. */
  Future<RenderedState> refresh() {
    return pool.query("SELECT to_regclass('evaluation') IS NOT NULL AND to_regclass('target') IS NOT NULL").execute()
        .compose(rs -> {
          if (rs.iterator().next().getBoolean(0)) return fullNext ? readAll() : readChanged();
          LOG.warn("No target/evaluation tables (a build without the target part): no indicator-state metrics");
          return Future.succeededFuture(IndicatorStateExposition.EMPTY);
        });
  }

  private Future<RenderedState> readAll() {
    fullNext = false;
    changedTargets = new HashSet<>();
    changedSeries = new HashSet<>();
    int max = settings.maxSeries();
    Future<List<IndicatorState>> all = IndicatorStateQuery.targets(pool, max);
    return all.compose(states -> {
      Future<List<IndicatorState>> extra = settings.scope() == MetricsSettings.Scope.ALL && states.size() < max
          ? IndicatorStateQuery.untargetedSeries(pool, max - states.size())
          : Future.succeededFuture(List.of());
      return extra.compose(untargeted -> vertx.executeBlocking(() -> {
        targets.reset(states);
        series.reset(untargeted);
        seriesLeftOut = 0;
        return null;
      }, false));
    }).compose(v -> publish());
  }

  private Future<RenderedState> readChanged() {
    Set<String> ids = changedTargets;
    Set<String> seriesIds = changedSeries;
    changedTargets = new HashSet<>();
    changedSeries = new HashSet<>();
    if (ids.isEmpty() && seriesIds.isEmpty()) return publish();
    int max = settings.maxSeries();
    // targets come first: a new target takes the room of series without a target (left out below), so that a
    // full set of series read before the evaluations (the first load) does not keep the targets out
    return vertx.executeBlocking(() -> targets.touch(ids, max - targets.size()), false)
        .compose(touch -> touch.keys().isEmpty() ? Future.succeededFuture()
            : IndicatorStateQuery.targetsById(pool, touch.keys())
                .compose(states -> vertx.executeBlocking(() -> {
                  targets.replace(touch.segments(), states);
                  return series.dropTo(max - targets.size());
                }, false))
                .compose(this::reread))
        .compose(v -> seriesIds.isEmpty() ? Future.succeededFuture()
            : vertx.executeBlocking(() -> series.touch(seriesIds, max - targets.size() - series.size()), false)
                .compose(touch -> touch.keys().isEmpty() ? Future.succeededFuture()
                    : IndicatorStateQuery.untargetedById(pool, touch.keys().stream().map(Long::valueOf).toList())
                        .compose(states -> vertx.executeBlocking(() -> {
                          series.replace(touch.segments(), states);
                          return null;
                        }, false))))
        .compose(v -> {
          return publish();
        });
  }

  /** Counts what {@link StateSegments#dropTo} left out and renders the segment it cut into again, without the cut keys. */
  private Future<Void> reread(StateSegments.Cut cut) {
    seriesLeftOut += cut.dropped();
    if (cut.reread() == null) return Future.succeededFuture();
    return IndicatorStateQuery.untargetedById(pool, cut.reread().keys().stream().map(Long::valueOf).toList())
        .compose(states -> vertx.executeBlocking(() -> {
          series.replace(cut.reread().segments(), states);
          return null;
        }, false));
  }

  /**
   * Assembles the segments (worker) and publishes them with the count of what maxSeries left out: targets, and
   * with scope {@code all} series without a target (their total counted at most once a minute: a scan of every
   * series).
   */
  private Future<RenderedState> publish() {
    boolean full = targets.size() + series.size() >= settings.maxSeries() || seriesLeftOut > 0;
    boolean countSeries = full && settings.scope() == MetricsSettings.Scope.ALL
        && System.nanoTime() - untargetedCountedAt > UNTARGETED_COUNT_EVERY_NANOS;
    Future<Long> untargeted = countSeries ? IndicatorStateQuery.countUntargeted(pool).onSuccess(n -> {
      untargetedTotal = n;
      untargetedCountedAt = System.nanoTime();
    }) : Future.succeededFuture(untargetedTotal);
    return untargeted.compose(u -> IndicatorStateQuery.countTargets(pool)).compose(total -> vertx.executeBlocking(() -> {
      List<IndicatorStateExposition.Segment> all = new ArrayList<>(targets.segments());
      all.addAll(series.segments());
      return IndicatorStateExposition.assemble(all);
    }, false).onSuccess(rendered -> {
      // only a full set leaves anything out; below the cap a difference is an evaluation whose event is on its way
      boolean nowFull = targets.size() + series.size() >= settings.maxSeries() || seriesLeftOut > 0;
      long droppedTargets = nowFull ? Math.max(0, total - targets.size()) : 0;
      long droppedSeries = nowFull && settings.scope() == MetricsSettings.Scope.ALL
          ? Math.max(0, untargetedTotal - series.size()) : 0;
      metrics.indicatorState(rendered, droppedTargets + droppedSeries);
      logLeftOut(droppedTargets, droppedSeries);
    }));
  }

  /** One line when what the cap leaves out first appears, then at most once a minute while it changes. */
  private void logLeftOut(long droppedTargets, long droppedSeries) {
    boolean changed = droppedTargets != loggedTargets || droppedSeries != loggedSeries;
    boolean firstTargets = droppedTargets > 0 && loggedTargets == 0;
    if (!changed || (droppedTargets == 0 && droppedSeries == 0 && loggedTargets == 0 && loggedSeries == 0)) {
      return;
    }
    if (!firstTargets && System.nanoTime() - loggedAt < UNTARGETED_COUNT_EVERY_NANOS) {
      return;
    }
    loggedTargets = droppedTargets;
    loggedSeries = droppedSeries;
    loggedAt = System.nanoTime();
    LOG.warn("Indicator-state metrics cover {} targets and {} series without a target; metrics.maxSeries = {} leaves"
            + " out {} targets and {} series without a target (targets come first)", targets.size(), series.size(),
        settings.maxSeries(), droppedTargets, droppedSeries);
  }
}
