package io.fingerpost.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code alerts:} section of the configuration.
 *
 * <pre>
 * alerts:
 *   externalUrl: http://fingerpost.example:8080   # links in annotations
 *   rules: { offTrajectory: { warnOnAtRisk: true }, projectedMiss: { fireAtOrBelow: 0.1 }, ... }
 *   damping: { periodsToResolve: 1, periodsToRefire: 1, minFiring: 0s, minResolved: 0s }
 *   receivers:
 *     cyp: { type: webhook, url: "${CYP_WEBHOOK_URL}" }
 *   routes:
 *     - match: { team: "Children and young people" }
 *       receivers: [cyp]
 *   defaultReceivers: [log]
 *   groupBy: [team]
 *   delivery: { initialBackoff: 1s, maxBackoff: 5m, resendInterval: 1m }
 * </pre>
 */
public record AlertsConfig(
    Boolean enabled,
    String externalUrl,
    RulesConfig rules,
    Damping damping,
    Map<String, ReceiverConfig> receivers,
    List<RouteConfig> routes,
    List<String> defaultReceivers,
    List<String> groupBy,
    DeliveryConfig delivery) {

  public AlertsConfig {
    enabled = enabled == null || enabled;
    externalUrl = externalUrl == null || externalUrl.isBlank() ? "http://127.0.0.1:8080" : externalUrl;
    rules = rules == null ? RulesConfig.defaults() : rules;
    damping = damping == null ? Damping.none() : damping;
    receivers = receivers == null || receivers.isEmpty()
        ? Map.of("log", new ReceiverConfig("log", null, null, null, null, null, null))
        : new LinkedHashMap<>(receivers);
    routes = routes == null ? List.of() : List.copyOf(routes);
    defaultReceivers = defaultReceivers == null || defaultReceivers.isEmpty()
        ? List.of(receivers.keySet().iterator().next()) : List.copyOf(defaultReceivers);
    groupBy = groupBy == null || groupBy.isEmpty() ? List.of("team") : List.copyOf(groupBy);
    delivery = delivery == null ? DeliveryConfig.defaults() : delivery;
  }

  public static AlertsConfig defaults() {
    return new AlertsConfig(null, null, null, null, null, null, null, null, null);
  }

  /** Every problem, each naming its key ({@code alerts.routes[2].receivers: unknown receiver 'x'}). */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    receivers.forEach((name, r) -> {
      try {
        r.validate(name);
      } catch (IllegalArgumentException e) {
        out.add(e.getMessage());
      }
    });
    for (int i = 0; i < routes.size(); i++) {
      RouteConfig r = routes.get(i);
      String at = "alerts.routes[" + i + "]";
      if (r.receivers().isEmpty()) {
        out.add("alerts.routes[" + i + "].receivers: a route needs at least one receiver");
      }
      for (String n : r.receivers()) {
        if (!receivers.containsKey(n)) {
          out.add("alerts.routes[" + i + "].receivers: unknown receiver '" + n + "' (known: " + receivers.keySet() + ")");
        }
      }
      r.matchRe().forEach((k, v) -> {
        try {
          java.util.regex.Pattern.compile(v);
        } catch (java.util.regex.PatternSyntaxException e) {
          out.add(at + ".matchRe." + k + ": not a regular expression: " + e.getDescription());
        }
      });
    }
    for (String n : defaultReceivers) {
      if (!receivers.containsKey(n)) {
        out.add("alerts.defaultReceivers: unknown receiver '" + n + "' (known: " + receivers.keySet() + ")");
      }
    }
    if (!externalUrl.startsWith("http://") && !externalUrl.startsWith("https://")) {
      out.add("alerts.externalUrl must be an http(s) URL, not '" + externalUrl + "'");
    }
    return out;
  }
}
