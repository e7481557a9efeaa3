package io.fingerpost.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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

  /** Every cross-field problem as text ({@code alerts.routes[2].receivers: unknown receiver 'x'}). */
  public List<String> problems() {
    Problems problems = new Problems();
    check(problems);
    return problems.list().stream().map(p -> p.namesKey() ? p.reason() : p.key() + ": " + p.reason()).toList();
  }

  /** Adds every cross-field problem, each naming its key ({@code alerts.routes[2].receivers: unknown receiver 'x'}). */
  void check(Problems problems) {
    receivers.forEach((name, r) -> {
      String at = "/alerts/receivers" + Problems.segment(name);
      if (r == null) {
        if (!problems.at(at)) {
          problems.addNamed(at, "alerts.receivers." + name + ": empty receiver");
        }
        return;
      }
      String problem = r.problem("alerts.receivers." + name);
      if (problem != null) {
        problems.addNamed(at, problem);
      }
    });
    for (int i = 0; i < routes.size(); i++) {
      RouteConfig r = routes.get(i);
      String at = "/alerts/routes/" + i;
      if (r == null) {
        continue;
      }
      if (r.receivers().isEmpty()) {
        problems.add(at + "/receivers", "a route needs at least one receiver");
      }
      for (String n : r.receivers()) {
        if (!receivers.containsKey(n)) {
          problems.add(at + "/receivers", "unknown receiver '" + n + "' (known: " + receivers.keySet() + ")");
        }
      }
      r.matchRe().forEach((k, v) -> {
        try {
          Pattern.compile(v);
        } catch (PatternSyntaxException e) {
          problems.add(at + "/matchRe" + Problems.segment(k), "not a regular expression: " + e.getDescription());
        }
      });
    }
    for (String n : defaultReceivers) {
      if (!receivers.containsKey(n)) {
        problems.add("/alerts/defaultReceivers", "unknown receiver '" + n + "' (known: " + receivers.keySet() + ")");
      }
    }
    if (!externalUrl.startsWith("http://") && !externalUrl.startsWith("https://")) {
      problems.addNamed("/alerts/externalUrl", "alerts.externalUrl must be an http(s) URL, not '" + externalUrl + "'");
    }
  }
}
