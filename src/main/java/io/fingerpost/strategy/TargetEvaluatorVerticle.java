package io.fingerpost.strategy;

import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.TargetsEvaluated;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.DatabaseOutage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns changed series into evaluations. On start it writes the targets to the {@code target} table and
 * evaluates every target on the data already stored; then, on each {@code fingerpost.series.changed}, it
 * evaluates the targets whose evaluation reads a changed series: their own, or the same indicator and breakdown
 * in England, their area's parent or their benchmark area ({@link SeriesReaders}). An evaluation row is written only when the verdict differs from
 * the target's latest one. A round runs a chunk of targets at a time ({@link EvaluationRound}): their reads
 * concurrently, their writes in one transaction in the round's order, so evaluation ids follow the round's order;
 * after the round the new ids go out on {@code fingerpost.evaluations.created} as
 * {@code {initialLoad, evaluationIds, targetIds}}.
 *
 * <p>Work is serialised: events arriving while a round runs are merged into the next round (a target is
 * evaluated once per round however many of its series changed). Database reads and writes are
 * asynchronous; the statistics run in {@code executeBlocking}, off the event loop.
 */
public final class TargetEvaluatorVerticle extends VerticleBase {

  /** How long the evaluator waits, idle, before logging the targets that still have no data. */
  static final long WARNING_SUMMARY_DELAY_MS = 5_000;

  /** How often a round interrupted by a lost database looks whether it is back. */
  static final long DATABASE_RETRY_MS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(TargetEvaluatorVerticle.class);

  private final TargetStore store;
  /** Runs a round's targets a chunk at a time (reads concurrent, writes in order, one commit a chunk). */
  private EvaluationRound rounds;
  private final int chunkSize;
  /** The targets at each of their places (README "Targets for many places"). */
  private final PlaceTargets targets;
  /** Target id → initial load (true only while every event that asked for it was an initial load). */
  private final Map<String, Boolean> pending = new LinkedHashMap<>();
  /** Current warnings by target id, readable from any thread (the API shows them). */
  private final Map<String, String> warnings = new ConcurrentHashMap<>();
  private boolean running;
  /** Set by stop(): no new round starts and the one under way skips its remaining targets. */
  private boolean stopping;
  /** The round under way (or the last one): stop() waits for it so nothing uses a closing pool. */
  private Future<Void> currentRound = Future.succeededFuture();
  /** Set when a round met a lost database: its targets wait in {@code pending} for a retry. */
  private boolean waitingForDatabase;
  private boolean summaryLogged;
  private long summaryTimer = -1;
  private MessageConsumer<SeriesChanged> consumer;
  private MessageConsumer<FeedStatus> feedConsumer;
  /**
   * Readiness: events taken in (the start-up round counts as one) and how many of them finished rounds have
   * covered; a feed's first poll is evaluated once the rounds up to its status event are done. Events reach
   * this verticle in the order the feed sent them, so its series changes come before its status.
   */
  private long received;
  private long evaluatedUpTo;
  private final Map<String, Long> feedsAwaiting = new HashMap<>();

  private static final String EVALUATED = "fingerpost.evaluated.feeds";
  private static final String RUNNING = "";

  public TargetEvaluatorVerticle(Pool pool, List<TargetDefinition> targets) {
    this(pool, targets, EvaluationRound.CHUNK);
  }

  /** With {@code chunkSize} targets read and written together (tests use a small one). */
  TargetEvaluatorVerticle(Pool pool, List<TargetDefinition> targets, int chunkSize) {
    this.store = new TargetStore(pool);
    this.targets = new PlaceTargets(targets);
    this.chunkSize = chunkSize;
  }

  /** Targets that cannot be evaluated now, with the reason (no such indicator/area/series, no value). */
  public Map<String, String> warnings() {
    return Map.copyOf(warnings);
  }

