package io.fingerpost.digest;

import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.fingerpost.Main;
import io.fingerpost.ServiceConfigs;
import io.fingerpost.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, scheduled digests, on the whole service: a child JVM ({@code io.fingerpost.Main}) on a TestDatabase
 * database with the bundled Dudley targets and life-expectancy feed, and a digest every 10 seconds
 * ({@code "0/10 * * * * *"}, the seconds flavour) to an email receiver on a real SMTP server (GreenMail on
 * 127.0.0.1). (1) SMTP is down: runs are queued, delivery fails, the service is killed with SIGKILL between
 * firing and delivery; (2) SMTP up, a restart delivers them; a pushed deterioration shows in the next digest;
 * the service is killed with SIGKILL right after a delivery and stays down past a fire time; (3) a restart sends
 * the missed fire once (catch-up). Every run arrives exactly once (messages counted per fire time), each with
 * its PDF attached, and {@code GET /api/reports/digests} lists them delivered.
 */
class DigestDeliveryTest {
  static final String TOKEN = "digest-token";
  static final String NAME = "dudley-every-10s";

  /** Child logs are kept under target/ (a failure is read there). */
  Path dir;

  // Waits of 90 s: each run now renders the whole report and its PDF (seconds each on a busy CI machine).
  @Test
  void everyRunDeliveredOnceWithItsPdfAcrossKillNineRestarts() throws Exception {
    dir = Files.createDirectories(Path.of("target", "digest-delivery-test"));
    TestDatabase.Db db = TestDatabase.newDatabase();
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx)
        .build();
    int smtpPort = freePort();
    GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    Path config = config(smtpPort);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    List<Process> started = new ArrayList<>();
    try {
      // (1) SMTP down: a run is queued and fails to deliver; SIGKILL between firing and delivery
      int port1 = freePort();
      Process first = start(config, db, port1, "first", started);
      awaitReady(http, port1, first, "first");
      waitUntil("a digest run queued and a failed delivery attempt", Duration.ofSeconds(90), () -> count(pool,
          "SELECT count(*) FROM delivery d JOIN outbox o ON o.id = d.outbox_id WHERE o.digest_run_id IS NOT NULL"
              + " AND NOT d.ok") > 0);
      kill(first);
      long queuedUndelivered = count(pool, "SELECT count(*) FROM outbox WHERE digest_run_id IS NOT NULL"
          + " AND status = 'pending'");
      assertTrue(queuedUndelivered >= 1, "runs wait in the outbox");

      // (2) SMTP up: the restart delivers what was queued; a deterioration shows in a later digest
      smtp.start();
      int port2 = freePort();
      Process second = start(config, db, port2, "second", started);
      awaitReady(http, port2, second, "second");
      waitUntil("the queued runs delivered after the restart", Duration.ofSeconds(30), () -> count(pool,
          "SELECT count(*) FROM outbox WHERE digest_run_id IS NOT NULL AND status <> 'delivered'") == 0);
      // a digest compares with each target's evaluation at its last fire time: push only once a fire time falls
      // after the target's first evaluation (else the window that holds the first evaluation holds the push too,
      // and a target new since the last digest has no change to report)
      waitUntil("a digest fired after the target's first evaluation", Duration.ofSeconds(30), () -> count(pool,
          "SELECT count(*) FROM digest_run WHERE fire_time > (SELECT min(evaluated_at) FROM evaluation"
              + " WHERE target_id = 'le-birth-male')") > 0);
      Instant pushedAt = Instant.now();
      push(http, port2, "2024 - 26", 78.0);
      waitUntil("a digest reporting the deterioration, delivered", Duration.ofSeconds(90), () -> count(pool,
          "SELECT count(*) FROM digest_run r JOIN outbox o ON o.digest_run_id = r.id WHERE r.deteriorated > 0"
              + " AND o.status = 'delivered'") > 0);
      kill(second); // right after a delivery
      Instant killedAt = Instant.now();
      Instant lastBeforeKill = instant(pool, "SELECT max(fire_time) FROM digest_run");
      waitUntil("a fire time passed while the service is down", Duration.ofSeconds(15),
          () -> Instant.now().isAfter(lastBeforeKill.plusSeconds(11)));

      // (3) restart: the latest missed fire is sent once, then the schedule goes on
      int port3 = freePort();
      Process third = start(config, db, port3, "third", started);
      awaitReady(http, port3, third, "third");
      waitUntil("the catch-up run and the next regular run delivered", Duration.ofSeconds(90), () ->
          count(pool, "SELECT count(*) FROM digest_run WHERE catch_up AND fire_time > '" + killedAt + "'") == 1
          && count(pool, "SELECT count(*) FROM digest_run WHERE NOT catch_up AND created_at > (SELECT created_at"
              + " FROM digest_run WHERE catch_up ORDER BY id DESC LIMIT 1)") > 0
          && count(pool, "SELECT count(*) FROM outbox WHERE digest_run_id IS NOT NULL AND status <> 'delivered'") == 0);
      JsonObject history = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + port3 + "/api/reports/digests?name=" + NAME)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      third.destroy(); // SIGTERM
      assertTrue(third.waitFor(60, TimeUnit.SECONDS));
      Thread.sleep(500);

