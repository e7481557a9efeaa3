package io.fingerpost.feed.fingertips;

import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.IndicatorConfig;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.feed.FeedRetry;
import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.IndicatorMetadata;
import io.fingerpost.store.BatchResult;
import io.fingerpost.store.FeedChunkStore;
import io.fingerpost.store.FeedIndicatorStateStore;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.IndicatorMetadataStore;
import io.fingerpost.store.InitialLoad;
import io.fingerpost.store.Lease;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code fingertips-api} or {@code fingertips-next} feed on its own timer (a fingertips-next feed polls its
 * configured indicators through {@link NextIndicatorLoad}; the rest below is the same). A poll: the indicators (the configured ids and, with
 * {@code profile}, the profile's, optionally of some domains), their metadata (one request per 100 ids; stored in
 * {@code indicator_metadata} with the config's overrides, and applied to {@code indicator}, so the engine's
 * polarity comes from it), then every indicator on its own ({@link IndicatorLoad}: data-change date, conditional
 * requests, one transaction). The {@link FingertipsClient} keeps at most {@code concurrency} requests in flight.
 * A failed indicator leaves the others loaded; the poll succeeds with a {@code warning} naming the failures (URL
 * and status in {@code GET /api/feeds/{name}}), and fails only when every indicator (or the metadata) failed.
 */
