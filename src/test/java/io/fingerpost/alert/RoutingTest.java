package io.fingerpost.alert;

import io.fingerpost.config.RouteConfig;
import io.fingerpost.model.Severity;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

  private final Router router = new Router(List.of(
      new RouteConfig(Map.of("team", "Children and young people"), null, List.of("cyp-hook"), false),
      new RouteConfig(null, Map.of("severity", "critical"), List.of("pager"), true),
      new RouteConfig(Map.of("area", "E08000027"), null, List.of("dudley-mail"), false)),
      List.of("log"));

  @Test
  void routesByLabelsWithDefault() {
    assertEquals(List.of("cyp-hook"), router.receiversFor(Map.of("team", "Children and young people", "severity", "critical")));
    assertEquals(List.of("pager", "dudley-mail"), router.receiversFor(Map.of("severity", "critical", "area", "E08000027")));
    assertEquals(List.of("pager"), router.receiversFor(Map.of("severity", "critical", "area", "E12000005")));
    assertEquals(List.of("log"), router.receiversFor(Map.of("severity", "warning", "area", "E12000005")));
  }

  private static Transition fired(String fp, String team, String sev) {
    Map<String, String> labels = Map.of("alertname", "OffTrajectory", "team", team, "severity", sev, "area", "E08000027");
    return new Transition(fp, Rule.OFF_TRAJECTORY, null, AlertState.State.FIRING, Severity.fromLabel(sev), "fired", T0,
        1L, "2021#1", false, true, false, labels, Map.of("summary", "s " + fp, "description", "d"), null,
        "http://x/api/targets/" + fp, T0, null);
  }

  @Test
  void groupsPerReceiverAndTeamInOrder() {
    Grouping g = new Grouping(router, List.of("team"));
    List<Notification> ns = g.group(List.of(
        fired("a", "Children and young people", "warning"),
        fired("b", "Adult social care", "warning"),
        fired("c", "Children and young people", "critical"),
        fired("d", "Adult social care", "critical")));
    assertEquals(List.of("cyp-hook", "dudley-mail", "pager"), ns.stream().map(Notification::receiver).toList());
    assertEquals(List.of("a", "c"), ns.get(0).fingerprints());
    assertEquals(List.of("b", "d"), ns.get(1).fingerprints());
    assertEquals("{}:{team=\"Adult social care\"}", ns.get(1).groupKey());
    assertEquals(ns.get(0), Notification.fromJson(ns.get(0).toJson()));
  }

  @Test
  void webhookIsAlertmanagerVersion4() {
    Notification n = new Grouping(router, List.of("team")).group(List.of(fired("a", "Adult social care", "warning"))).get(0);
    JsonObject w = Formats.webhook(n, "http://127.0.0.1:8080");
    assertEquals(List.of("version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
        "commonAnnotations", "externalURL", "alerts"), List.copyOf(w.fieldNames()));
    assertEquals("4", w.getString("version"));
    assertEquals(0, w.getInteger("truncatedAlerts"));
    assertEquals("firing", w.getString("status"));
    JsonObject a = w.getJsonArray("alerts").getJsonObject(0);
    assertEquals(List.of("status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"),
        List.copyOf(a.fieldNames()));
    assertEquals("0001-01-01T00:00:00Z", a.getString("endsAt"));
    assertEquals("2026-11-23T09:00:00Z", a.getString("startsAt"));
    assertEquals(new JsonObject().put("team", "Adult social care"), w.getJsonObject("groupLabels"));
    assertEquals("OffTrajectory", w.getJsonObject("commonLabels").getString("alertname"));
  }

  @Test
  void alertmanagerEndsTheOldLabelSetOnSeverityChange() {
    Map<String, String> now = Map.of("alertname", "X", "severity", "critical");
    Map<String, String> before = Map.of("alertname", "X", "severity", "warning");
    Notification.Alert a = new Notification.Alert("f", "firing", now, Map.of("summary", "s"), T0, null, "http://g", before);
    JsonArray body = Formats.alertmanager(List.of(a), T0.plusSeconds(10));
    assertEquals(2, body.size());
    assertEquals("2026-11-23T09:00:10Z", body.getJsonObject(0).getString("endsAt"));
    assertEquals("warning", body.getJsonObject(0).getJsonObject("labels").getString("severity"));
    assertEquals(null, body.getJsonObject(1).getString("endsAt"));
    assertEquals(List.of("labels", "annotations", "startsAt", "generatorURL"), List.copyOf(body.getJsonObject(1).fieldNames()));
  }
}
