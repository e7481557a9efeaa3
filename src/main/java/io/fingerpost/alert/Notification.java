package io.fingerpost.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message to one receiver: the alerts of one group (one team) that changed in one evaluation round,
 * or a scheduled {@link Digest} (then {@code alerts} is empty). Stored as the outbox payload
 * ({@link #toJson()}), so what is delivered after a restart is exactly what was decided in the transaction.
 */
public record Notification(
    String receiver, String groupKey, Map<String, String> groupLabels, List<Alert> alerts, Digest digest) {

  public Notification {
    groupLabels = Map.copyOf(groupLabels);
    alerts = List.copyOf(alerts);
  }

  /** An alert notification. */
  public Notification(String receiver, String groupKey, Map<String, String> groupLabels, List<Alert> alerts) {
    this(receiver, groupKey, groupLabels, alerts, null);
  }

  /** A scheduled digest to one receiver (issue 11); grouped under {@code digest:<name>}. */
  public static Notification digest(String receiver, Digest digest) {
    return new Notification(receiver, "digest:" + digest.name(), Map.of("digest", digest.name()), List.of(), digest);
  }

  /**
   * A report digest as receivers see it: email gets {@code html} as its body and the attachment; chat and
   * webhook receivers get {@code summary} (counts and the link).
   *
   * @param summary a few lines of plain text: the counts improved/deteriorated (or that nothing changed) and the link
   * @param attachment the report as PDF, or null
   */
  public record Digest(String name, String subject, String summary, String html, String link, String area,
      Instant since, Instant scheduledAt, int improved, int deteriorated, Attachment attachment) {

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("subject", subject).put("summary", summary).put("html", html)
          .put("link", link).put("area", area).put("since", since.toString())
          .put("scheduledAt", scheduledAt.toString()).put("improved", improved).put("deteriorated", deteriorated)
          .put("attachment", attachment == null ? null : attachment.toJson());
    }

    static Digest fromJson(JsonObject j) {
      JsonObject a = j.getJsonObject("attachment");
      return new Digest(j.getString("name"), j.getString("subject"), j.getString("summary"), j.getString("html"),
          j.getString("link"), j.getString("area"), Instant.parse(j.getString("since")),
          Instant.parse(j.getString("scheduledAt")), j.getInteger("improved"), j.getInteger("deteriorated"),
          a == null ? null : new Attachment(a.getString("filename"), a.getString("contentType"), a.getBinary("data")));
    }
  }

  /** A file sent with an email (stored base64 in the outbox payload). */
  public record Attachment(String filename, String contentType, byte[] data) {
    JsonObject toJson() {
      return new JsonObject().put("filename", filename).put("contentType", contentType).put("data", data);
    }
  }

  /**
   * One alert in a notification, as receivers see it.
   *
   * @param status "firing" or "resolved"
   * @param endsAt null while firing
   * @param previousLabels the label set this alert had before a severity change, else null
   */
  public record Alert(
      String fingerprint,
      String status,
      Map<String, String> labels,
      Map<String, String> annotations,
      Instant startsAt,
      Instant endsAt,
      String generatorUrl,
      Map<String, String> previousLabels) {

    public boolean firing() {
      return "firing".equals(status);
    }

    static Alert of(Transition t) {
      return new Alert(t.fingerprint(), t.to().label(), t.labels(), t.annotations(), t.startsAt(),
          t.endsAt(), t.generatorUrl(), t.previousLabels());
    }

    static Alert of(AlertState s) {
      return new Alert(s.fingerprint(), s.state().label(), s.labels(), s.annotations(), s.startsAt(),
          s.endsAt(), s.generatorUrl(), null);
    }

    JsonObject toJson() {
      JsonObject j = new JsonObject()
          .put("fingerprint", fingerprint)
          .put("status", status)
          .put("labels", new JsonObject(new LinkedHashMap<>(labels)))
          .put("annotations", new JsonObject(new LinkedHashMap<>(annotations)))
          .put("startsAt", startsAt.toString())
          .put("generatorURL", generatorUrl);
      if (endsAt != null) {
        j.put("endsAt", endsAt.toString());
      }
      if (previousLabels != null) {
        j.put("previousLabels", new JsonObject(new LinkedHashMap<>(previousLabels)));
      }
      return j;
    }

    static Alert fromJson(JsonObject j) {
      return new Alert(j.getString("fingerprint"), j.getString("status"), strings(j.getJsonObject("labels")),
          strings(j.getJsonObject("annotations")), Instant.parse(j.getString("startsAt")),
          j.getString("endsAt") == null ? null : Instant.parse(j.getString("endsAt")),
          j.getString("generatorURL"),
          j.getJsonObject("previousLabels") == null ? null : strings(j.getJsonObject("previousLabels")));
    }
  }

  /** "firing" when any alert fires, else "resolved" (as Alertmanager's webhook). */
  public String status() {
    return alerts.stream().anyMatch(Alert::firing) ? "firing" : "resolved";
  }

  public List<String> fingerprints() {
    return alerts.stream().map(Alert::fingerprint).toList();
  }

  public JsonObject toJson() {
    JsonArray a = new JsonArray();
    alerts.forEach(x -> a.add(x.toJson()));
    JsonObject j = new JsonObject()
        .put("receiver", receiver)
        .put("groupKey", groupKey)
        .put("groupLabels", new JsonObject(new LinkedHashMap<>(groupLabels)))
        .put("alerts", a);
    if (digest != null) {
      j.put("digest", digest.toJson());
    }
    return j;
  }

  public static Notification fromJson(JsonObject j) {
    List<Alert> alerts = new ArrayList<>();
    for (Object o : j.getJsonArray("alerts")) {
      alerts.add(Alert.fromJson((JsonObject) o));
    }
    JsonObject d = j.getJsonObject("digest");
    return new Notification(j.getString("receiver"), j.getString("groupKey"),
        strings(j.getJsonObject("groupLabels")), alerts, d == null ? null : Digest.fromJson(d));
  }

  static Map<String, String> strings(JsonObject o) {
    Map<String, String> m = new LinkedHashMap<>();
    if (o != null) {
      o.forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return m;
  }
}
