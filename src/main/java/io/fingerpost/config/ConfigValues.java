package io.fingerpost.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How configuration values are written: durations ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 2d}, ISO-8601), and {@code ${NAME}} / {@code ${NAME:-default}} references to the environment
 * in text values ({@code $${} writes a literal {@code ${}).
 */
public final class ConfigValues {

  static final String ENV_ATTRIBUTE = "fingerpost.env";
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern REFERENCE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(:-(.*))?", Pattern.DOTALL);

  private ConfigValues() {}

  /** Text with environment references, and durations, for the main configuration file. */
  static SimpleModule module() {
    return new SimpleModule("fingerpost-config")
        .addDeserializer(String.class, new EnvText())
        .addDeserializer(Duration.class, new DurationValue());
  }

  /** Parses "100ms", "30s", "5m", "1h", "2d" or ISO-8601 ("PT1H"). */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 30s, 5m, 1h, 1d, PT1H)");
    }
  }

  /**
   * Replaces {@code ${NAME}} and {@code ${NAME:-default}} from the environment; {@code $${} is a literal
   * {@code ${}. An unset variable without a default, or a {@code ${} that is not closed or names no
   * variable, is an error (never left in the value as text).
   */
  public static String substitute(String value, Map<String, String> env) {
    if (value.indexOf("${") < 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length());
    int i = 0;
    while (i < value.length()) {
      int at = value.indexOf("${", i);
      if (at < 0) {
        sb.append(value, i, value.length());
        break;
      }
      if (at > 0 && value.charAt(at - 1) == '$') {
        sb.append(value, i, at - 1).append("${");
        i = at + 2;
        continue;
      }
      sb.append(value, i, at);
      int close = value.indexOf('}', at);
      if (close < 0) {
        throw new IllegalArgumentException("'" + value.substring(at) + "' is not closed: write ${NAME} or"
            + " ${NAME:-default} (or $${ for a literal ${)");
      }
      Matcher m = REFERENCE.matcher(value.substring(at + 2, close));
      if (!m.matches()) {
        throw new IllegalArgumentException("'" + value.substring(at, close + 1) + "' names no environment"
            + " variable: write ${NAME} or ${NAME:-default} (or $${ for a literal ${)");
      }
      String v = env.get(m.group(1));
      if (v == null) {
        if (m.group(2) == null) {
          throw new IllegalArgumentException("environment variable " + m.group(1)
              + " is not set (write ${" + m.group(1) + ":-default} to allow that)");
        }
        v = m.group(3);
      }
      sb.append(v);
      i = close + 1;
    }
    return sb.toString();
  }

  /** A text value, with environment references replaced. */
  private static final class EnvText extends StdScalarDeserializer<String> {
    EnvText() {
      super(String.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        return (String) ctxt.handleUnexpectedToken(String.class, p);
      }
      String raw = p.getValueAsString();
      if (raw == null) {
        return null;
      }
      Map<String, String> env = (Map<String, String>) ctxt.getAttribute(ENV_ATTRIBUTE);
      try {
        return substitute(raw, env == null ? System.getenv() : env);
      } catch (IllegalArgumentException e) {
        return Problems.report(ctxt, p, e.getMessage());
      }
    }
  }

  private static final class DurationValue extends StdScalarDeserializer<Duration> {
    DurationValue() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.currentToken().isScalarValue() ? p.getValueAsString() : null;
      if (text == null) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      try {
        return parseDuration(text);
      } catch (IllegalArgumentException e) {
        return Problems.report(ctxt, p, e.getMessage());
      }
    }
  }
}