public final class FingertipsApiFeed extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FingertipsApiFeed.class);
  /** The source fingerprint stored for a poll of an API feed (each indicator keeps its own state). */
  private static final String FINGERPRINT = "fingertips-api";

  private final FeedConfig config;
  private final ObservationStore store;
  private final FeedStatusStore status;
  private final IndicatorMetadataStore metadataStore;
  private final FeedIndicatorStateStore states;
  private final Map<String, IndicatorConfig> overrides = new LinkedHashMap<>();
  private FingertipsApi api;
  private IndicatorLoad loads;
  /** Set for a fingertips-next feed: its indicators load through it (metadata comes with each data answer). */
  private NextIndicatorLoad next;
  /** The timer, lease, failure count with backoff, and status between polls (shared with the file feeds). */
  private final FeedRetry retry;
  /** Set by {@link #stop()}: the poll under way ends at its next safe point (an indicator's transaction). */
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** Completes when the poll under way has ended. */
  private Future<Void> pollUnderWay = Future.succeededFuture();

  public FingertipsApiFeed(FeedConfig config, ObservationStore store, FeedStatusStore status) {
    this(config, store, status, null, null);
  }

  /** A feed polled only while this member holds {@code lease} (cluster), looking again every {@code leaseCheck}. */
  public FingertipsApiFeed(FeedConfig config, ObservationStore store, FeedStatusStore status,
                           Lease lease, Duration leaseCheck) {
    // Cluster: only the holder of feed:<name> polls, and its writes are fenced (null: always poll).
    this.retry = new FeedRetry(config, config.baseUrlOrDefault(), status, lease, leaseCheck, LOG);
    if (lease != null) {
      store.fence(config.name(), lease);
    }
    this.config = config;
    this.store = store;
    this.status = status;
    this.metadataStore = new IndicatorMetadataStore(store.pool());
    this.states = new FeedIndicatorStateStore(store.pool());
    for (IndicatorConfig ic : config.indicators()) {
      overrides.put(ic.id().trim(), ic);
    }
  }

  @Override
  public Future<?> start() {
    FingertipsClient client = new FingertipsClient(vertx, config.baseUrlOrDefault(),
        FingertipsClient.Options.defaults(config.concurrencyOrDefault(), config.timeoutOrDefault()));
    api = new FingertipsApi(client);
    String seed = Integer.toHexString(config.toString().hashCode());
    if (FeedConfig.FINGERTIPS_NEXT.equals(config.type())) {
      next = new NextIndicatorLoad(vertx, new FingertipsNextApi(client), store, states, metadataStore, config.name(),
          config.areaCodes(), config.areaType(), overrides, stopping::get);
    } else {
      loads = new IndicatorLoad(vertx, api, store, new FeedChunkStore(store.pool()), states, config.name(), seed,
          config.areaTypes(), config.parentAreaType(), stopping::get);
    }
    FingerpostMetrics.of(vertx).feedConfigured(config.name(), config.intervalOrDefault());
    retry.start(vertx, this::poll);
    return Future.succeededFuture();
  }

  /**
   * Stops polling; a poll under way ends at a safe point (as {@code FeedVerticle}'s): its requests are cut at once,
   * an indicator whose transaction has begun commits, no other indicator writes, nothing of the cut is recorded as
   * a failure (the next start polls them again). Completes when it has ended; the service's stop bounds the wait.
   */
  @Override
  public Future<?> stop() {
    retry.stop();
    stopping.set(true);
    if (api != null) {
      api.client().close();
    }
    return pollUnderWay;
  }

  /** The indicators to poll: the configured ids, then the profile's (once each). */
  private Future<List<String>> indicators() {
    Set<String> ids = new LinkedHashSet<>(overrides.keySet());
    if (config.profile() == null) {
      return Future.succeededFuture(List.copyOf(ids));
    }
    return api.profileIndicators(config.profile(), config.domains()).map(p -> {
      ids.addAll(p);
      return List.copyOf(ids);
    });
  }

  /** Metadata with the config's values as overrides; stored, and applied to the indicator table. */
  private Future<Map<String, Indicator>> metadata(List<String> ids) {
    return api.metadata(ids, FeedConfig.FINGERTIPS_API + ":" + config.name()).compose(fetched -> {
      List<IndicatorMetadata> all = new ArrayList<>();
      Map<String, Indicator> indicators = new LinkedHashMap<>();
      for (String id : ids) {
        IndicatorMetadata m = fetched.get(id);
        IndicatorConfig ic = overrides.get(id);
        Map<String, String> given = ic == null ? Map.of() : ic.given();
        if (m == null) {
          m = new IndicatorMetadata(id, "config:" + config.name(), null, null, null, null, null, null, null, null,
              null, null, given);
        } else {
          m = new IndicatorMetadata(id, m.source(), m.name(), m.definition(), m.unit(), m.valueType(), m.yearType(),
              m.polarity(), m.polarityCode(), m.benchmarkingMethod(), m.confidenceLevel(), m.ciMethod(), given);
        }
        all.add(m);
        indicators.put(id, m.indicator());
      }
      return metadataStore.upsert(all)
          .compose(v -> metadataStore.applyToIndicators(List.copyOf(indicators.values())))
          .map(v -> indicators);
    });
  }

  private void poll() {
    if (!retry.begin()) {
      return;
    }
    long started = System.nanoTime();
    Promise<Void> ended = Promise.promise();
    pollUnderWay = ended.future();
    status.pollStarted(config.name(), config.type(), config.baseUrlOrDefault())
        .compose(previous -> indicators().compose(ids -> (next != null
            ? Future.succeededFuture(Map.<String, Indicator>of()) : metadata(ids)).compose(indicators ->
            states.load(config.name()).compose(known -> {
              InitialLoad initial = previous.initialLoad();
              List<Future<IndicatorLoad.Outcome>> outcomes = new ArrayList<>();
              for (String id : ids) {
                outcomes.add(next != null ? next.run(id, known.get(id), initial)
                    : loads.run(id, indicators.get(id), known.get(id), initial));
              }
              return Future.join(outcomes).transform(x -> finish(ids.size(), outcomes));
            }))))
        .onComplete(ar -> ended(ar, started))
        .onComplete(ar -> ended.complete());
  }

  /** The poll's end: its status, or for what the stop cut one info line (it is not a failure of the feed). */
  private void ended(AsyncResult<FeedStatusStore.PollCounts> ar, long started) {
    if (ar.failed() && stopping.get()) {
      LOG.info("Feed {}: poll ended by the service's stop ({}); the indicators it committed stay, the rest are"
          + " polled again at the next start", config.name(), ar.cause().getMessage());
      return;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    FeedStatusStore.PollCounts counts = ar.succeeded() ? ar.result() : null;
    FingerpostMetrics.of(vertx).feedPolled(config.name(), took, ar.succeeded(),
        counts == null ? 0 : counts.read(), counts == null ? 0 : counts.rejected());
    if (ar.succeeded()) {
      succeeded(counts, took);
    } else {
      retry.failed(ar.cause());
    }
  }

  /**
   * Sums the indicators' outcomes; fails when every indicator failed, or with the lost lease when one of them found
   * this member no longer holds the feed (an indicator's load fails only for that).
   */
  private Future<FeedStatusStore.PollCounts> finish(int total, List<Future<IndicatorLoad.Outcome>> outcomes) {
    for (Future<IndicatorLoad.Outcome> f : outcomes) {
      if (f.failed()) {
        return Future.failedFuture(f.cause());
      }
    }
    long read = 0;
    long rejected = 0;
    BatchResult written = BatchResult.EMPTY;
    List<String> failed = new ArrayList<>();
    for (Future<IndicatorLoad.Outcome> f : outcomes) {
      IndicatorLoad.Outcome o = f.result();
      if (o.ok()) {
        read += o.read();
        rejected += o.rejected();
        written = written.plus(o.written());
      } else {
        failed.add(o.indicatorId() + ": " + o.error().message());
      }
    }
    if (!failed.isEmpty() && failed.size() == total) {
      return Future.failedFuture(new java.io.IOException("every indicator failed; first " + failed.get(0)));
    }
    String warn = failed.isEmpty() ? null : failed.size() + " of " + total + " indicators failed: "
        + String.join("; ", failed.subList(0, Math.min(3, failed.size()))) + (failed.size() > 3 ? "; …" : "");
    FeedStatusStore.PollCounts counts = new FeedStatusStore.PollCounts(read, written.inserted(), written.updated(),
        read - rejected - written.inserted() - written.updated(), rejected, warn);
    return status.pollSucceeded(config.name(), counts, FINGERPRINT, retry.nextPoll()).map(v -> counts);
  }

  private void succeeded(FeedStatusStore.PollCounts counts, Duration took) {
    retry.warning(counts.warning());
    if (counts.warning() != null) {
      LOG.warn("Feed {}: {}", config.name(), counts.warning());
    }
    LOG.info("Feed {}: read {} rows in {} ms: {} new, {} revised, {} rejected", config.name(), counts.read(),
        took.toMillis(), counts.inserted(), counts.updated(), counts.rejected());
    FeedStatus.Rows rows = new FeedStatus.Rows(counts.read(), counts.inserted(), counts.updated(), counts.unchanged(),
        counts.rejected());
    retry.succeeded(new FeedStatus.Read(counts.read() == 0, took.toMillis(), rows, null));
  }
}
