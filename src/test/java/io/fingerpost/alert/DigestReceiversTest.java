package io.fingerpost.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.ReceiverConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A digest to chat and webhook receivers (a real HTTP server on 127.0.0.1): the summary with the counts and the
 * link, no HTML, no PDF; its outbox payload survives the JSON round trip; Alertmanager refuses it for good.
 */
class DigestReceiversTest {
  static final Notification.Digest DIGEST = new Notification.Digest("weekly", "[Fingerpost] Dudley: 1 deteriorated, 0 improved",
      "Dudley since 1 Dec 2026 08:00 UTC: 1 target deteriorated, 0 improved.\nhttp://fp/report?area=E08000027&since=x",
      null, "http://fp/report?area=E08000027&since=x", "E08000027", Instant.parse("2026-12-01T08:00:00Z"),
      Instant.parse("2026-12-08T08:00:00Z"), 0, 1, null);

  @Test
  void chatAndWebhookGetTheSummaryAndTheLink() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, JsonObject> bodies = new ConcurrentHashMap<>();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
        bodies.put(req.path(), b.toJsonObject());
        req.response().setStatusCode(204).end();
      })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + server.actualPort();
      WebClient client = WebClient.create(vertx);
      Map<String, Receiver> receivers = Receivers.create(vertx, client, Map.of(
          "chat", new ReceiverConfig("slack", base + "/slack", null, null, null, null, null),
          "hook", new ReceiverConfig("webhook", base + "/hook", null, null, null, null, null),
          "am", new ReceiverConfig("alertmanager", base + "/am", null, null, null, null, null)),
          "http://fp", Clock.systemUTC());
      Notification toChat = Notification.fromJson(Notification.digest("chat", DIGEST).toJson()); // as from the outbox
      assertEquals(DIGEST.summary(), toChat.digest().summary());
      receivers.get("chat").deliver(toChat, "k1").await(10, TimeUnit.SECONDS);
      receivers.get("hook").deliver(Notification.digest("hook", DIGEST), "k2").await(10, TimeUnit.SECONDS);

      String text = bodies.get("/slack").getString("text");
      assertTrue(text.startsWith("[Fingerpost] Dudley: 1 deteriorated, 0 improved\nDudley since"), text);
      assertTrue(text.contains("http://fp/report?area=E08000027&since=x"), text);
      JsonObject hook = bodies.get("/hook");
      assertEquals("digest", hook.getString("kind"));
      assertEquals("weekly", hook.getString("name"));
      assertEquals(1, hook.getInteger("deteriorated"));
      assertEquals(0, hook.getInteger("improved"));
      assertEquals("2026-12-08T08:00:00Z", hook.getString("scheduledAt"));
      assertEquals("http://fp/report?area=E08000027&since=x", hook.getString("link"));
      assertFalse(hook.containsKey("alerts"));

      Throwable refused = receivers.get("am").deliver(Notification.digest("am", DIGEST), "k3")
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
      assertTrue(refused instanceof Receiver.DeliveryException d && !d.retryable(), String.valueOf(refused));
      assertFalse(bodies.containsKey("/am"), "nothing posted to Alertmanager");
      assertEquals(List.of(), Notification.digest("x", DIGEST).fingerprints());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
