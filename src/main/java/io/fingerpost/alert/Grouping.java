package io.fingerpost.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Groups the notifiable transitions of one evaluation round into notifications: one per receiver per
 * group (by default per team), alerts in the order they changed.
 */
public final class Grouping {
  private final Router router;
  private final List<String> groupBy;

  public Grouping(Router router, List<String> groupBy) {
    this.router = router;
    this.groupBy = List.copyOf(groupBy);
  }

  public List<Notification> group(List<Transition> transitions) {
    Map<List<String>, List<Notification.Alert>> byKey = new LinkedHashMap<>();
    Map<List<String>, Map<String, String>> groupLabels = new LinkedHashMap<>();
    for (Transition t : transitions) {
      if (!t.notifies()) {
        continue;
      }
      Map<String, String> gl = new LinkedHashMap<>();
      for (String l : groupBy) {
        gl.put(l, t.labels().getOrDefault(l, ""));
      }
      for (String receiver : router.receiversFor(t.labels())) {
        List<String> key = new ArrayList<>();
        key.add(receiver);
        key.addAll(gl.values());
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(Notification.Alert.of(t));
        groupLabels.put(key, gl);
      }
    }
    List<Notification> out = new ArrayList<>();
    byKey.forEach((key, alerts) -> {
      Map<String, String> gl = groupLabels.get(key);
      out.add(new Notification(key.get(0), groupKey(gl), gl, alerts));
    });
    return out;
  }

  /** Alertmanager's form: {@code {}:{team="Adult social care"}}. */
  static String groupKey(Map<String, String> groupLabels) {
    return "{}:{" + groupLabels.entrySet().stream()
        .map(e -> e.getKey() + "=\"" + e.getValue().replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",")) + "}";
  }
}