  /**
   * True once the rounds a feed's first poll caused are finished (stored and evaluated: what {@code /ready}
   * waits for); also true when no evaluator runs in this Vert.x.
   */
  public static boolean firstPollEvaluated(Vertx vertx, String feed) {
    LocalMap<String, Boolean> map = vertx.sharedData().getLocalMap(EVALUATED);
    return map.get(RUNNING) == null || Boolean.TRUE.equals(map.get(feed));
  }

  /**
   * Every evaluated target, and whether its latest evaluated series holds only rows stored by a feed's first
   * load that has not completed yet (docs/internals.md "initialLoad"; V7 first_load_started).
   */
  private static final String EVALUATED_TARGETS = """
      SELECT e.target_id,
             e.series_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM observation o LEFT JOIN feed_status f ON f.feed = o.source
               WHERE o.series_id = e.series_id
                 AND NOT (f.first_success IS NULL AND f.first_load_started IS NOT NULL
                          AND o.first_seen >= f.first_load_started)) AS only_unfinished_first_load
      FROM (SELECT DISTINCT ON (target_id) target_id, series_id FROM evaluation ORDER BY target_id, id DESC) e
      """;

  @Override
  public Future<?> start() {
    vertx.sharedData().<String, Boolean>getLocalMap(EVALUATED).put(RUNNING, true);
    rounds = new EvaluationRound(vertx, store, warnings, chunkSize);
    received = 1; // the start-up round below
    // this member's writes only: in a cluster each changed series is evaluated once, by the member that wrote it
    consumer = Events.localConsumer(vertx, SeriesChanged.ADDRESS, this::onSeriesChanged);
    feedConsumer = Events.localConsumer(vertx, FeedStatus.ADDRESS, this::onFeedStatus);
    return consumer.completion().compose(v -> feedConsumer.completion())
        .compose(v -> targets.stale() ? targets.refresh(store).mapEmpty() : Future.succeededFuture())
        .compose(v -> store.syncTargets(vertx, targets.all()))
        .compose(v -> store.pool().query(EVALUATED_TARGETS).execute())
        .onSuccess(rs -> {
          java.util.Map<String, Boolean> evaluated = new java.util.HashMap<>();
          rs.forEach(r -> evaluated.put(r.getString("target_id"), r.getBoolean("only_unfinished_first_load")));
          // Re-evaluate everything on the stored data: a restart sees no series change for unchanged data.
          // A target evaluated for the first time counts as an initial load (it pages nobody), and so does one
          // whose series holds only rows of a first load that never completed: a load killed between a
          // batch's commit and its evaluation is caught up here, and that catch-up is history too.
          for (TargetDefinition t : targets.all()) {
            Boolean onlyFirstLoad = evaluated.get(t.id());
            pending.merge(t.id(), onlyFirstLoad == null || onlyFirstLoad, Boolean::logicalAnd);
          }
          LOG.info("Evaluating {} targets", targets.all().size());
          schedule();
        })
        .mapEmpty();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.sharedData().getLocalMap(EVALUATED).clear();
    if (feedConsumer != null) {
      feedConsumer.unregister();
    }
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return Future.join(unregistered, currentRound.otherwiseEmpty());
  }

  private void onFeedStatus(FeedStatus status) {
    if (status.firstPollDone() && status.ok() && targets.feedPolled(!status.unchanged())) {
      received++; // the places' look-up (and their new targets' round) is part of this poll's evaluation
      schedule();
    }
    if (status.firstPollDone() && !feedsAwaiting.containsKey(status.feed())
        && vertx.sharedData().getLocalMap(EVALUATED).get(status.feed()) == null) {
      feedsAwaiting.put(status.feed(), received);
      settle();
    }
  }

  /** Marks the feeds whose first poll's rounds are all done. */
  private void settle() {
    LocalMap<String, Boolean> map = vertx.sharedData().getLocalMap(EVALUATED);
    feedsAwaiting.entrySet().removeIf(e -> {
      if (e.getValue() <= evaluatedUpTo) {
        map.put(e.getKey(), true);
        return true;
      }
      return false;
    });
  }

