package io.fingerpost.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire formats receivers speak, kept exactly as the tools that read them expect (docs/design.md
 * "Formats to follow exactly").
 */
public final class Formats {
  /** What Alertmanager's webhook puts in {@code endsAt} of a firing alert. */
  public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private Formats() {}

  /**
   * Alertmanager's webhook body, version "4": {@code version, groupKey, truncatedAlerts, status,
   * receiver, groupLabels, commonLabels, commonAnnotations, externalURL, alerts[{status, labels,
   * annotations, startsAt, endsAt, generatorURL, fingerprint}]}.
   */
  public static JsonObject webhook(Notification n, String externalUrl) {
    if (n.digest() != null) {
      return digest(n);
    }
    JsonArray alerts = new JsonArray();
    for (Notification.Alert a : n.alerts()) {
      alerts.add(new JsonObject()
          .put("status", a.status())
          .put("labels", new JsonObject(new LinkedHashMap<>(a.labels())))
          .put("annotations", new JsonObject(new LinkedHashMap<>(a.annotations())))
          .put("startsAt", a.startsAt().toString())
          .put("endsAt", a.firing() || a.endsAt() == null ? ZERO_TIME : a.endsAt().toString())
          .put("generatorURL", a.generatorUrl())
          .put("fingerprint", a.fingerprint()));
    }
    return new JsonObject()
        .put("version", "4")
        .put("groupKey", n.groupKey())
        .put("truncatedAlerts", 0)
        .put("status", n.status())
        .put("receiver", n.receiver())
        .put("groupLabels", new JsonObject(new LinkedHashMap<>(n.groupLabels())))
        .put("commonLabels", new JsonObject(common(n.alerts().stream().map(Notification.Alert::labels).toList())))
        .put("commonAnnotations",
            new JsonObject(common(n.alerts().stream().map(Notification.Alert::annotations).toList())))
        .put("externalURL", externalUrl)
        .put("alerts", alerts);
  }

  /**
   * Alertmanager API v2 {@code POST /api/v2/alerts} body: {@code [{labels, annotations, startsAt, endsAt,
   * generatorURL}]}. A firing alert has no {@code endsAt} (Alertmanager ends it after its
   * resolve_timeout unless re-sent); a resolved one ends at its resolution; a label set replaced by a
   * severity change is ended at {@code now}.
   */
  public static JsonArray alertmanager(List<Notification.Alert> alerts, Instant now) {
    JsonArray out = new JsonArray();
    for (Notification.Alert a : alerts) {
      if (a.previousLabels() != null && !a.previousLabels().equals(a.labels())) {
        out.add(amAlert(a.previousLabels(), a.annotations(), a.startsAt(), now, a.generatorUrl()));
      }
      out.add(amAlert(a.labels(), a.annotations(), a.startsAt(),
          a.firing() ? null : (a.endsAt() == null ? now : a.endsAt()), a.generatorUrl()));
    }
    return out;
  }

  private static JsonObject amAlert(Map<String, String> labels, Map<String, String> annotations,
      Instant startsAt, Instant endsAt, String url) {
    JsonObject j = new JsonObject()
        .put("labels", new JsonObject(new LinkedHashMap<>(labels)))
        .put("annotations", new JsonObject(new LinkedHashMap<>(annotations)))
        .put("startsAt", startsAt.toString());
    if (endsAt != null) {
      j.put("endsAt", endsAt.toString());
    }
    if (url != null) {
      j.put("generatorURL", url);
    }
    return j;
  }

  /**
   * A digest to a webhook: {@code {kind: "digest", receiver, groupKey, name, area, since, scheduledAt,
   * improved, deteriorated, link, text}} (no HTML, no PDF: the link leads to the report).
   */
  static JsonObject digest(Notification n) {
    Notification.Digest d = n.digest();
    return new JsonObject().put("kind", "digest").put("receiver", n.receiver()).put("groupKey", n.groupKey())
        .put("name", d.name()).put("area", d.area()).put("since", d.since().toString())
        .put("scheduledAt", d.scheduledAt().toString()).put("improved", d.improved())
        .put("deteriorated", d.deteriorated()).put("link", d.link()).put("text", d.subject() + "\n" + d.summary());
  }

  /** Slack / Teams incoming-webhook body: {@code {"text": …}}, both read the {@code text} field. */
  public static JsonObject chat(Notification n) {
    return new JsonObject().put("text", subject(n) + "\n" + text(n));
  }

  /** One line per alert: "[FIRING] summary" then the description. */
  public static String text(Notification n) {
    if (n.digest() != null) {
      return n.digest().summary();
    }
    StringBuilder sb = new StringBuilder();
    for (Notification.Alert a : n.alerts()) {
      sb.append(a.firing() ? "[FIRING" : "[RESOLVED");
      String sev = a.labels().get("severity");
      sb.append(sev == null || !a.firing() ? "] " : ":" + sev + "] ");
      sb.append(a.annotations().getOrDefault("summary", a.labels().toString())).append('\n');
      String d = a.annotations().get("description");
      if (d != null) {
        sb.append(d).append('\n');
      }
      if (a.generatorUrl() != null) {
        sb.append(a.generatorUrl()).append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** "[FIRING:2] Fingerpost team=Adult social care" */
  public static String subject(Notification n) {
    if (n.digest() != null) {
      return n.digest().subject();
    }
    long firing = n.alerts().stream().filter(Notification.Alert::firing).count();
    String head = firing > 0 ? "[FIRING:" + firing + "]" : "[RESOLVED:" + n.alerts().size() + "]";
    StringBuilder sb = new StringBuilder(head).append(" Fingerpost");
    n.groupLabels().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  private static Map<String, Object> common(List<Map<String, String>> maps) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (maps.isEmpty()) {
      return out;
    }
    maps.get(0).forEach((k, v) -> {
      if (maps.stream().allMatch(m -> v.equals(m.get(k)))) {
        out.put(k, v);
      }
    });
    return out;
  }
}
