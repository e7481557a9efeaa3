package io.fingerpost.feed;

import static io.fingerpost.Waits.waitUntil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.Main;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.io.BufferedWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 4: the service (a child JVM on its embedded PostgreSQL) is killed with SIGKILL at a
 * random point of a 120k-row first load of a Fingertips file, with targets on the file's series and every
 * alert routed to a webhook here; a second service starts on the same data directory. It starts on the first
 * attempt (the orphaned postmaster is stopped), finishes the load as an initial load (history: no
 * notification, nothing in the outbox), and the stored rows are exactly the file's: same count, same
 * order-independent checksum, no revision (nothing written twice).
 */
class FirstLoadCrashTest {

  // 120k rows (was 300k): the kill still lands in the middle of a COPY load of 24 batches, at a fraction of the
  // cost on a loaded machine (the test came close to its 5-minute limit with 8 suites on 2 cores).
  static final int ROWS = 120_000;
  static final int YEARS = 3;
  static final int INDICATORS = 20;
  static final int BREAKDOWNS = 5;
  /** Areas per indicator, breakdown and year: 400. */
  static final int AREAS = ROWS / (YEARS * INDICATORS * BREAKDOWNS);
  static final int TARGETS = 20;

  @TempDir
  Path dir;

  @Test
  void killNineDuringTheFirstLoadThenRestartNotifiesNobodyAndLosesNothing() throws Exception {
    long seed = System.nanoTime();
    int killAt = 15_000 + new Random(seed).nextInt(ROWS * 3 / 4 - 15_000); // 15k to 90k: a quarter left at least
    System.out.println("FirstLoadCrashTest: kill after " + killAt + " stored rows (seed " + seed + ")");
    Path csv = dir.resolve("export.csv");
    long expected = generate(csv);
    Path dataDir = dir.resolve("pgdata");
    Vertx vertx = Vertx.vertx();
    AtomicInteger notifications = new AtomicInteger();
    HttpServer hook = vertx.createHttpServer()
        .requestHandler(req -> req.body().onComplete(b -> {
          notifications.incrementAndGet();
          req.response().setStatusCode(200).end();
        }))
        .listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    Path config = writeConfig(csv, "http://127.0.0.1:" + hook.actualPort() + "/alerts");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Process first = null;
    Process second = null;
    try {
      first = startService(config, dataDir, freePort(), "first");
      Pool pool = awaitDatabase(vertx, dataDir, first, "first");
      long stored;
      try {
        Process p = first;
        java.util.concurrent.atomic.AtomicBoolean copying = new java.util.concurrent.atomic.AtomicBoolean();
        waitUntil("stored rows to reach " + killAt, Duration.ofSeconds(120), () -> {
          if (!p.isAlive()) {
            throw new AssertionError("the first service exited: " + log("first"));
          }
          // the load's batches go through COPY (issue 14): its JDBC sessions are named so
          copying.compareAndSet(false, countOrZero(pool,
              "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fingerpost-copy'") > 0);
          return countOrZero(pool, "SELECT count(*) FROM observation") >= killAt;
        });
        first.destroyForcibly(); // SIGKILL in the middle of the load
        assertTrue(copying.get(), "the first load wrote through COPY");
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the first service is gone");
        // The orphaned postmaster still answers: what the killed load committed.
        stored = count(pool, "SELECT count(*) FROM observation");
        assertTrue(stored > 0 && stored < ROWS, "killed in the middle of the load: " + stored + " rows stored");
        assertNull(pool.query("SELECT first_success FROM feed_status WHERE feed = 'national'").execute()
            .await(10, TimeUnit.SECONDS).iterator().next().getValue(0), "the first load had not completed");
      } finally {
        pool.close().await(10, TimeUnit.SECONDS); // a session left open would hold the orphan's smart shutdown
      }
      System.out.println("FirstLoadCrashTest: killed with " + stored + " rows stored");

      int port2 = freePort();
      second = startService(config, dataDir, port2, "second");
      awaitReady(http, port2, second, "second");
      Pool pool2 = awaitDatabase(vertx, dataDir, second, "second");
      try {
        waitUntil("the first load completed and its evaluations and alerts settled", Duration.ofSeconds(120),
            () -> count(pool2, "SELECT count(*) FROM feed_status WHERE feed = 'national' AND first_success IS NOT NULL")
                == 1 && settled(pool2));
        Thread.sleep(2000); // a notification would be delivered by now (poll interval 500 ms)
        assertEquals(ROWS, count(pool2, "SELECT count(*) FROM observation"), "every row of the file, once");
        assertEquals(expected, checksum(pool2), "the stored rows are the file's rows");
        assertEquals(0, count(pool2, "SELECT count(*) FROM observation WHERE revision <> 1"), "no row written twice");
        assertEquals(0, count(pool2, "SELECT count(*) FROM observation_revision"));
        assertTrue(count(pool2, "SELECT count(*) FROM alert_transition WHERE to_state = 'firing'") > 0,
            "the history makes alerts fire (so notifications would be visible)");
        assertEquals(0, count(pool2, "SELECT count(*) FROM alert_transition WHERE notified OR NOT initial_load"),
            "every transition is history; not history: " + text(pool2, "SELECT string_agg(concat_ws(' ',"
                + " labels->>'rule', labels->>'target', labels->>'feed', reason, 'evaluation', evaluation_id,"
                + " 'at', at), '; ') FROM alert_transition WHERE notified OR NOT initial_load"));
        assertEquals(0, count(pool2, "SELECT count(*) FROM outbox"), "nothing queued");
        assertEquals(0, notifications.get(), "nobody notified");
      } finally {
        pool2.close().await(10, TimeUnit.SECONDS);
      }
    } finally {
      stop(first);
      stop(second);
      stopPostmaster(dataDir);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A national export as {@code cli.LoadBenchmark} writes it (rows ordered by year: a kill leaves series with
   * part of their history), 20 indicators × 400 areas × 5 breakdowns × 3 years. Returns its checksum.
   */
  private static long generate(Path file) throws Exception {
    Random rnd = new Random(42);
    String[][] breakdowns = {{"Male", "", ""}, {"Female", "", ""}, {"Persons", "", ""},
        {"Persons", "District & UA deprivation deciles in England (IMD2019)", "Most deprived decile (IMD2019)"},
        {"Persons", "District & UA deprivation deciles in England (IMD2019)", "Least deprived decile (IMD2019)"}};
    long sum = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
          + "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Count,Denominator\n");
      for (int k = 0; k < ROWS; k++) {
        int year = 2000 + k / (ROWS / YEARS);
        int ind = (k % (ROWS / YEARS)) / (AREAS * BREAKDOWNS);
        int area = (k / BREAKDOWNS) % AREAS;
        String[] b = breakdowns[k % 5];
        double den = 10_000 + rnd.nextInt(500_000);
        double count = Math.floor(den * (0.05 + 0.2 * rnd.nextDouble()));
        String value = String.format(Locale.ROOT, "%.4f", 100_000 * count / den);
        String areaCode = String.format(Locale.ROOT, "E%08d", 6_000_000 + area);
        w.write(String.format(Locale.ROOT,
            "%d,\"Indicator %d, rate per 100,000\",E12000005,West Midlands region,%s,Area %d,UA,%s,All ages,"
                + "%s,%s,%d,%s,,,%.0f,%.0f%n",
            90_000 + ind, ind, areaCode, area, b[0], b[1], b[2], year, value, count, den));
        sum += hash((90_000 + ind) + "|" + areaCode + "|" + b[0] + "|" + b[2] + "|" + year + "|"
            + Double.parseDouble(value) + "|" + count + "|" + den);
      }
    }
    return sum;
  }

