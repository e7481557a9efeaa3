package io.fingerpost.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A silence: while active, alerts whose labels match every matcher are recorded but not sent. Matchers
 * have Alertmanager's shape {@code {name, value, isRegex}}; a regex must match the whole value.
 */
public record Silence(long id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
    String comment, boolean endOnResolve) {

  public record Matcher(String name, String value, boolean isRegex) {
    public Matcher {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a matcher needs a label name");
      }
      if (value == null) {
        throw new IllegalArgumentException("matcher '" + name + "' needs a value");
      }
      if (isRegex) {
        Pattern.compile(value); // fails early on a bad pattern
      }
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.getOrDefault(name, "");
      return isRegex ? Pattern.compile(value).matcher(v).matches() : value.equals(v);
    }
  }

  public boolean active(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(endsAt);
  }

  public boolean matches(Map<String, String> labels) {
    return matchers.stream().allMatch(m -> m.matches(labels));
  }

  public static List<Matcher> matchersFromJson(JsonArray a) {
    if (a == null || a.isEmpty()) {
      throw new IllegalArgumentException("a silence needs at least one matcher");
    }
    List<Matcher> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof JsonObject j)) {
        throw new IllegalArgumentException("each matcher is an object {name, value, isRegex}");
      }
      out.add(new Matcher(j.getString("name"), j.getString("value"), Boolean.TRUE.equals(j.getBoolean("isRegex"))));
    }
    return out;
  }

  public static JsonArray matchersToJson(List<Matcher> matchers) {
    JsonArray a = new JsonArray();
    matchers.forEach(m -> a.add(new JsonObject().put("name", m.name()).put("value", m.value()).put("isRegex", m.isRegex())));
    return a;
  }
}
