package io.fingerpost.meters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's Prometheus registry and the one place where its meters are defined. The other parts record
 * their service metrics through the methods below ({@code FingerpostMetrics.of(vertx).feedPolled(...)}), so
 * meter names, tags and histogram buckets stay consistent with docs/metrics.md. Indicator state is not a
 * set of micrometer gauges but a pre-rendered block ({@link RenderedState}) that the metrics part refreshes
 * when evaluations are created, so a scrape only copies bytes. This package depends on no other part of
 * Fingerpost, so every part may record meters without a cycle.
 *
 * <p>Start-up: {@code FingerpostMetrics m = FingerpostMetrics.create(); Vertx vertx =
 * m.vertxBuilder(options).build(); m.bind(vertx);} then the metrics part routes {@code GET /metrics}.
 */
public final class FingerpostMetrics {

  /** Histogram buckets (seconds) for feed polls, store batches, evaluation batches and deliveries. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
    Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
    Duration.ofSeconds(300)
  };

  private static final String LOCAL_MAP = "fingerpost.metrics";

  private final PrometheusMeterRegistry registry;
  private volatile RenderedState indicatorState;
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> consecutiveFailures = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> expectedInterval = new ConcurrentHashMap<>();
  private final AtomicLong outboxDepth = new AtomicLong();
  private final AtomicLong outboxOldestAge = new AtomicLong();
  private final MultiGauge alertsFiring;
  private final AtomicLong stateSeries = new AtomicLong();
  private final AtomicLong stateSeriesDropped = new AtomicLong();
  private final AtomicLong stateLastRefresh = new AtomicLong();

  private FingerpostMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("fingerpost.build.info", () -> 1)
        .description("Build of the running service (always 1).")
        .tag("version", version())
        .register(registry);
    Gauge.builder("fingerpost.outbox.depth", outboxDepth, AtomicLong::get)
        .description("Alert notifications waiting in the outbox.").register(registry);
    Gauge.builder("fingerpost.outbox.oldest.age", outboxOldestAge, AtomicLong::get)
        .baseUnit("seconds").description("Age of the oldest undelivered outbox entry (0 when empty).").register(registry);
    alertsFiring = MultiGauge.builder("fingerpost.alerts.firing")
        .description("Alerts currently firing, by severity and team.").register(registry);
    // present from the start, so dashboards show 0 rather than "no data" before the first batch
    timer("fingerpost.evaluation.batch.duration", "Duration of evaluation batches (changed series to stored evaluations).");
    Counter.builder("fingerpost.evaluations").description("Evaluations written.").register(registry);
    Counter.builder("fingerpost.evaluation.failures").description("Series whose evaluation failed.").register(registry);
    Gauge.builder("fingerpost.metrics.state.series", stateSeries, AtomicLong::get)
        .description("Monitored series and targets exported as indicator-state metrics.").register(registry);
    Gauge.builder("fingerpost.metrics.state.series.dropped", stateSeriesDropped, AtomicLong::get)
        .description("Series left out of the indicator-state metrics because metrics.maxSeries was reached.").register(registry);
    Gauge.builder("fingerpost.metrics.state.last.refresh.timestamp", stateLastRefresh, AtomicLong::get)
        .baseUnit("seconds").description("When the indicator-state metrics were last refreshed (Unix time).").register(registry);
  }

  /** A new registry with the JVM and process binders and the service's own meters. */
  public static FingerpostMetrics create() {
    return new FingerpostMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * The metrics of {@code vertx}: the instance {@link #bind bound} to it, or a new unbound-to-HTTP one bound
   * now (so recording never fails, e.g. in tests that do not serve /metrics).
   */
  public static FingerpostMetrics of(Vertx vertx) {
    Map<String, Holder> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    return map.computeIfAbsent("instance", k -> new Holder(create())).metrics;
  }

  /** Makes this the instance that {@link #of(Vertx)} returns for {@code vertx}. */
  public FingerpostMetrics bind(Vertx vertx) {
    vertx.sharedData().<String, Holder>getLocalMap(LOCAL_MAP).put("instance", new Holder(this));
    return this;
  }

  private record Holder(FingerpostMetrics metrics) implements Shareable {}

  /** A Vert.x builder whose HTTP, event-bus, pool and verticle metrics go to this registry. */
  public VertxBuilder vertxBuilder(VertxOptions options) {
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(false); // bound above, once
    return Vertx.builder()
        .with(new VertxOptions(options).setMetricsOptions(metricsOptions))
        // guarded: a database connection broken before it had a socket metric must not throw (SocketMetricsGuard)
        .withMetrics(new SocketMetricsGuard(new MicrometerMetricsFactory(registry)));
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The indicator-state block of the last refresh; null before the first. */
  public RenderedState indicatorState() {
    return indicatorState;
  }

  /** Publishes a newly rendered indicator-state block ({@code dropped}: states left out by maxSeries). */
  public void indicatorState(RenderedState rendered, long dropped) {
    indicatorState = rendered;
    stateSeries.set(rendered.states());
    stateSeriesDropped.set(dropped);
    stateLastRefresh.set(System.currentTimeMillis() / 1000);
  }

  // ---- feeds ----

  /** A feed is configured to poll every {@code interval}: the feed-stale alert compares against it. */
  public void feedConfigured(String feed, Duration interval) {
    gauge("fingerpost.feed.expected.interval", feed, expectedInterval, "Configured poll interval of the feed.")
        .set(interval.toSeconds());
    gauge("fingerpost.feed.consecutive.failures", feed, consecutiveFailures, "Failed polls since the feed's last success.");
    gauge("fingerpost.feed.last.success.timestamp", feed, lastSuccess, "When the feed last polled successfully (Unix time; 0 never).");
  }

  /** One poll of a feed finished: its duration, outcome and the rows it read and rejected. */
  public void feedPolled(String feed, Duration took, boolean ok, long rowsRead, long rowsRejected) {
    String outcome = ok ? "success" : "failure";
    timer("fingerpost.feed.poll.duration", "Duration of feed polls.", "feed", feed, "outcome", outcome).record(took);
    Counter.builder("fingerpost.feed.polls").description("Feed polls by outcome.")
        .tags("feed", feed, "outcome", outcome).register(registry).increment();
    Counter.builder("fingerpost.feed.rows.read").description("Rows read by the feed (valid or not).")
        .tag("feed", feed).register(registry).increment(rowsRead);
    Counter.builder("fingerpost.feed.rows.rejected").description("Rows rejected by validation (reported with file and line).")
        .tag("feed", feed).register(registry).increment(rowsRejected);
    AtomicLong failures = gauge("fingerpost.feed.consecutive.failures", feed, consecutiveFailures,
        "Failed polls since the feed's last success.");
    AtomicLong last = gauge("fingerpost.feed.last.success.timestamp", feed, lastSuccess,
        "When the feed last polled successfully (Unix time; 0 never).");
    if (ok) {
      failures.set(0);
      last.set(System.currentTimeMillis() / 1000);
    } else {
      failures.incrementAndGet();
    }
  }

  // ---- store ----

  /** The store wrote one batch: duration and how many observations were new, revised or unchanged. */
  public void storeBatch(String feed, Duration took, long inserted, long revised, long unchanged) {
    timer("fingerpost.store.batch.duration", "Duration of observation upsert batches.", "feed", feed).record(took);
    observations(feed, "inserted", inserted);
    observations(feed, "revised", revised);
    observations(feed, "unchanged", unchanged);
  }

  private void observations(String feed, String result, long n) {
    Counter.builder("fingerpost.store.observations").description("Observations upserted, by result.")
        .tags("feed", feed, "result", result).register(registry).increment(n);
  }

  // ---- evaluation ----

  /** The evaluator finished one batch of changed series. */
  public void evaluationBatch(Duration took, long evaluations, long failures) {
    evaluationBatch(took, evaluations, failures, 0);
  }

  /** A round of the evaluator: also how many targets it evaluated (each once, written or not). */
  public void evaluationBatch(Duration took, long evaluations, long failures, long targets) {
    Counter.builder("fingerpost.evaluation.targets").description("Targets evaluated (once a round, whether an evaluation was written or not).")
        .register(registry).increment(targets);
    timer("fingerpost.evaluation.batch.duration", "Duration of evaluation batches (changed series to stored evaluations).").record(took);
    Counter.builder("fingerpost.evaluations").description("Evaluations written.").register(registry).increment(evaluations);
    Counter.builder("fingerpost.evaluation.failures").description("Series whose evaluation failed.").register(registry).increment(failures);
  }

  // ---- alerts and delivery ----

  /** An alert changed state ({@code firing} or {@code resolved}). */
  public void alertTransition(String rule, String severity, String team, String state) {
    Counter.builder("fingerpost.alert.transitions").description("Alert transitions by rule, severity, team and new state.")
        .tags("rule", nz(rule), "severity", nz(severity), "team", nz(team), "state", nz(state))
        .register(registry).increment();
  }

  /** Alerts firing now, by (severity, team): replaces the previous counts. Written only by {@link OperationalQuery}. */
  public void alertsFiring(Map<List<String>, Long> countBySeverityAndTeam) {
    alertsFiring.register(countBySeverityAndTeam.entrySet().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("severity", nz(e.getKey().get(0)), "team", nz(e.getKey().get(1))), e.getValue()))
        .toList(), true);
  }

  /** One delivery attempt of a notification to a receiver. */
  public void delivery(String receiver, Duration took, boolean ok) {
    String outcome = ok ? "success" : "failure";
    timer("fingerpost.delivery.duration", "Duration of notification delivery attempts.", "receiver", receiver, "outcome", outcome).record(took);
    Counter.builder("fingerpost.deliveries").description("Notification delivery attempts by receiver and outcome.")
        .tags("receiver", receiver, "outcome", outcome).register(registry).increment();
  }

  /** Outbox entries waiting and the age of the oldest. Written only by {@link OperationalQuery}. */
  public void outbox(long depth, Duration oldestAge) {
    outboxDepth.set(depth);
    outboxOldestAge.set(oldestAge.toSeconds());
  }

  // ---- helpers ----

  private Timer timer(String name, String description, String... tags) {
    return Timer.builder(name).description(description).tags(tags)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private AtomicLong gauge(String name, String feed, Map<String, AtomicLong> values, String description) {
    return values.computeIfAbsent(feed, f -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder(name, v, AtomicLong::get).description(description).tag("feed", f)
          .baseUnit(name.endsWith("timestamp") || name.endsWith("interval") ? "seconds" : null)
          .register(registry);
      return v;
    });
  }

  private static String version() {
    String v = FingerpostMetrics.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  static long nowSeconds() {
    return TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis());
  }
}
