package io.fingerpost.metrics;

import io.fingerpost.meters.RenderedState;

import io.fingerpost.meters.FingerpostMetrics;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import io.fingerpost.strategy.Verdicts.Comparison;
import io.fingerpost.strategy.Verdicts.SpcPoint;
import io.fingerpost.strategy.Verdicts.Trend;
import io.fingerpost.strategy.TargetContext;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): the cost of {@code GET /metrics} with N monitored series (default 100,000), against
 * the same scrape with no indicator state (the reference, measured in the same run). Prints the render of
 * every state as the service does it at start (segments in parallel, {@link StateSegments#reset}), an
 * incremental refresh of 1% of the targets ({@link StateSegments#touch} + {@link StateSegments#replace}), the
 * exposition's size (plain and gzip, bytes per series), scrape times (median of several runs) over real HTTP,
 * the longest event-loop lag seen meanwhile (a 10 ms timer's lateness) and Vert.x blocked-thread warnings.
 * Scrapes are read by a raw-socket client ({@link RawScrape}: every byte read and counted, no more work than a
 * network read); the plain scrape is also read by the JDK's HttpClient, the client of earlier runs, whose own
 * CPU exceeded the server's. The CPU of each plain scrape is split between server, client and the JVM's own
 * threads ({@link CpuSplit}), since both sides share the process and the cores.
 *
 * <pre>
 * bench/metrics.sh 100000
 * </pre>
 */
public final class MetricsScrapeBenchmark {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<IndicatorState> states = synthetic(n);
    java.util.concurrent.atomic.AtomicInteger blockedWarnings = countBlockedThreadWarnings();

    FingerpostMetrics metrics = FingerpostMetrics.create();
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    try {
      Router router = Router.router(vertx);
      router.get("/metrics").handler(new MetricsHandler(metrics));
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // the event loop's lag: how late a 10 ms timer fires (what a blocked loop does to every request)
      java.util.concurrent.atomic.AtomicLong maxLagNanos = new java.util.concurrent.atomic.AtomicLong();
      long[] last = {System.nanoTime()};
      vertx.setPeriodic(10, id -> {
        long now = System.nanoTime();
        maxLagNanos.accumulateAndGet(now - last[0] - 10_000_000L, Math::max);
        MEASURED_LAG.accumulateAndGet(now - last[0] - 10_000_000L, Math::max);
        last[0] = now;
      });

      Scrape emptyPlain = scrape(uri, false, runs);
      Scrape emptyGzip = scrape(uri, true, runs);
      Scrape emptyPlainJdk = scrape(client, uri, false, runs);

      // full render (start-up, or after the states outgrew their segments), median of 3
      long[] renders = new long[3];
      StateSegments segments = new StateSegments(s -> s.target().targetId());
      for (int i = 0; i < renders.length; i++) {
        long t0 = System.nanoTime();
        segments.reset(states);
        renders[i] = System.nanoTime() - t0;
      }
      java.util.Arrays.sort(renders);
      // incremental refreshes: one indicator's targets (ids sharing a prefix, as per-place targets do), and 1%
      // of the targets spread over every segment (the worst case: every segment is rendered again)
      double oneIndicator = increment(segments, states, s -> s.target().targetId().startsWith("t-90007-"));
      // (by a hash of the id: every hundredth state in id order would fall in a few indicators, i.e. few segments)
      double spread = increment(segments, states, s -> Math.floorMod(s.target().targetId().hashCode() * 0x9E3779B9, 100) == 7);
      RenderedState rendered = IndicatorStateExposition.assemble(segments.segments());
      metrics.indicatorState(rendered, 0);

      maxLagNanos.set(0);
      CpuSplit cpu = CpuSplit.start();
      Scrape fullPlain = scrape(uri, false, runs);
      CpuSplit.Use plainCpu = cpu.perScrape(runs + 2);
      Scrape fullGzip = scrape(uri, true, runs);
      long lagRaw = maxLagNanos.getAndSet(0);
      CpuSplit jdkCpu = CpuSplit.start();
      Scrape fullPlainJdk = scrape(client, uri, false, runs);
      CpuSplit.Use plainJdkCpu = jdkCpu.perScrape(runs + 2);

      System.out.printf("monitored series (targets): %,d; samples: %,d; segments: %,d%n", rendered.states(),
          rendered.samples(), segments.segments().size());
      System.out.printf("render, every state (start-up): %.0f ms (median of 3)%n", renders[1] / 1e6);
      System.out.printf("render, incremental: one indicator's %,d targets changed %.0f ms; 1%% of the targets spread %.0f ms (median of 3)%n",
          states.stream().filter(s -> s.target().targetId().startsWith("t-90007-")).count(), oneIndicator, spread);
      System.out.printf("%-34s %12s %14s %12s%n", "scrape", "median ms", "bytes", "ratio (time)");
      print("no indicator state, plain", emptyPlain, emptyPlain);
      print("no indicator state, gzip", emptyGzip, emptyPlain);
      print(n + " series, plain", fullPlain, emptyPlain);
      print(n + " series, gzip", fullGzip, emptyPlain);
      print("no indicator state, plain, JDK client", emptyPlainJdk, emptyPlain);
      print(n + " series, plain, JDK client", fullPlainJdk, emptyPlainJdk);
      System.out.printf("bytes per series: plain %.0f, gzip %.0f%n",
          (double) (fullPlain.bytes - emptyPlain.bytes) / n, (double) (fullGzip.bytes - emptyGzip.bytes) / n);
      plainCpu.print("CPU a plain scrape (raw client)");
      plainJdkCpu.print("CPU a plain scrape (JDK client)");
      System.out.printf("event loop: longest lag during the scrapes %.0f ms; blocked-thread warnings (whole run): %d%n",
          lagRaw / 1e6, blockedWarnings.get());
      System.out.printf("event loop: longest lag during the JDK client's scrapes %.0f ms%n", maxLagNanos.get() / 1e6);
      System.out.printf("event loop: longest lag in the measured scrapes (warm-ups left out): plain %.0f ms, gzip %.0f ms, plain with the JDK client %.0f ms%n",
          fullPlain.lagMs(), fullGzip.lagMs(), fullPlainJdk.lagMs());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Median ms of three incremental refreshes of the states matching {@code changed}, as the verticle does them. */
  static double increment(StateSegments segments, List<IndicatorState> states,
      java.util.function.Predicate<IndicatorState> changed) {
    long[] ms = new long[3];
    for (int i = 0; i < ms.length; i++) {
      List<String> ids = states.stream().filter(changed).map(s -> s.target().targetId()).toList();
      long t0 = System.nanoTime();
      StateSegments.Touch touch = segments.touch(ids, 0);
      java.util.Set<String> keys = new java.util.HashSet<>(touch.keys());
      // what the database read returns: the touched segments' states
      List<IndicatorState> read = states.stream().filter(s -> keys.contains(s.target().targetId())).toList();
      segments.replace(touch.segments(), read);
      IndicatorStateExposition.assemble(segments.segments());
      ms[i] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(ms);
    return ms[1] / 1e6;
  }

  /** Counts Vert.x's blocked-thread warnings (logged by its BlockedThreadChecker through SLF4J/logback). */
  static java.util.concurrent.atomic.AtomicInteger countBlockedThreadWarnings() {
    java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        "io.vertx.core.impl.BlockedThreadChecker");
    ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> counter = new ch.qos.logback.core.AppenderBase<>() {
      @Override
      protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
        count.incrementAndGet();
      }
    };
    counter.setContext(logger.getLoggerContext());
    counter.start();
    logger.addAppender(counter);
    return count;
  }

  /** The longest event-loop lag since the first measured scrape of the current {@link #median} began. */
  static final java.util.concurrent.atomic.AtomicLong MEASURED_LAG = new java.util.concurrent.atomic.AtomicLong();

  record Scrape(double medianMs, long bytes, double lagMs) {}

  /** Median of {@code runs} scrapes (after two warm-up scrapes) read by the raw client ({@link RawScrape}). */
  static Scrape scrape(URI uri, boolean gzip, int runs) throws Exception {
    return median(runs, () -> RawScrape.get(uri, gzip));
  }

  /**
   * The same through the JDK's HttpClient (the client this benchmark used before: it costs more CPU than the
   * server's side of a plain scrape, on the same 2 cores; kept as a second line for comparison).
   */
  static Scrape scrape(HttpClient client, URI uri, boolean gzip, int runs) throws Exception {
    byte[] buffer = new byte[1 << 16];
    return median(runs, () -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2));
      if (gzip) b.header("Accept-Encoding", "gzip");
      // read as a scraper does, as it arrives, counting the bytes (holding hundreds of MB in the client would
      // measure the client's garbage collector, and its pauses would show as the server's event-loop lag)
      HttpResponse<java.io.InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      long got = 0;
      try (java.io.InputStream in = r.body()) {
        for (int k; (k = in.read(buffer)) >= 0; ) got += k;
      }
      if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
      long declared = r.headers().firstValueAsLong("content-length").orElse(got);
      if (declared != got) throw new IllegalStateException("content-length " + declared + " but " + got + " bytes");
      return got;
    });
  }

  interface Fetch {
    /** One whole scrape; returns the body's bytes, every one read. */
    long get() throws Exception;
  }

  static Scrape median(int runs, Fetch fetch) throws Exception {
    double[] ms = new double[runs];
    long bytes = 0;
    for (int i = -2; i < runs; i++) { // two warm-up runs
      if (i == 0) MEASURED_LAG.set(0);
      long t0 = System.nanoTime();
      long got = fetch.get();
      long took = System.nanoTime() - t0;
      if (i >= 0) {
        ms[i] = took / 1e6;
        bytes = got;
      }
    }
    java.util.Arrays.sort(ms);
    return new Scrape(ms[runs / 2], bytes, MEASURED_LAG.get() / 1e6);
  }

  static void print(String name, Scrape s, Scrape reference) {
    System.out.printf("%-34s %12.1f %,14d %12.1f%n", name, s.medianMs, s.bytes, s.medianMs / reference.medianMs);
  }

  /** Realistic label lengths: national-scale ids and names, a mix of breakdowns, most fields present. */
  static List<IndicatorState> synthetic(int n) {
    String[] groups = {"ICS long term", "Place and locality medium term", "Community inequality medium term"};
    String[] teams = {"children-and-young-people", "adult-social-care", "primary-care-networks", "public-health"};
    TargetStatus[] statuses = {TargetStatus.ON_TRACK, TargetStatus.AT_RISK, TargetStatus.OFF_TRACK, TargetStatus.NOT_ENOUGH_DATA};
    Comparison[] comparisons = {Comparison.BETTER, Comparison.SIMILAR, Comparison.WORSE, Comparison.NOT_COMPARED};
    Trend[] trends = {Trend.INCREASING_GETTING_WORSE, Trend.NO_SIGNIFICANT_CHANGE, Trend.DECREASING_GETTING_BETTER, Trend.CANNOT_BE_CALCULATED};
    SpcPoint[] spc = {SpcPoint.COMMON_CAUSE, SpcPoint.SPECIAL_CAUSE_CONCERN, SpcPoint.SPECIAL_CAUSE_IMPROVEMENT};
    List<IndicatorState> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int indicator = 90000 + i % 400;
      int area = i / 400;
      boolean deprivation = i % 10 == 0;
      out.add(new IndicatorState(new TargetContext(
          "t-" + indicator + "-E0" + (8000000 + area) + (deprivation ? "-decile" : ""),
          "Indicator " + indicator + " in area " + area,
          String.valueOf(indicator), "Under 75 mortality rate from causes considered preventable, indicator " + indicator, "per 100,000",
          "E0" + (8000000 + area), "Local authority number " + area, i % 2 == 0 ? "Persons" : "Female", "All ages",
          deprivation ? "County & UA deprivation deciles in England (IMD2019)" : "",
          deprivation ? "Most deprived decile (IMD2019)" : "",
          groups[i % 3], teams[i % 4], "2032", 120.0, i % 3 == 0 ? "10" : "5", "decrease"),
          new Evaluation("t-" + indicator, (long) i, "2020 - 22", 2021.5, 1,
              new Evaluation.Trajectory(statuses[i % 4], statuses[i % 4], i % 7 == 0, 138.0, -2.5, 1.0, 2.0, 150.0, 120.0),
              new Evaluation.Observed(140.0 + i % 50, 130.0 + i % 50, 150.0 + i % 50),
              new Verdicts(Verdict.of(comparisons[i % 4]), Verdict.of(comparisons[(i + 1) % 4]), Verdict.of(trends[i % 4]),
                  Verdict.of(spc[i % 3]), Verdict.of(Verdicts.Assurance.INCONSISTENT)),
              new Evaluation.Gap(deprivation ? 40.0 : null, deprivation ? 1.8 : null, deprivation ? 55.0 : null,
                  deprivation ? Boolean.TRUE : null),
              new Evaluation.Projection(135.0, 120.0, 150.0, 0.42), null, null, null),
          statuses[(i + 1) % 4], Instant.parse("2026-11-23T09:00:00Z")));
    }
    return out;
  }
}
