package io.fingerpost.api;

import io.fingerpost.alert.Silence;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * The body of {@code POST /api/silences}, read strictly: every member has the type {@code openapi.yaml} gives
 * it (a matcher value {@code 1} or {@code null} is refused, never turned into the text "1" or "null"), and the
 * times lie within {@link #MAX_REACH} of now (a silence until the year 1000000000 is a typo, and beyond what
 * the database stores). A refusal is a 400 problem whose {@code parameter} names the member, e.g.
 * {@code matchers[0].value}.
 */
record SilenceBody(List<Silence.Matcher> matchers, Instant from, Instant until, String who, String why,
                   boolean endOnResolve) {

  /** How far from now {@code until} (and {@code startsAt}) may be. */
  static final Duration MAX_REACH = Duration.ofDays(3653);

  private static final Set<String> MATCHER_MEMBERS = Set.of("name", "value", "isRegex");

  static SilenceBody read(JsonObject b, Instant now) {
    List<Silence.Matcher> matchers = matchers(b.getValue("matchers"));
    String untilMember = b.containsKey("until") || !b.containsKey("endsAt") ? "until" : "endsAt";
    Instant until = instant(b, untilMember, null, now);
    Instant from = instant(b, "startsAt", now, now);
    if (!until.isAfter(now) || !until.isAfter(from)) {
      throw Problem.parameter(untilMember, "'" + untilMember + "' must be in the future and after 'startsAt'");
    }
    String who = text(b, "who");
    String why = text(b, "why");
    Object end = b.getValue("endOnResolve");
    if (end != null && !(end instanceof Boolean)) {
      throw Problem.parameter("endOnResolve", "'endOnResolve' must be true or false");
    }
    return new SilenceBody(matchers, from, until, who, why, Boolean.TRUE.equals(end));
  }

  private static List<Silence.Matcher> matchers(Object m) {
    List<Silence.Matcher> out = new ArrayList<>();
    if (m instanceof JsonObject map) { // shorthand {"team": "x"}: exact matches
      for (Map.Entry<String, Object> e : map) {
        String member = "matchers." + e.getKey();
        out.add(matcher(member, e.getKey(), string(e.getValue(), member), false));
      }
    } else if (m instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        String member = "matchers[" + i + "]";
        if (!(a.getValue(i) instanceof JsonObject j)) {
          throw Problem.parameter(member, "'" + member + "' must be an object {name, value, isRegex}");
        }
        for (String key : j.fieldNames()) {
          if (!MATCHER_MEMBERS.contains(key)) {
            throw Problem.parameter(member + "." + key, "'" + member + "." + key + "' is not a matcher member"
                + " (name, value, isRegex)");
          }
        }
        Object regex = j.getValue("isRegex");
        if (regex != null && !(regex instanceof Boolean)) {
          throw Problem.parameter(member + ".isRegex", "'" + member + ".isRegex' must be true or false");
        }
        out.add(matcher(member + ".value", string(j.getValue("name"), member + ".name"),
            string(j.getValue("value"), member + ".value"), Boolean.TRUE.equals(regex)));
      }
    } else {
      throw Problem.parameter("matchers",
          "'matchers' is required: [{\"name\", \"value\", \"isRegex\"}] or {label: value}");
    }
    if (out.isEmpty()) {
      throw Problem.parameter("matchers", "'matchers' needs at least one matcher");
    }
    return out;
  }

  private static Silence.Matcher matcher(String valueMember, String name, String value, boolean regex) {
    try {
      return new Silence.Matcher(name, value, regex);
    } catch (PatternSyntaxException e) {
      throw Problem.parameter(valueMember, "'" + valueMember + "' is not a regular expression: "
          + e.getDescription());
    } catch (IllegalArgumentException e) {
      throw Problem.parameter(valueMember, e.getMessage());
    }
  }

  /** A JSON string; a number, boolean or null is refused (label values are text). */
  private static String string(Object v, String member) {
    if (!(v instanceof String s)) {
      throw Problem.parameter(member, "'" + member + "' must be a string, not " + (v == null ? "null"
          : v instanceof JsonObject ? "an object" : v instanceof JsonArray ? "an array" : v.toString()));
    }
    return s;
  }

  private static String text(JsonObject b, String member) {
    Object v = b.getValue(member);
    String s = v == null ? "" : string(v, member).trim();
    if (s.isEmpty()) {
      throw Problem.parameter(member, "'who' and 'why' are required");
    }
    return s;
  }

  /** An ISO-8601 instant within {@link #MAX_REACH} of now; {@code absent} when missing (null: required). */
  private static Instant instant(JsonObject b, String member, Instant absent, Instant now) {
    Object v = b.getValue(member);
    if (v == null && absent != null) {
      return absent;
    }
    if (v == null) {
      throw Problem.parameter(member, "'" + member + "' is required: an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
    Instant t;
    try {
      t = Instant.parse(string(v, member));
    } catch (DateTimeParseException e) {
      throw Problem.parameter(member, "'" + member + "' is not an ISO-8601 instant: '" + e.getParsedString() + "'");
    }
    if (t.isAfter(now.plus(MAX_REACH)) || t.isBefore(now.minus(MAX_REACH))) {
      throw Problem.parameter(member, "'" + member + "' is more than 10 years from now: " + t);
    }
    return t;
  }
}
