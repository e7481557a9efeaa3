package io.fingerpost.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * A JSON object request body, read once and checked like the parameters are: every member name and string
 * value must be storable text (no control characters such as NUL — tab and line breaks are fine — and no
 * lone UTF-16 surrogate from a JSON escape) of at most {@link #MAX_TEXT} characters. A refusal is a 400 problem whose
 * {@code parameter} is the member's path (e.g. {@code matchers[0].value}).
 */
final class JsonBody {
  static final int MAX_TEXT = 10_000;

  private JsonBody() {}

  /** The body as a checked JSON object; throws a {@link Problem} when it is missing, not an object or bad text. */
  static JsonObject object(RoutingContext ctx) {
    var body = ctx.body();
    if (body == null || body.length() == 0) {
      throw Problem.status(400, "a JSON object body is required");
    }
    JsonObject o;
    try {
      o = body.asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Problem.status(400, "the body is not a JSON object");
    }
    if (o == null) {
      throw Problem.status(400, "a JSON object body is required");
    }
    check(o, "");
    return o;
  }

  private static void check(Object node, String path) {
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        String member = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        text(e.getKey(), member);
        check(e.getValue(), member);
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        check(a.getValue(i), path + "[" + i + "]");
      }
    } else if (node instanceof String s) {
      text(s, path);
    }
  }

  private static void text(String s, String member) {
    String name = ParameterValidator.printable(member);
    if (s.length() > MAX_TEXT) {
      throw Problem.parameter(name, "'" + name + "' is longer than " + MAX_TEXT + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7F) {
        throw Problem.parameter(name, "'" + name + "' contains a control character (U+%04X)".formatted((int) ch));
      }
      if (Character.isSurrogate(ch) && !(Character.isHighSurrogate(ch) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(++i)))) {
        throw Problem.parameter(name, "'" + name + "' contains a lone surrogate (not Unicode text)");
      }
    }
  }
}