  private void onSeriesChanged(SeriesChanged event) {
    received++;
    boolean initialLoad = event.initialLoad();
    // Only the targets that read the changed series (their own area's, England's, their parent's or their
    // benchmark area's): a sibling district's change is not theirs. The readers are indexed by area, so a
    // national first load costs series + targets, not series × places (which blocked the event loop).
    Set<SeriesKey> breakdownsDone = new HashSet<>();
    Map<String, Map<String, List<TargetDefinition>>> byArea = new HashMap<>();
    SeriesReaders readers = targets.readers();
    for (SeriesChanged.Item item : event.series()) {
      SeriesKey changed = item.key();
      targets.seen(changed.areaCode());
      List<TargetDefinition> ofIndicator = targets.forIndicator(changed.indicatorId());
      if (ofIndicator.isEmpty()) {
        continue;
      }
      readers.forEachReader(changed, breakdownsDone.add(changed.inArea("")),
          t -> pending.merge(t.id(), initialLoad, Boolean::logicalAnd));
      if (changed.hasCategory()) { // a deprivation (or other) breakdown of a target's whole-population series
        for (TargetDefinition t : byArea.computeIfAbsent(changed.indicatorId(), k -> ofIndicator.stream()
            .collect(Collectors.groupingBy(d -> d.series().areaCode()))).getOrDefault(changed.areaCode(), List.of())) {
          if (!t.series().hasCategory() && changed.sex().equals(t.series().sex())
              && changed.age().equals(t.series().age())) {
            pending.merge(t.id(), initialLoad, Boolean::logicalAnd);
          }
        }
      }
    }
    schedule();
  }

  /** Starts a round unless one is running; the round takes everything pending. */
  private void schedule() {
    if (!stopping && !running && !waitingForDatabase && targets.stale()) {
      refreshPlaces();
      return;
    }
    if (stopping || running || waitingForDatabase || pending.isEmpty()) {
      if (!stopping && !running && !waitingForDatabase && pending.isEmpty()) {
        evaluatedUpTo = received; // idle: every event taken in is done (some asked for no target)
        settle();
      }
      if (!stopping && !running && !summaryLogged) {
        armSummary();
      }
      return;
    }
    running = true;
    long roundUpTo = received;
    long roundStarted = System.nanoTime();
    Map<String, Boolean> round = new LinkedHashMap<>(pending);
    pending.clear();
    List<Long> initialIds = new ArrayList<>();
    List<String> initialTargets = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    List<String> changedTargets = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<TargetDefinition> order = targets.all().stream().filter(t -> round.containsKey(t.id())).toList();
    Future<Void> chain = rounds.run(order, round, new EvaluationRound.Sink() {
      @Override
      public boolean go(TargetDefinition t, boolean initial) {
        if (waitingForDatabase) {
          pending.merge(t.id(), initial, Boolean::logicalAnd); // the database is away: keep it for the retry
          return false;
        }
        return !stopping;
      }

      @Override
      public void written(TargetDefinition t, boolean initial, Long id) {
        if (id != null) {
          (initial ? initialIds : ids).add(id);
          (initial ? initialTargets : changedTargets).add(t.id());
        }
      }

      @Override
      public void failed(TargetDefinition t, boolean initial, Throwable e) {
        if (DatabaseOutage.isConnectionFailure(e)) {
          // not the target's fault: evaluate it (and the rest of the round) once the database is back
          LOG.debug("Evaluating target {} waits for the database: {}", t.id(), e.toString());
          pending.merge(t.id(), initial, Boolean::logicalAnd);
          waitingForDatabase = true;
          return;
        }
        // one target's failure (a bad row, a failed write) must not stop the others; it is counted
        LOG.error("Evaluating target {} failed", t.id(), e);
        failed.add(t.id());
      }
    });
    currentRound = chain;
    chain.onComplete(ar -> {
      // the round is over whatever publishing does: a throw here must not leave the evaluator "running" for ever
      running = false;
      try {
        FingerpostMetrics.of(vertx).evaluationBatch(Duration.ofNanos(System.nanoTime() - roundStarted),
            initialIds.size() + ids.size(), failed.size(), round.size());
        publish(true, initialIds, initialTargets);
        publish(false, ids, changedTargets);
        // also a round that wrote no evaluation may have changed a target's warning or values (API cache)
        Events.publish(vertx, new TargetsEvaluated(List.copyOf(round.keySet())));
      } catch (RuntimeException e) {
        LOG.error("Announcing a round of {} targets failed", round.size(), e);
      } finally {
        if (waitingForDatabase) {
          retryWhenDatabaseIsBack();
        } else {
          evaluatedUpTo = Math.max(evaluatedUpTo, roundUpTo);
          settle();
        }
        schedule();
      }
    });
  }

