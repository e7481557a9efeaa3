package io.fingerpost.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One receiver ({@code alerts.receivers.<name>}). {@code type} is one of {@code webhook} (Alertmanager
 * webhook JSON v4), {@code alertmanager} (API v2; {@code url} is Alertmanager's base URL), {@code slack}
 * or {@code teams} (incoming webhook, {@code {"text"}}), {@code email} (SMTP), {@code log} (the service
 * log, for running without outside servers).
 */
public record ReceiverConfig(
    String type,
    String url,
    Map<String, String> headers,
    Duration timeout,
    Smtp smtp,
    String from,
    List<String> to) {

  public static final List<String> TYPES = List.of("webhook", "alertmanager", "slack", "teams", "email", "log");

  public ReceiverConfig {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    to = to == null ? List.of() : List.copyOf(to);
  }

  /** Checks the fields the type needs; the message names the field. */
  public void validate(String name) {
    String problem = problem("alerts.receivers." + name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** What is missing or wrong for the type, naming the field under {@code where}; null when usable. */
  public String problem(String where) {
    if (type == null || !TYPES.contains(type)) {
      return where + ".type must be one of " + TYPES + ", not '" + type + "'";
    }
    switch (type) {
      case "webhook", "alertmanager", "slack", "teams" -> {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
          return where + ".url must be an http(s) URL, not '" + url + "'";
        }
      }
      case "email" -> {
        if (smtp == null || smtp.host() == null || smtp.host().isBlank()) {
          return where + ".smtp.host is required for email";
        }
        if (from == null || from.isBlank() || to.isEmpty()) {
          return where + " needs 'from' and at least one 'to' address";
        }
      }
      default -> { }
    }
    return null;
  }

  /** SMTP server of an email receiver; {@code starttls} is DISABLED, OPTIONAL or REQUIRED. */
  public record Smtp(String host, Integer port, String username, String password, String starttls) {}
}
