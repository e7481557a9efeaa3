package io.fingerpost.alert;

import io.fingerpost.config.ReceiverConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Receivers against real servers on 127.0.0.1: Alertmanager, an HTTP server, an SMTP server. */
class ReceiversTest {
  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static Vertx vertx;
  private static WebClient client;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static Notification.Alert alert(String status, String severity, Instant starts, Instant ends,
      Map<String, String> previous) {
    return new Notification.Alert("0123456789abcdef", status,
        Map.of("alertname", "OffTrajectory", "rule", "off_trajectory", "target", "dudley-le-male",
            "team", "Population health", "severity", severity),
        Map.of("summary", "Life expectancy at birth in Dudley is off track", "description", "was 76, expected 78"),
        starts, ends, "http://127.0.0.1:8080/api/targets/dudley-le-male", previous);
  }

  private static Notification notification(Notification.Alert... alerts) {
    return new Notification("am", "{}:{team=\"Population health\"}", Map.of("team", "Population health"), List.of(alerts));
  }

  @Test
  void alertmanagerReceivesFiringShowsItAndSeesItResolve() throws Exception {
    try (AlertmanagerServer am = AlertmanagerServer.start()) {
      HttpReceiver r = new HttpReceiver("am", new ReceiverConfig("alertmanager", am.url, null, null, null, null, null),
          client, "http://127.0.0.1:8080", Clock.systemUTC());
      Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
      r.deliver(notification(alert("firing", "warning", start, null, null)), "k1").await();
      JsonArray active = waitFor(am, a -> a.size() == 1);
      JsonObject got = active.getJsonObject(0);
      assertEquals("warning", got.getJsonObject("labels").getString("severity"));
      assertEquals("dudley-le-male", got.getJsonObject("labels").getString("target"));
      assertEquals("Life expectancy at birth in Dudley is off track", got.getJsonObject("annotations").getString("summary"));
      assertEquals("active", got.getJsonObject("status").getString("state"));
      assertEquals(start, Instant.parse(got.getString("startsAt")));
      assertEquals("http://127.0.0.1:8080/api/targets/dudley-le-male", got.getString("generatorURL"));

      // escalation: the warning label set ends, the critical one fires
      Map<String, String> warningLabels = alert("firing", "warning", start, null, null).labels();
      r.deliver(notification(alert("firing", "critical", start, null, warningLabels)), "k2").await();
      JsonArray escalated = waitFor(am, a -> a.size() == 1
          && "critical".equals(a.getJsonObject(0).getJsonObject("labels").getString("severity")));
      assertEquals(1, escalated.size());

      // the periodic re-send keeps it (and is idempotent in Alertmanager: same labels)
      r.refresh(List.of(alert("firing", "critical", start, null, null))).await();
      assertEquals(1, new JsonArray(am.alerts()).size());

      r.deliver(notification(alert("resolved", "critical", start, Instant.now().minusSeconds(1), null)), "k3").await();
      waitFor(am, JsonArray::isEmpty);
    }
  }

  private static JsonArray waitFor(AlertmanagerServer am, Predicate<JsonArray> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    JsonArray last;
    do {
      last = new JsonArray(am.alerts());
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("Alertmanager never reached the expected state; last: " + last.encodePrettily());
  }

  @Test
  void webhookAndChatPostJsonWithTheIdempotencyKeyAndClassifyFailures() throws Exception {
    var received = new java.util.concurrent.LinkedBlockingQueue<JsonObject>();
    var status = new java.util.concurrent.atomic.AtomicInteger(200);
    var server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      received.add(new JsonObject().put("path", req.path()).put("key", req.getHeader("Idempotency-Key"))
          .put("type", req.getHeader("Content-Type")).put("body", b.toJsonObject()));
      req.response().setStatusCode(status.get()).end();
    })).listen(0, "127.0.0.1").await();
    try {
      String base = "http://127.0.0.1:" + server.actualPort();
      Instant start = Instant.parse("2026-11-23T09:00:00Z");
      HttpReceiver hook = new HttpReceiver("hook", new ReceiverConfig("webhook", base + "/hook",
          Map.of("Authorization", "Bearer t"), null, null, null, null), client, "http://fp", Clock.systemUTC());
      hook.deliver(notification(alert("firing", "warning", start, null, null)), "key-1").await();
      JsonObject got = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("key-1", got.getString("key"));
      assertEquals("application/json", got.getString("type"));
      assertEquals("4", got.getJsonObject("body").getString("version"));
      assertEquals("am", got.getJsonObject("body").getString("receiver"));
      assertEquals("0001-01-01T00:00:00Z", got.getJsonObject("body").getJsonArray("alerts").getJsonObject(0).getString("endsAt"));

      HttpReceiver chat = new HttpReceiver("chat", new ReceiverConfig("slack", base + "/chat", null, null, null, null, null),
          client, "http://fp", Clock.systemUTC());
      chat.deliver(notification(alert("firing", "warning", start, null, null)), "key-2").await();
      String text = received.poll(5, java.util.concurrent.TimeUnit.SECONDS).getJsonObject("body").getString("text");
      assertTrue(text.startsWith("[FIRING:1] Fingerpost team=Population health\n[FIRING:warning] Life expectancy"), text);

      status.set(503);
      var e503 = hook.deliver(notification(alert("firing", "warning", start, null, null)), "key-3");
      Receiver.DeliveryException ex = (Receiver.DeliveryException) e503.transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
      assertTrue(ex.retryable());
      assertEquals(503, ex.status());
      status.set(400);
      ex = (Receiver.DeliveryException) hook.deliver(notification(alert("firing", "warning", start, null, null)), "key-4")
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
      assertFalse(ex.retryable());
    } finally {
      server.close().await();
    }
  }

  @Test
  void emailReachesTheSmtpServer() throws Exception {
    int port = smtp.getSmtp().getPort();
    ReceiverConfig cfg = new ReceiverConfig("email", null, null, Duration.ofSeconds(5),
        new ReceiverConfig.Smtp("127.0.0.1", port, null, null, "DISABLED"), "fingerpost@example.org",
        List.of("cyp-team@example.org"));
    cfg.validate("mail");
    new EmailReceiver(vertx, "mail", cfg)
        .deliver(notification(alert("firing", "critical", Instant.parse("2026-11-23T09:00:00Z"), null, null)), "key-9")
        .await();
    assertTrue(smtp.waitForIncomingEmail(5000, 1));
    MimeMessage m = smtp.getReceivedMessages()[0];
    assertEquals("[FIRING:1] Fingerpost team=Population health", m.getSubject());
    assertEquals("<key-9@fingerpost>", m.getMessageID());
    assertEquals("cyp-team@example.org", m.getAllRecipients()[0].toString());
    assertTrue(GreenMailUtil.getBody(m).contains("was 76, expected 78"));
  }
}