      // every run once: messages per fire time, by the Message-ID (the outbox's idempotency key)
      Map<String, Row> runByKey = new HashMap<>();
      for (Row r : pool.query("SELECT o.idempotency_key, o.payload, r.* FROM outbox o JOIN digest_run r ON r.id = o.digest_run_id")
          .execute().await(10, TimeUnit.SECONDS)) {
        runByKey.put("<" + r.getUUID("idempotency_key") + "@fingerpost>", r);
      }
      MimeMessage[] messages = smtp.getReceivedMessages();
      Map<Instant, Integer> perFire = new TreeMap<>();
      Map<Instant, Mail> byFire = new TreeMap<>();
      Map<Instant, byte[]> queuedPdf = new TreeMap<>();
      for (MimeMessage m : messages) {
        Row run = runByKey.get(m.getMessageID());
        assertNotNull(run, "every mail is a digest run's: " + m.getMessageID() + " " + m.getSubject());
        Instant fire = run.getOffsetDateTime("fire_time").toInstant();
        perFire.merge(fire, 1, Integer::sum);
        byFire.put(fire, Mail.of(m));
        // the PDF rendered once, when the run was queued, and stored with it: what any retry delivers
        queuedPdf.put(fire, run.getJsonObject("payload").getJsonObject("digest").getJsonObject("attachment")
            .getBinary("data"));
      }
      long runs = count(pool, "SELECT count(*) FROM digest_run");
      // at least: the run queued while SMTP was down, the one reporting the deterioration, the catch-up and the
      // next regular run (more when the machine is slow: each phase lasts some 10 s fire times)
      assertTrue(runs >= 4, "runs: " + runs);
      assertEquals(runs, perFire.size(), "every run delivered: " + perFire);
      perFire.forEach((fire, n) -> assertEquals(1, n, "messages for the run of " + fire + ": " + perFire));
      assertEquals(runs, count(pool, "SELECT count(DISTINCT fire_time) FROM digest_run WHERE name = '" + NAME + "'"));

      // the latest missed fire only: no run between the last before the kill and the catch-up
      Instant caughtUp = instant(pool, "SELECT fire_time FROM digest_run WHERE catch_up AND fire_time > '"
          + killedAt + "'");
      assertEquals(0, count(pool, "SELECT count(*) FROM digest_run WHERE fire_time > '" + lastBeforeKill
          + "' AND fire_time < '" + caughtUp + "'"), "older missed fires are not sent");
      assertTrue(caughtUp.isAfter(lastBeforeKill.plusSeconds(9)), caughtUp + " after " + lastBeforeKill);
      Row catchUpRun = runByKey.values().stream().filter(r -> r.getBoolean("catch_up")
          && r.getOffsetDateTime("fire_time").toInstant().equals(caughtUp)).findFirst().orElseThrow();
      assertEquals(lastBeforeKill, catchUpRun.getOffsetDateTime("since").toInstant(), "it covers the whole outage");

      // every mail: the HTML report as its body and the PDF of it attached
      for (Map.Entry<Instant, Mail> e : byFire.entrySet()) {
        Mail mail = e.getValue();
        // a run before the feed's first poll knows the area by its code only
        assertTrue(mail.html.contains("<h1>Fingerpost report: ") && mail.html.contains("E08000027"), mail.html);
        assertEquals(1, mail.pdfs.size(), "one PDF attached to the run of " + e.getKey());
        assertTrue(mail.pdfNames.get(0).endsWith(".pdf"), mail.pdfNames.toString());
        byte[] pdf = mail.pdfs.get(0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(queuedPdf.get(e.getKey()), pdf,
            "the bytes queued with the run of " + e.getKey() + " are the bytes delivered (also after kill -9)");
        assertEquals("%PDF-", new String(pdf, 0, 5, StandardCharsets.US_ASCII));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
          assertTrue(doc.getNumberOfPages() >= 1);
          String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
          assertTrue(text.contains("Fingerpost report: ") && text.contains("E08000027"), text);
          mail.pdfText = text;
        }
      }
      Instant deterioratedFire = instant(pool, "SELECT min(fire_time) FROM digest_run WHERE deteriorated > 0");
      assertTrue(deterioratedFire.isAfter(pushedAt), "reported after the push");
      assertEquals(1, count(pool, "SELECT count(*) FROM digest_run WHERE deteriorated > 0"),
          "the deterioration is in one digest: consecutive runs cover windows that do not overlap");
      Mail worse = byFire.get(deterioratedFire);
      assertTrue(worse.html.contains("Dudley (E08000027)") && worse.html.contains("Deteriorated since")
          && worse.html.contains("Life expectancy at birth, male"),
          worse.html);
      // every link of the emailed report is absolute, against alerts.externalUrl (issue: links were relative)
      assertTrue(worse.html.contains(" href=\"http://127.0.0.1:8080/report/targets/le-birth-male\""), worse.html);
      for (Mail m : byFire.values()) {
        assertTrue(!m.html.contains(" href=\"/"), "no relative link in the emailed report: " + m.html);
      }
      assertTrue(worse.pdfText.contains("Deteriorated since") && worse.pdfText.contains("Life expectancy at birth, male"),
          worse.pdfText);
      assertTrue(worse.text.contains("deteriorated") && worse.text.contains("/report?area=E08000027&since="),
          worse.text);
      Mail quiet = byFire.get(caughtUp);
      String firstLine = quiet.text.lines().findFirst().orElseThrow();
      assertTrue(firstLine.startsWith("Nothing changed since ") && firstLine.endsWith(" improved or deteriorated."),
          "a digest with nothing changed says so in one line: " + quiet.text);
      assertTrue(quiet.html.contains(firstLine), quiet.html);

