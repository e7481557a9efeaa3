package io.fingerpost.digest;

import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cronutils.model.time.ExecutionTime;
import io.fingerpost.ReportDigestRenderer;
import io.fingerpost.TestDatabase;
import io.fingerpost.alert.Notification;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.DigestConfig;
import io.fingerpost.config.ReceiverConfig;
import io.fingerpost.report.ReportService;
import io.fingerpost.store.Database;
import io.fingerpost.strategy.TargetsLoader;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Firing is idempotent per (name, scheduled fire time) on a real database: two schedulers (two instances)
 * firing the same digest every second queue each run once, with one outbox row per receiver; the first run
 * looks back to the schedule's previous fire, later ones to the previous run; a restart catches up the
 * latest missed fire only, and a digest seen for the first time catches up nothing.
 */
class DigestSchedulingTest {
  static final Map<String, ReceiverConfig> RECEIVERS = Map.of(
      "mail", new ReceiverConfig("email", null, null, null, new ReceiverConfig.Smtp("127.0.0.1", 25, null, null, null),
          "fingerpost@example.org", List.of("board@example.org")),
      "hook", new ReceiverConfig("webhook", "http://127.0.0.1:9/hook", null, null, null, null, null));

  static Vertx vertx;
  static Database db;
  static Pool pool;
  static ReportService reports;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
    pool = db.pool();
    // the report of the bundled default's targets (none stored here: every digest says nothing changed)
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of());
    reports = new ReportService(vertx, pool, TargetsLoader.load(def), def.config(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    db.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static DigestVerticle verticle(DigestConfig d) {
    return new DigestVerticle(List.of(d), RECEIVERS, pool, new ReportDigestRenderer(reports,
        "http://127.0.0.1:8080"), Clock.systemUTC());
  }

  @Test
  void twoInstancesQueueEachRunOnce() throws Exception {
    DigestConfig d = new DigestConfig("every-second", "* * * * * *", "E08000027", null, null, List.of("mail", "hook"));
    String a = vertx.deployVerticle(verticle(d)).await(10, TimeUnit.SECONDS);
    String b = vertx.deployVerticle(verticle(d)).await(10, TimeUnit.SECONDS);
    waitUntil("four runs", Duration.ofSeconds(20), () -> runs("every-second").size() >= 4);
    vertx.undeploy(a).await(10, TimeUnit.SECONDS);
    vertx.undeploy(b).await(10, TimeUnit.SECONDS);
    Thread.sleep(1500); // a run under way when undeployed finishes

    List<Row> runs = runs("every-second");
    ExecutionTime times = ExecutionTime.forCron(d.cron());
    for (int i = 0; i < runs.size(); i++) {
      Instant fire = runs.get(i).getOffsetDateTime("fire_time").toInstant();
      Instant since = runs.get(i).getOffsetDateTime("since").toInstant();
      if (i == 0) {
        assertEquals(fire.minusSeconds(1), since, "the first run: since the schedule's previous fire");
      } else {
        Instant previous = runs.get(i - 1).getOffsetDateTime("fire_time").toInstant();
        assertEquals(previous, since, "since the previous run");
        assertEquals(times.nextExecution(previous.atZone(ZoneOffset.UTC)).orElseThrow().toInstant(), fire,
            "no fire time skipped between runs");
      }
      List<Row> queued = rows("SELECT receiver, payload FROM outbox WHERE digest_run_id = $1 ORDER BY receiver",
          runs.get(i).getLong("id"));
      assertEquals(List.of("hook", "mail"), queued.stream().map(r -> r.getString("receiver")).toList(),
          "one outbox row per receiver, however many instances fired: run " + fire);
      Notification.Digest hook = Notification.fromJson(queued.get(0).getJsonObject("payload")).digest();
      Notification.Digest mail = Notification.fromJson(queued.get(1).getJsonObject("payload")).digest();
      assertNull(hook.attachment(), "chat and webhooks get the summary only");
      assertNull(hook.html());
      byte[] pdf = mail.attachment().data();
      assertEquals("%PDF-", new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
      assertEquals("application/pdf", mail.attachment().contentType());
      assertTrue(mail.html().contains("Nothing changed since"), mail.html());
      String firstLine = mail.summary().lines().findFirst().orElseThrow();
      assertTrue(firstLine.startsWith("Nothing changed since ") && firstLine.endsWith("improved or deteriorated."),
          "a digest without a change says so in one line: " + mail.summary());
      assertEquals("http://127.0.0.1:8080/report?area=E08000027&since=" + since, mail.link());
      assertEquals(0, mail.improved() + mail.deteriorated());
    }
    assertEquals(runs.size() * 2L, count("SELECT count(*) FROM outbox o JOIN digest_run r ON r.id = o.digest_run_id"
        + " WHERE r.name = 'every-second'"));
  }

  @Test
  void aRestartCatchesUpTheLatestMissedFireOnly() throws Exception {
    DigestConfig d = new DigestConfig("five-minutes", "*/5 * * * *", "E08000027", null, null, List.of("hook"));
    ExecutionTime times = ExecutionTime.forCron(d.cron());
    Instant now = Instant.now();
    Instant latest = times.lastExecution(now.atZone(ZoneOffset.UTC)).orElseThrow().toInstant();
    Instant long_ago = latest.minus(Duration.ofMinutes(45)); // the last run before "the service went down"
    pool.preparedQuery("INSERT INTO digest_schedule VALUES ($1, $2, $3)").execute(Tuple.of(d.name(), d.schedule(),
        OffsetDateTime.ofInstant(long_ago.minus(Duration.ofHours(1)), ZoneOffset.UTC))).await();
    pool.preparedQuery("""
        INSERT INTO digest_run (name, fire_time, area, groups, teams, since, improved, deteriorated, subject, link,
          catch_up) VALUES ($1, $2, 'E08000027', '{}', '{}', $2, 0, 0, 's', 'l', false)
        """).execute(Tuple.of(d.name(), OffsetDateTime.ofInstant(long_ago, ZoneOffset.UTC))).await();

    String id = vertx.deployVerticle(verticle(d)).await(10, TimeUnit.SECONDS);
    waitUntil("the catch-up run", Duration.ofSeconds(20), () -> runs(d.name()).size() == 2);
    // a second start (another instance, or a quick restart) finds it there
    String again = vertx.deployVerticle(verticle(d)).await(10, TimeUnit.SECONDS);
    Thread.sleep(1000);
    vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    vertx.undeploy(again).await(10, TimeUnit.SECONDS);

    List<Row> catchUp = rows("SELECT * FROM digest_run WHERE name = $1 AND catch_up", d.name());
    assertEquals(1, catchUp.size(), "one catch-up run, not one per missed fire (8 were missed)");
    assertEquals(latest, catchUp.get(0).getOffsetDateTime("fire_time").toInstant(), "the latest missed fire");
    assertEquals(long_ago, catchUp.get(0).getOffsetDateTime("since").toInstant(),
        "its report covers the whole gap, since the run before the outage");
    assertEquals(1, count("SELECT count(*) FROM outbox o JOIN digest_run r ON r.id = o.digest_run_id"
        + " WHERE r.name = 'five-minutes' AND r.catch_up"));
  }

  @Test
  void aNewDigestCatchesUpNothing() throws Exception {
    DigestConfig d = new DigestConfig("brand-new", "0 8 * * *", "E08000027", null, null, List.of("hook"));
    String id = vertx.deployVerticle(verticle(d)).await(10, TimeUnit.SECONDS);
    Thread.sleep(1000);
    vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    assertTrue(runs(d.name()).isEmpty(), "yesterday's 08:00 was before the digest existed");
    assertFalse(rows("SELECT * FROM digest_schedule WHERE name = $1", d.name()).isEmpty(), "registered");
  }

  private static List<Row> runs(String name) throws Exception {
    return rows("SELECT * FROM digest_run WHERE name = $1 ORDER BY fire_time", name);
  }

  private static List<Row> rows(String sql, Object arg) throws Exception {
    List<Row> out = new ArrayList<>();
    pool.preparedQuery(sql).execute(Tuple.of(arg)).await(10, TimeUnit.SECONDS).forEach(out::add);
    return out;
  }

  private static long count(String sql) throws Exception {
    return pool.query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }
}