  /** The same checksum over the stored rows (a sum of row hashes: order-independent, counts duplicates). */
  private static long checksum(Pool pool) throws Exception {
    long sum = 0;
    for (Row r : pool.query("""
        SELECT s.indicator_id, s.area_code, s.sex, s.category, o.period, o.value, o.count, o.denominator
        FROM observation o JOIN series s ON s.id = o.series_id""").execute().await(60, TimeUnit.SECONDS)) {
      sum += hash(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|"
          + r.getString(4) + "|" + r.getDouble(5) + "|" + r.getDouble(6) + "|" + r.getDouble(7));
    }
    return sum;
  }

  /** FNV-1a, 64 bits. */
  private static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  /** One Fingertips feed; a decrease target on the Persons series of area 0 of every indicator; one webhook. */
  private Path writeConfig(Path csv, String hookUrl) throws Exception {
    StringBuilder targets = new StringBuilder("targets:\n");
    for (int i = 0; i < TARGETS; i++) {
      targets.append("""
            - id: t%d
              name: Target %d
              indicator: "%d"
              area: E06000000
              sex: Persons
              age: All ages
              team: ops
              direction: decrease
              baseline: {period: "2000"}
              target: {period: "2010", value: 100}
              tolerance: {amber: 50, red: 100}
          """.formatted(i, i, 90_000 + i));
    }
    Path targetsFile = dir.resolve("targets.yaml");
    Files.writeString(targetsFile, targets.toString());
    String yaml = """
        push: {token: crash-token}
        targets:
          files: ["%s"]
        feeds:
          - name: national
            type: fingertips-csv
            source: "%s"
            interval: 1h
        alerts:
          externalUrl: http://127.0.0.1:8080
          receivers:
            hook: {type: webhook, url: "%s", timeout: 5s}
          defaultReceivers: [hook]
          delivery: {initialBackoff: 200ms, maxBackoff: 1s, pollInterval: 500ms}
        """.formatted(targetsFile, csv, hookUrl);
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private Process startService(Path config, Path dataDir, int port, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    // Smaller batches: more points at which the kill can land.
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1",
        "-Dfingerpost.load.batchSize=5000", "-cp", cp,
        Main.class.getName(), "--config", config.toString(), "--port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().remove("FINGERPOST_DATABASE_URL");
    pb.environment().put("FINGERPOST_DATA_DIR", dataDir.toString());
    return pb.start();
  }

  /** Connects to the child's embedded server as the service does (its password file, its postmaster.pid port). */
  private Pool awaitDatabase(Vertx vertx, Path dataDir, Process p, String name) throws Exception {
    Pool[] pool = new Pool[1];
    waitUntil("the embedded database of the " + name + " service", Duration.ofSeconds(90), () -> {
      if (!p.isAlive()) {
        throw new AssertionError("the " + name + " service exited: " + log(name));
      }
      Path pwFile = dataDir.resolve("fingerpost-password");
      Path pidFile = dataDir.resolve("postmaster.pid");
      if (!Files.exists(pwFile) || !Files.exists(pidFile)) {
        return false;
      }
      List<String> pid = Files.readAllLines(pidFile);
      if (pid.size() < 4) {
        return false;
      }
      Pool candidate = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
          .connectingTo(new PgConnectOptions().setHost("localhost").setPort(Integer.parseInt(pid.get(3).trim()))
              .setDatabase("postgres").setUser("postgres").setPassword(Files.readString(pwFile).trim()))
          .using(vertx).build();
      try {
        candidate.query("SELECT 1").execute().await(5, TimeUnit.SECONDS);
        pool[0] = candidate;
        return true;
      } catch (Exception e) {
        candidate.close();
        return false;
      }
    });
    return pool[0];
  }

  private void awaitReady(HttpClient http, int port, Process p, String name) throws Exception {
    waitUntil("the " + name + " service ready on port " + port, Duration.ofSeconds(120), () -> {
      if (!p.isAlive()) {
        throw new AssertionError("the " + name + " service exited (start failed): " + log(name));
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (java.io.IOException e) {
        return false; // not listening yet
      }
    });
  }

  private String log(String name) throws Exception {
    return Files.readString(dir.resolve(name + ".log"));
  }

  private static void stop(Process p) throws Exception {
    if (p != null && p.isAlive()) {
      p.destroy(); // SIGTERM: the shutdown hook stops the embedded server
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The postmaster our children started, should one be left (a failed test): stopped by its pid. */
  private static void stopPostmaster(Path dataDir) throws Exception {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (Files.exists(pidFile)) {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false))
          .ifPresent(h -> {
            h.destroy();
            h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
          });
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private String lastState = "";
  private int stableFor;

  /** True once evaluations, transitions and the outbox have not changed for four calls. */
  private boolean settled(Pool pool) throws Exception {
    String now = count(pool, "SELECT count(*) FROM evaluation") + "/" + count(pool, "SELECT count(*) FROM alert_transition")
        + "/" + count(pool, "SELECT count(*) FROM outbox");
    stableFor = now.equals(lastState) ? stableFor + 1 : 0;
    lastState = now;
    return stableFor >= 4;
  }

  private static String text(Pool pool, String sql) throws Exception {
    return pool.query(sql).execute().await(30, TimeUnit.SECONDS).iterator().next().getString(0);
  }

  private static long count(Pool pool, String sql) throws Exception {
    return pool.query(sql).execute().await(30, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  /** 0 while the migrations have not created the table. */
  private static long countOrZero(Pool pool, String sql) {
    try {
      return count(pool, sql);
    } catch (Exception e) {
      return 0;
    }
  }
}
