package io.fingerpost.alert;

import io.fingerpost.config.ReceiverConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The HTTP receivers: Alertmanager-style webhook (JSON v4), Alertmanager API v2, and Slack/Teams
 * incoming webhooks. A 2xx answer is success; 5xx, 408, 429, timeouts and connection errors are
 * retried; any other answer is a permanent failure (retrying the same body cannot help).
 */
public final class HttpReceiver implements Receiver {
  /** Header carrying the notification's idempotency key. */
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private final String name;
  private final String type;
  private final String url;
  private final Map<String, String> headers;
  private final long timeoutMs;
  private final String externalUrl;
  private final WebClient client;
  private final Clock clock;

  public HttpReceiver(String name, ReceiverConfig cfg, WebClient client, String externalUrl, Clock clock) {
    this.name = name;
    this.type = cfg.type();
    this.url = "alertmanager".equals(type)
        ? stripSlash(cfg.url()) + "/api/v2/alerts" : cfg.url();
    this.headers = cfg.headers();
    this.timeoutMs = cfg.timeout().toMillis();
    this.externalUrl = externalUrl;
    this.client = client;
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsRefresh() {
    return "alertmanager".equals(type);
  }

  @Override
  public Future<Void> deliver(Notification n, String idempotencyKey) {
    if (n.digest() != null && "alertmanager".equals(type)) { // the config refuses this; a stale outbox row may not
      return Future.failedFuture(new DeliveryException(name + ": Alertmanager takes alerts, not digests", null,
          false, null));
    }
    Buffer body = switch (type) {
      case "webhook" -> Formats.webhook(n, externalUrl).toBuffer();
      case "alertmanager" -> Formats.alertmanager(n.alerts(), clock.instant()).toBuffer();
      default -> Formats.chat(n).toBuffer();
    };
    return post(body, idempotencyKey);
  }

  @Override
  public Future<Void> refresh(List<Notification.Alert> firing) {
    if (!needsRefresh() || firing.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonArray body = Formats.alertmanager(firing, clock.instant());
    return post(body.toBuffer(), null);
  }

  private Future<Void> post(Buffer body, String key) {
    var req = client.postAbs(url).timeout(timeoutMs).putHeader("Content-Type", "application/json");
    headers.forEach(req::putHeader);
    if (key != null) {
      req.putHeader(IDEMPOTENCY_HEADER, key);
    }
    return req.sendBuffer(body).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(new DeliveryException(
            name + ": " + ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage(), null,
            true, ar.cause()));
      }
      HttpResponse<Buffer> r = ar.result();
      int s = r.statusCode();
      if (s >= 200 && s < 300) {
        return Future.succeededFuture();
      }
      boolean retry = s >= 500 || s == 408 || s == 429;
      String text = r.bodyAsString();
      if (text != null && text.length() > 300) {
        text = text.substring(0, 300);
      }
      return Future.failedFuture(new DeliveryException(
          name + ": HTTP " + s + (text == null || text.isBlank() ? "" : ": " + text.strip()), s, retry, null));
    });
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The body a webhook receiver would get, for the API and tests. */
  public static JsonObject webhookBody(Notification n, String externalUrl) {
    return Formats.webhook(n, externalUrl);
  }
}