  /**
   * Looks the places given as an area's children up again (a round of its own, before the next): new places'
   * targets are written to the {@code target} table and evaluated next, as an initial load (history).
   */
  private void refreshPlaces() {
    running = true;
    currentRound = targets.refresh(store).compose(added -> {
      if (added == null) {
        return Future.<Void>succeededFuture();
      }
      LOG.info("Places resolved: {} targets ({} new)", targets.all().size(), added.size());
      return store.syncTargets(vertx, targets.all()).onSuccess(v ->
          added.forEach(t -> pending.merge(t.id(), true, Boolean::logicalAnd)));
    }).map(v -> {
      // an area's parent changed: its targets compare with another region (history, like a new place)
      targets.takeReparented().forEach(t -> pending.merge(t.id(), true, Boolean::logicalAnd));
      return v;
    }).recover(e -> {
      if (DatabaseOutage.isConnectionFailure(e)) {
        targets.retryLater();
        waitingForDatabase = true;
      } else {
        LOG.error("Resolving the targets' places failed", e);
      }
      return Future.succeededFuture();
    });
    currentRound.onComplete(ar -> {
      running = false;
      if (waitingForDatabase) {
        retryWhenDatabaseIsBack();
      }
      schedule();
    });
  }

  /** Checks every second (no log) until the database is back, then runs the interrupted round again. */
  private void retryWhenDatabaseIsBack() {
    vertx.setTimer(DATABASE_RETRY_MS, id -> {
      if (stopping) {
        return;
      }
      if (DatabaseOutage.isDown(vertx)) {
        retryWhenDatabaseIsBack();
        return;
      }
      waitingForDatabase = false;
      schedule();
    });
  }

  private void publish(boolean initialLoad, List<Long> ids, List<String> targetIds) {
    if (ids.isEmpty()) {
      return;
    }
    LOG.debug("{} new evaluations (initial load: {})", ids.size(), initialLoad);
    Events.publish(vertx, new EvaluationsCreated(initialLoad, ids, targetIds));
  }

  /** Logs, once, the targets still without data when evaluation has been idle for a while. */
  private void armSummary() {
    if (summaryTimer >= 0) {
      vertx.cancelTimer(summaryTimer);
    }
    summaryTimer = vertx.setTimer(WARNING_SUMMARY_DELAY_MS, id -> {
      summaryTimer = -1;
      if (running || !pending.isEmpty() || summaryLogged) {
        return;
      }
      summaryLogged = true;
      int marked = 0;
      for (TargetDefinition t : targets.all()) {
        String w = warnings.get(t.id());
        if (w == null) {
          continue;
        }
        if (t.noData() != null) {
          marked++;
        } else {
          LOG.warn("Target {} ({}) cannot be evaluated: {}", t.id(), t.file(), w);
        }
      }
      LOG.info("{} of {} targets evaluated; {} marked as having no data", targets.all().size() - warnings.size(),
          targets.all().size(), marked);
    });
  }
}
