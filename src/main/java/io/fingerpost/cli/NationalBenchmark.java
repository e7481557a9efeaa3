package io.fingerpost.cli;

import io.fingerpost.config.DatabaseConfig;
import io.fingerpost.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The national-scale run (issue 14 item 4), a benchmark command, not a test:
 * {@code java -jar target/fingerpost.jar bench-national [--scale 0.01,0.1,1] …}. For each scale it generates
 * {@link NationalData} (scale 1: every English district and UA × 500 indicators × 6 breakdowns × 10 periods =
 * 1.01 million series, 10.1 million observations, one Fingertips all_data file per indicator), starts an
 * embedded PostgreSQL (or uses {@code --url}), runs the service as a child JVM on it with one fingertips-csv feed
 * per file, targets on every tenth indicator and {@code metrics: {scope: all, maxSeries}}, and measures: the
 * first load (to {@code /ready}), an unchanged poll and a poll after a few values of one indicator changed
 * (only those written), the evaluation of the changed series, {@code /metrics} (plain and gzip) and the API
 * under wrk; for each step the child's peak used heap (GC log) and, after the load, the database's size. The
 * scales' figures are printed side by side with per-unit costs, so what grows worse than linearly is read
 * from the output.
 */
public final class NationalBenchmark {

  static final int CHANGED = 5;

  private NationalBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  record Options(List<Double> scales, String url, String user, String password, int maxSeries, String heap,
                 int seconds, int connections, String interval, int timeoutMinutes, Path dir, boolean keep) {}

