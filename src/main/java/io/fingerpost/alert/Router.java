package io.fingerpost.alert;

import io.fingerpost.config.RouteConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Routes alerts to receivers by label matchers, with a default route for the rest. */
public final class Router {
  private record Compiled(Map<String, String> match, Map<String, Pattern> matchRe,
      List<String> receivers, boolean continueMatching) {}

  private final List<Compiled> routes = new ArrayList<>();
  private final List<String> defaultReceivers;

  public Router(List<RouteConfig> routes, List<String> defaultReceivers) {
    for (RouteConfig r : routes) {
      Map<String, Pattern> re = new java.util.LinkedHashMap<>();
      r.matchRe().forEach((k, v) -> re.put(k, Pattern.compile(v)));
      this.routes.add(new Compiled(r.match(), re, r.receivers(), r.continueMatching()));
    }
    this.defaultReceivers = List.copyOf(defaultReceivers);
  }

  /** The receivers for an alert with these labels, in route order, without duplicates. */
  public List<String> receiversFor(Map<String, String> labels) {
    Set<String> out = new LinkedHashSet<>();
    boolean matched = false;
    for (Compiled r : routes) {
      if (matches(r, labels)) {
        matched = true;
        out.addAll(r.receivers());
        if (!r.continueMatching()) {
          break;
        }
      }
    }
    if (!matched) {
      out.addAll(defaultReceivers);
    }
    return List.copyOf(out);
  }

  private static boolean matches(Compiled r, Map<String, String> labels) {
    for (var e : r.match().entrySet()) {
      if (!e.getValue().equals(labels.getOrDefault(e.getKey(), ""))) {
        return false;
      }
    }
    for (var e : r.matchRe().entrySet()) {
      if (!e.getValue().matcher(labels.getOrDefault(e.getKey(), "")).matches()) {
        return false;
      }
    }
    return true;
  }
}
