package io.fingerpost.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One route ({@code alerts.routes[]}): an alert whose labels equal every {@code match} value and fully
 * match every {@code matchRe} regular expression goes to {@code receivers}. Routes are tried in order;
 * the first that matches wins unless it says {@code continue: true}.
 */
public record RouteConfig(
    Map<String, String> match,
    Map<String, String> matchRe,
    List<String> receivers,
    @JsonProperty("continue") Boolean continueMatching) {

  public RouteConfig {
    match = match == null ? Map.of() : Map.copyOf(match);
    matchRe = matchRe == null ? Map.of() : Map.copyOf(matchRe);
    receivers = receivers == null ? List.of() : List.copyOf(receivers);
    continueMatching = continueMatching != null && continueMatching;
  }
}