      // the history, from the API
      JsonArray listed = history.getJsonArray("digests");
      assertEquals(runs, listed.size(), history.encodePrettily());
      int catchUps = 0;
      for (Object o : listed) {
        JsonObject run = (JsonObject) o;
        assertEquals(NAME, run.getString("name"));
        assertEquals("E08000027", run.getString("area"));
        assertNotNull(run.getString("sentAt"), run.encode());
        JsonArray receivers = run.getJsonArray("receivers");
        assertEquals(1, receivers.size());
        assertEquals("board", receivers.getJsonObject(0).getString("receiver"));
        assertEquals("delivered", receivers.getJsonObject(0).getString("status"));
        catchUps += run.getBoolean("catchUp") ? 1 : 0;
      }
      assertTrue(catchUps >= 1, history.encodePrettily());
      assertFalse(listed.isEmpty());
    } finally {
      for (Process p : started) {
        if (p.isAlive()) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      smtp.stop();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** One received mail: its text and HTML parts and its PDF attachments. */
  static final class Mail {
    String text = "";
    String html = "";
    final List<byte[]> pdfs = new ArrayList<>();
    final List<String> pdfNames = new ArrayList<>();
    String pdfText = "";

    static Mail of(MimeMessage m) throws Exception {
      Mail mail = new Mail();
      mail.walk(m);
      return mail;
    }

    private void walk(Part p) throws Exception {
      if (p.isMimeType("multipart/*")) {
        Multipart mp = (Multipart) p.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
          walk(mp.getBodyPart(i));
        }
      } else if (p.isMimeType("application/pdf")) {
        pdfs.add(p.getInputStream().readAllBytes());
        pdfNames.add(p.getFileName());
      } else if (p.isMimeType("text/html")) {
        html = String.valueOf(p.getContent());
      } else if (p.isMimeType("text/plain")) {
        text = String.valueOf(p.getContent());
      }
    }
  }

  private Path config(int smtpPort) throws Exception {
    return ServiceConfigs.lifeExpectancy(dir, TOKEN, """
        alerts:
          externalUrl: http://127.0.0.1:8080
          receivers:
            operations: {type: log}
            board: {type: email, smtp: {host: 127.0.0.1, port: %d, starttls: DISABLED}, from: fingerpost@example.org,
                    to: [board@example.org], timeout: 3s}
          defaultReceivers: [operations]
          delivery: {initialBackoff: 200ms, maxBackoff: 1s, pollInterval: 1s}
        reports:
          - {name: %s, schedule: "0/10 * * * * *", area: E08000027, receivers: [board]}
        """.formatted(smtpPort, NAME));
  }

  private Process start(Path config, TestDatabase.Db db, int port, String name, List<Process> started)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", cp,
        Main.class.getName(), "--config", config.toString(), "--port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("FINGERPOST_DATABASE_URL", db.url());
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static void kill(Process p) throws Exception {
    p.destroyForcibly(); // SIGKILL: no shutdown hook
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "killed");
  }

  private void awaitReady(HttpClient http, int port, Process p, String name) throws Exception {
    waitUntil("the service ready on port " + port, Duration.ofSeconds(90), () -> {
      if (!p.isAlive()) {
        throw new AssertionError("the service exited: " + Files.readString(dir.resolve(name + ".log")));
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private static void push(HttpClient http, int port, String period, double value) throws Exception {
    String body = "[{\"indicatorId\": \"90366\", \"areaCode\": \"E08000027\", \"sex\": \"Male\", \"age\": \"<1 yr\","
        + " \"period\": \"" + period + "\", \"value\": " + value + "}]";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/api/observations")).header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static long count(Pool pool, String sql) throws Exception {
    return pool.query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  private static Instant instant(Pool pool, String sql) throws Exception {
    return pool.query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getOffsetDateTime(0).toInstant();
  }
}
