package io.fingerpost.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operations of {@code openapi.yaml} as the HTTP layer enforces them: method, path, parameters
 * (with {@code $ref}s resolved) and whether the bearer token is needed ({@code security}). The file is the
 * one description of the request contract: the {@link RequestGate} is built from it.
 */
public record ApiSpec(JsonObject document, List<Operation> operations) {

  /** A path or query parameter and its JSON schema. */
  public record Parameter(String name, String in, boolean required, JsonObject schema) {
    public boolean inPath() {
      return "path".equals(in);
    }
  }

  public record Operation(String id, HttpMethod method, String path, List<Parameter> parameters, boolean bearer) {
    /** The path in vertx-web's syntax ({@code /api/series/:id}). */
    public String routePath() {
      return path.replaceAll("\\{([^}/]+)}", ":$1");
    }
  }

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

  /** The {@code openapi.yaml} on the classpath (blocking: call from a worker or at start-up). */
  public static Buffer text() {
    try (InputStream in = ApiSpec.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IOException("openapi.yaml is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the classpath's {@code openapi.yaml} (blocking). */
  public static ApiSpec load() {
    return parse(text());
  }

  @SuppressWarnings("unchecked")
  public static ApiSpec parse(Buffer yaml) {
    JsonObject doc;
    try {
      doc = new JsonObject(new ObjectMapper(new YAMLFactory()).readValue(yaml.getBytes(), Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.yaml does not parse", e);
    }
    List<Operation> ops = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      List<Parameter> shared = parameters(doc, item.getJsonArray("parameters"));
      for (String method : METHODS) {
        JsonObject op = item.getJsonObject(method);
        if (op == null) {
          continue;
        }
        List<Parameter> params = new ArrayList<>(shared);
        params.addAll(parameters(doc, op.getJsonArray("parameters")));
        JsonArray security = op.getJsonArray("security");
        ops.add(new Operation(op.getString("operationId"), HttpMethod.valueOf(method.toUpperCase()), path,
            List.copyOf(params), security != null && !security.isEmpty()));
      }
    }
    return new ApiSpec(doc, List.copyOf(ops));
  }

  private static List<Parameter> parameters(JsonObject doc, JsonArray list) {
    List<Parameter> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    for (Object o : list) {
      JsonObject p = resolve(doc, (JsonObject) o);
      String in = p.getString("in");
      if (!"path".equals(in) && !"query".equals(in)) {
        continue; // headers and cookies are not parameters of this API
      }
      // A schema that is a $ref (e.g. Key) is inlined: the validator compiles each schema on its own.
      out.add(new Parameter(p.getString("name"), in, "path".equals(in) || p.getBoolean("required", false),
          resolve(doc, p.getJsonObject("schema", new JsonObject()))));
    }
    return out;
  }

  private static JsonObject resolve(JsonObject doc, JsonObject node) {
    String ref = node.getString("$ref");
    if (ref == null) {
      return node;
    }
    JsonObject target = doc;
    for (String part : ref.substring(2).split("/")) {
      target = target.getJsonObject(part.replace("~1", "/").replace("~0", "~"));
    }
    return resolve(doc, target);
  }
}
