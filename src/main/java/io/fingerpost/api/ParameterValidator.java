package io.fingerpost.api;

import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The path and query parameters of one operation, checked against {@code openapi.yaml} before any handler
 * runs: the raw URI is decoded strictly (invalid percent-escapes or UTF-8 are refused, not replaced), unknown
 * and repeated query parameters are refused, text holds no control characters (PostgreSQL cannot store NUL)
 * and is at most {@link #MAX_TEXT} characters unless the schema says less, and every value must satisfy its
 * JSON schema (vertx-json-schema; integers and numbers are converted first). Each refusal is a
 * {@link Problem#parameter} naming the parameter.
 *
 * <p>Not vertx-openapi's RequestValidator: it turns a string parameter that looks like a number (an
 * indicator id such as {@code 93356}) into a number and then rejects it against {@code type: string}, and it
 * ignores unknown parameters.
 */
final class ParameterValidator {
  /** The longest text value accepted when the schema gives no {@code maxLength}. */
  static final int MAX_TEXT = 1000;
  private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("urn:fingerpost:openapi").setOutputFormat(OutputFormat.Basic);

  private record Check(ApiSpec.Parameter parameter, String type, Validator schema) {}

  private final Map<String, Check> query = new LinkedHashMap<>();
  private final Map<Integer, Check> pathSegments = new HashMap<>();
  private final Map<Integer, String> suffixes = new HashMap<>();
  private final int segments;

  ParameterValidator(ApiSpec.Operation op) {
    String[] parts = op.path().split("/", -1);
    segments = parts.length;
    for (ApiSpec.Parameter p : op.parameters()) {
      Check c = new Check(p, p.schema().getString("type", "string"), Validator.create(JsonSchema.of(p.schema()), OPTIONS));
      if (p.inPath()) {
        for (int i = 0; i < parts.length; i++) {
          // a segment is "{name}" or "{name}" and a literal suffix ("{id}.pdf")
          if (parts[i].startsWith("{" + p.name() + "}")) {
            pathSegments.put(i, c);
            suffixes.put(i, parts[i].substring(p.name().length() + 2));
          }
        }
      } else {
        query.put(p.name(), c);
      }
    }
  }

  /** Checks the raw path and query of a request; throws the first problem found. */
  void check(String rawPath, String rawQuery) {
    String[] parts = rawPath.split("/", -1);
    if (parts.length == segments) {
      pathSegments.forEach((i, c) -> {
        String raw = parts[i];
        String suffix = suffixes.get(i);
        if (!suffix.isEmpty() && raw.endsWith(suffix)) {
          raw = raw.substring(0, raw.length() - suffix.length());
        }
        check(c, "path parameter", decode(raw, false, c.parameter().name()));
      });
    }
    Map<String, String> given = new HashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String rawName = eq < 0 ? pair : pair.substring(0, eq);
        String name = decode(rawName, true, printable(rawName));
        String value = decode(eq < 0 ? "" : pair.substring(eq + 1), true, name);
        Check c = query.get(name);
        if (c == null) {
          throw Problem.parameter(printable(name), "unknown query parameter '" + printable(name) + "'"
              + (query.isEmpty() ? ": this operation takes none" : " (allowed: "
              + String.join(", ", new TreeSet<>(query.keySet())) + ")"));
        }
        if (given.put(name, value) != null) {
          throw Problem.parameter(name, "query parameter '" + name + "' is given more than once");
        }
      }
    }
    for (Check c : query.values()) {
      String v = given.get(c.parameter().name());
      if (v != null) {
        check(c, "query parameter", v);
      } else if (c.parameter().required()) {
        throw Problem.parameter(c.parameter().name(), "query parameter '" + c.parameter().name() + "' is required");
      }
    }
  }

  private static void check(Check c, String where, String value) {
    String name = c.parameter().name();
    String what = where + " '" + name + "'";
    int max = c.parameter().schema().getInteger("maxLength", MAX_TEXT);
    if (value.length() > max) {
      throw Problem.parameter(name, what + " is longer than " + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch < 0x20 || ch == 0x7F) {
        throw Problem.parameter(name, what + " contains a control character (U+%04X)".formatted((int) ch));
      }
    }
    Object typed = typed(c.type(), value);
    if (typed == null) {
      throw Problem.parameter(name, what + " must be " + (c.type().equals("integer") ? "an integer" : "a "
          + c.type()) + ", not '" + printable(value) + "'");
    }
    OutputUnit result = c.schema().validate(typed);
    if (!Boolean.TRUE.equals(result.getValid())) {
      List<OutputUnit> errors = result.getErrors();
      String reason = errors == null || errors.isEmpty() ? result.getError() : errors.get(errors.size() - 1).getError();
      throw Problem.parameter(name, what + " '" + printable(value) + "' is not valid: " + reason);
    }
  }

  /** The value as its schema type, or null when it cannot be one. */
  private static Object typed(String type, String value) {
    try {
      return switch (type) {
        case "integer" -> value.matches("-?[0-9]{1,400}") ? narrow(new BigInteger(value)) : null;
        case "number" -> value.matches("-?[0-9]{1,400}(\\.[0-9]{1,400})?([eE][-+]?[0-9]{1,4})?")
            ? new BigDecimal(value) : null;
        case "boolean" -> value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : null;
        default -> value;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Object narrow(BigInteger n) {
    return n.bitLength() < 64 ? (Object) n.longValue() : n;
  }

  /**
   * Percent-decodes strictly: a malformed escape or bytes that are not UTF-8 are a problem about
   * {@code parameter} (the browser-form {@code +} is a space in a query, not in a path).
   */
  static String decode(String raw, boolean query, String parameter) {
    if (raw.indexOf('%') < 0 && !(query && raw.indexOf('+') >= 0)) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw Problem.parameter(parameter, "parameter '" + parameter + "' has a malformed percent-escape");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (ch == '+' && query) {
        bytes.write(' ');
      } else {
        byte[] b = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw Problem.parameter(parameter, "parameter '" + parameter + "' is not valid UTF-8 once percent-decoded");
    }
  }

  /** A name safe to echo: control characters escaped, at most 64 characters. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(64).forEach(cp -> {
      if (cp < 0x20 || cp == 0x7F) {
        b.append("\\u%04X".formatted(cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return s.codePointCount(0, s.length()) > 64 ? b + "…" : b.toString();
  }
}