  public static int run(String[] args) throws Exception {
    List<Double> scales = new ArrayList<>(List.of(0.01, 0.1, 1.0));
    String url = null;
    String user = "postgres";
    String password = null;
    int maxSeries = 100_000;
    String heap = "4g";
    int seconds = 5;
    int connections = 32;
    String interval = "5s";
    int timeout = 240;
    Path dir = null;
    boolean keep = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--scale" -> {
            scales.clear();
            for (String s : args[++i].split(",")) {
              scales.add(Double.parseDouble(s.trim()));
            }
          }
          case "--url" -> url = args[++i];
          case "--user" -> user = args[++i];
          case "--password" -> password = args[++i];
          case "--max-series" -> maxSeries = Integer.parseInt(args[++i]);
          case "--heap" -> heap = args[++i];
          case "--seconds" -> seconds = Integer.parseInt(args[++i]);
          case "--connections" -> connections = Integer.parseInt(args[++i]);
          case "--interval" -> interval = args[++i];
          case "--timeout-minutes" -> timeout = Integer.parseInt(args[++i]);
          case "--dir" -> dir = Path.of(args[++i]);
          case "--keep" -> keep = true;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (url != null && scales.size() > 1) {
        throw new IllegalArgumentException("--url takes one --scale (each scale needs an empty database)");
      }
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: bench-national [--scale F[,F…]] [--url postgresql://… --user U --password P]"
          + " [--max-series N] [--heap 4g] [--seconds S] [--connections C] [--interval 5s]"
          + " [--timeout-minutes M] [--dir DIR] [--keep]");
      return 2;
    }
    Options o = new Options(scales, url, user, password, maxSeries, heap, seconds, connections, interval, timeout,
        dir == null ? Files.createTempDirectory("fingerpost-national") : dir, keep);
    List<String[]> areas = NationalData.englishDistrictsAndUas();
    System.out.printf(Locale.ROOT, "%d English districts and UAs (bundled tidy series); scales %s; child -Xmx%s%n",
        areas.size(), scales, heap);
    NationalReport report = new NationalReport(scales);
    for (double scale : scales) {
      Map<String, Double> figures = runScale(o, new NationalData(scale, areas));
      report.add(scale, figures);
      report.print(System.out); // after every scale: a run stopped at a larger scale keeps the smaller ones' table
    }
    if (!o.keep()) {
      LoadBenchmark.deleteTree(o.dir());
    }
    return 0;
  }

  static Map<String, Double> runScale(Options o, NationalData data) throws Exception {
    Map<String, Double> f = new java.util.LinkedHashMap<>();
    Path dir = o.dir().resolve("scale-" + data.scale);
    Files.createDirectories(dir);
    System.out.printf(Locale.ROOT, "%n== scale %s: %d indicators × %d areas × %d breakdowns × %d periods ="
            + " %,d series, %,d observations; %,d targets%n", data.scale, data.indicators, data.areas.size(),
        NationalData.BREAKDOWNS.length, NationalData.PERIODS, data.series(), data.observations(), data.targets());
    f.put("observations", (double) data.observations());
    f.put("series", (double) data.series());
    f.put("targets", (double) data.targets());

    long t = System.nanoTime();
    long bytes = data.writeAll(dir);
    Files.writeString(dir.resolve("targets.yaml"), data.targetsYaml());
    f.put("CSV MB", bytes / 1e6);
    step("generated " + String.format(Locale.ROOT, "%,d bytes", bytes), t);

    Vertx vertx = Vertx.vertx();
    Database db = Database.start(vertx, new Database.Options(new DatabaseConfig(o.url(), o.user(), o.password(),
        dir.resolve("pgdata").toString(), 4), true, Map.of())).await(10, TimeUnit.MINUTES);
    try {
      PgConnectOptions pg = db.connectOptions();
      String dbUrl = "postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase();
      int port = freePort();
      Path config = dir.resolve("config.yaml");
      Files.writeString(config, data.configYaml(dir, port, dbUrl, pg.getUser(), pg.getPassword(), o.maxSeries(),
          o.interval()));
      try (ServiceProbe svc = ServiceProbe.start(dir, config, port, o.heap())) {
        Duration limit = Duration.ofMinutes(o.timeoutMinutes());
        // the load: from the service answering /health (JVM, database pool, migrations, verticles: a fixed
        // cost, reported apart) to /ready (every feed's first poll stored and evaluated)
        f.put("start to /health s", svc.await("/health", limit, () -> svc.status("/health") == 200));
        double ready = svc.await("/ready", limit, () -> svc.status("/ready") == 200);
        Row loaded = one(db, "SELECT count(*) AS n, sum(rows_inserted) AS ins FROM feed_status WHERE first_success IS NOT NULL");
        LoadBenchmark.check(loaded.getLong("ins") == data.observations(),
            "first load inserted " + loaded.getLong("ins") + " of " + data.observations());
        f.put("first load (/health to /ready) s", ready);
        f.put("first load obs/s", data.observations() / ready);
        heap(svc, f, "first load");
        System.out.printf(Locale.ROOT, "  first load: %,d rows in %.1f s (%,.0f rows/s) to /ready%n",
            data.observations(), ready, data.observations() / ready);
        dbSize(db, f);

        // an unchanged poll of the changed indicator's file (its feed polls every --interval): the content hash
        Instant afterReady = Instant.now();
        svc.await("an unchanged poll", limit, () -> lastFinished(db) != null && lastFinished(db).isAfter(afterReady));
        Row idle = feed0(db);
        f.put("unchanged poll of one file ms", millisBetween(idle, "last_poll_started", "last_poll_finished"));
        heap(svc, f, "idle");

        // a few values of one indicator changed: only they are written, their targets evaluated
        double[] before = evaluatorIdle(svc, Double.NEGATIVE_INFINITY, limit);
        Instant changedAt = Instant.now();
        data.write(data.file(dir, 0), 0, CHANGED, 1.5);
        svc.await("the changed file's poll", limit, () -> {
          Row r = feed0(db);
          return r != null && r.getOffsetDateTime("last_poll_started").toInstant().isAfter(changedAt)
              && r.getOffsetDateTime("last_poll_finished") != null
              && !r.getOffsetDateTime("last_poll_finished").isBefore(r.getOffsetDateTime("last_poll_started"));
        });
        Row polled = feed0(db);
        LoadBenchmark.check(polled.getLong("rows_updated") == CHANGED && polled.getLong("rows_inserted") == 0,
            "the changed poll wrote " + polled.getLong("rows_inserted") + " new, " + polled.getLong("rows_updated")
                + " revised rows; expected " + CHANGED + " revised");
        f.put("changed poll (" + CHANGED + " rows revised) ms", millisBetween(polled, "last_poll_started", "last_poll_finished"));
        String[] ids = new String[CHANGED];
        for (int a = 0; a < CHANGED; a++) {
          ids[a] = data.targetId(0, a);
        }
        OffsetDateTime pollStart = polled.getOffsetDateTime("last_poll_started");
        svc.await("the changed series' evaluations", limit, () -> one(db, "SELECT count(DISTINCT target_id) AS n"
            + " FROM evaluation WHERE target_id = ANY($1) AND evaluated_at > $2", ids, pollStart).getLong("n") == CHANGED);
        Row evaluated = one(db, "SELECT max(evaluated_at) AS at FROM evaluation WHERE target_id = ANY($1)", (Object) ids);
        // From the poll's start: the changed-series event goes out when the batch commits, before the poll's end is
        // stored, so the evaluation can finish before "last_poll_finished" (measured from there it read negative).
        f.put("poll start to " + CHANGED + " targets evaluated ms", (double) Duration.between(
            pollStart, evaluated.getOffsetDateTime("at")).toMillis());
        evaluatorWork(svc, before, limit, f);
        heap(svc, f, "change");
        System.out.printf(Locale.ROOT, "  one indicator changed: poll %.0f ms, its targets evaluated %.0f ms after the"
            + " poll started%n", f.get("changed poll (" + CHANGED + " rows revised) ms"),
            f.get("poll start to " + CHANGED + " targets evaluated ms"));

        // /metrics, scope all, capped by maxSeries: wait for the full render, then three scrapes of each kind
        long expected = Math.min(o.maxSeries(), data.series());
        f.put("metrics render after change s", svc.await("/metrics with " + expected + " state sets", limit,
            () -> stateSeries(svc) >= expected));
        scrapes(svc, f);
        heap(svc, f, "metrics");

        // the API under load (--seconds 0: not measured)
        if (o.seconds() > 0) {
          apiLoad(svc, data, o, f);
          heap(svc, f, "API load");
        }
      }
    } finally {
      db.close().await(5, TimeUnit.MINUTES);
      vertx.close().await(1, TimeUnit.MINUTES);
      if (!o.keep()) {
        LoadBenchmark.deleteTree(dir);
      }
    }
    return f;
  }

  /** Targets evaluated, rounds and their time: counters of the evaluator's rounds (docs/metrics.md). */
  private static final String[] EVALUATOR_SAMPLES = {"fingerpost_evaluation_targets_total",
      "fingerpost_evaluation_batch_duration_seconds_count", "fingerpost_evaluation_batch_duration_seconds_sum"};

  /**
   * What the change cost the evaluator: the targets its rounds evaluated (those of the changed series and of
   * the series they compare with) and the rounds' time, once the rounds have stopped (no new one for 2 s).
   */
  private static void evaluatorWork(ServiceProbe svc, double[] before, Duration limit, Map<String, Double> f)
      throws Exception {
    double[] after = evaluatorIdle(svc, before[1], limit);
    System.out.println("  evaluator counters (targets, rounds, round seconds) before " + java.util.Arrays.toString(before)
        + ", after " + java.util.Arrays.toString(after));
    f.put("change: targets evaluated", after[0] - before[0]);
    f.put("change: rounds evaluated", after[1] - before[1]);
    f.put("change: rounds evaluated ms", (after[2] - before[2]) * 1000);
    System.out.printf(Locale.ROOT, "  the change's evaluation: %.0f targets in %.0f rounds, %.0f ms%n",
        after[0] - before[0], after[1] - before[1], (after[2] - before[2]) * 1000);
  }

  /**
   * The evaluator's counters once more than {@code roundsAbove} rounds are done and none has ended for 2 s (a
   * round ends by adding to its counters one after the other: a scrape between two would split it).
   */
  private static double[] evaluatorIdle(ServiceProbe svc, double roundsAbove, Duration limit) throws Exception {
    double[][] last = {svc.samples(EVALUATOR_SAMPLES)};
    long[] stableSince = {System.nanoTime()};
    svc.await("the evaluator's rounds to end", limit, () -> {
      try {
        Thread.sleep(250);
        double[] now = svc.samples(EVALUATOR_SAMPLES);
        if (!java.util.Arrays.equals(now, last[0])) {
          last[0] = now;
          stableSince[0] = System.nanoTime();
        }
        return !(now[1] <= roundsAbove) && System.nanoTime() - stableSince[0] > 2_000_000_000L;
      } catch (Exception e) {
        return false;
      }
    });
    return last[0];
  }

  private static void scrapes(ServiceProbe svc, Map<String, Double> f) throws Exception {
    for (boolean gzip : new boolean[] {false, true}) {
      List<ServiceProbe.Scrape> s = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        s.add(svc.scrape(gzip));
      }
      s.sort(java.util.Comparator.comparingDouble(ServiceProbe.Scrape::seconds));
      ServiceProbe.Scrape median = s.get(1);
      String kind = gzip ? "gzip" : "plain";
      f.put("/metrics " + kind + " scrape s", median.seconds());
      f.put("/metrics " + kind + " MB", median.bytes() / 1e6);
      if (!gzip) {
        f.put("/metrics state sets", (double) median.stateSeries());
        f.put("/metrics plain bytes a set", median.bytes() / (double) Math.max(1, median.stateSeries()));
      }
      System.out.printf(Locale.ROOT, "  /metrics %s: %.2f s, %,d bytes (median of 3)%n", kind, median.seconds(),
          median.bytes());
    }
  }

  private static void apiLoad(ServiceProbe svc, NationalData data, Options o, Map<String, Double> f)
      throws Exception {
    String ind = NationalData.indicatorId(0);
    String area = data.areas.get(0)[0];
    JsonArray series = svc.array("/api/series?indicator=" + ind + "&area=" + area + "&sex=Persons");
    LoadBenchmark.check(!series.isEmpty(), "no series of " + ind + " in " + area);
    long seriesId = series.getJsonObject(0).getLong("id");
    List<String> paths = List.of("/health", "/api/targets", "/api/targets?limit=100", "/api/targets/" + data.targetId(0, 0),
        "/api/series/" + seriesId + "/observations", "/api/places", "/api/compare?indicator=" + ind);
    for (String p : paths) { // warm-up, discarded: the JIT and the caches
      svc.wrk(p, o.connections(), Math.max(2, o.seconds() / 2));
    }
    double health = 0;
    System.out.printf(Locale.ROOT, "  %-40s %10s %9s %9s %9s%n", "endpoint (" + o.connections() + " connections)",
        "req/s", "p50 ms", "p99 ms", "vs health");
    for (String p : paths) {
      ServiceProbe.Load l = svc.wrk(p, o.connections(), o.seconds());
      if (p.equals("/health")) {
        health = l.rps(); // the reference; 0 (all timed out) prints no ratio rather than NaN
      }
      String key = p.startsWith("/api/series/") ? "/api/series/{id}/observations"
          : p.startsWith("/api/targets/") ? "/api/targets/{id}" : p;
      try {
        f.put(key + " answer KB", svc.get(p).length() / 1e3);
      } catch (IllegalStateException e) { // a non-200 after the load is a finding: keep the run's other figures
        System.out.println("  " + e.getMessage());
      }
      f.put(key + " req/s", l.rps());
      f.put(key + " p99 ms", l.p99ms());
      String vsHealth = health > 0 ? String.format(Locale.ROOT, "%8.0f%%", 100 * l.rps() / health) : "        -";
      System.out.printf(Locale.ROOT, "  %-40s %10.0f %9.2f %9.2f %s %s%n", key, l.rps(), l.p50ms(), l.p99ms(),
          vsHealth, l.errors());
    }
  }

  private static long stateSeries(ServiceProbe svc) {
    try {
      Thread.sleep(2000); // a plain scrape at 100k sets is large: look every few seconds
      return svc.stateSeries();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void heap(ServiceProbe svc, Map<String, Double> f, String step) throws Exception {
    long[] peak = svc.peakHeapMbSinceLastCall();
    if (peak[0] > 0) { // no collection in the step: no figure
      f.put("peak heap MB, " + step, (double) peak[0]);
      f.put("heap committed MB, " + step, (double) peak[1]);
      f.put("heap after GC MB, " + step, (double) peak[2]);
    }
    f.merge("peak heap MB, all steps", (double) peak[0], Math::max);
  }

  private static void dbSize(Database db, Map<String, Double> f) {
    Row r = one(db, "SELECT pg_database_size(current_database()) AS db, pg_relation_size('observation') AS obs,"
        + " pg_indexes_size('observation') AS idx, pg_total_relation_size('series') AS series");
    f.put("database MB", r.getLong("db") / 1e6);
    f.put("observation table MB", r.getLong("obs") / 1e6);
    f.put("observation indexes MB", r.getLong("idx") / 1e6);
    f.put("series table+indexes MB", r.getLong("series") / 1e6);
    System.out.printf(Locale.ROOT, "  database %,.0f MB: observation %,.0f MB + indexes %,.0f MB; series %,.0f MB%n",
        r.getLong("db") / 1e6, r.getLong("obs") / 1e6, r.getLong("idx") / 1e6, r.getLong("series") / 1e6);
  }

  private static Row feed0(Database db) {
    return one(db, "SELECT * FROM feed_status WHERE feed = $1", NationalData.feedName(0));
  }

  private static Instant lastFinished(Database db) {
    Row r = feed0(db);
    OffsetDateTime t = r == null ? null : r.getOffsetDateTime("last_poll_finished");
    return t == null ? null : t.toInstant();
  }

  private static double millisBetween(Row r, String from, String to) {
    return Duration.between(r.getOffsetDateTime(from), r.getOffsetDateTime(to)).toNanos() / 1e6;
  }

  private static Row one(Database db, String sql, Object... params) {
    try {
      var rows = db.pool().preparedQuery(sql).execute(Tuple.from(params)).await(5, TimeUnit.MINUTES);
      return rows.iterator().hasNext() ? rows.iterator().next() : null;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer in 5 minutes: " + sql, e);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void step(String what, long t0) {
    System.out.printf(Locale.ROOT, "  %s in %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
  }
}
