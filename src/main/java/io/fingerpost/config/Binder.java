package io.fingerpost.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Binds YAML into records with Jackson (unknown keys are errors) and keeps going after a mismatch: each
 * unknown key, wrong type or rejected value is added to a {@link Problems} and the field is left null, so
 * one pass reports every problem of a file. Custom deserializers report through
 * {@link Problems#report}. What Jackson cannot recover from is added as one last problem.
 */
public final class Binder {

  private final ObjectMapper mapper;

  public Binder(Module... modules) {
    mapper = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
        .registerModules(modules)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .addHandler(new Collecting());
  }

  /** Binds YAML text (keeping each scalar's text as written); null when the document cannot be bound. */
  public <T> T bind(String yaml, Class<T> type, Problems problems, Map<String, ?> attributes) {
    try {
      return reader(type, problems, attributes).readValue(yaml);
    } catch (JsonProcessingException e) {
      fatal(e, problems);
      return null;
    }
  }

  /** Binds a part of a document already read (e.g. one target of a targets file). */
  public <T> T bind(JsonNode node, Class<T> type, Problems problems, Map<String, ?> attributes) {
    try {
      return reader(type, problems, attributes).readValue(mapper.treeAsTokens(node));
    } catch (IOException e) {
      fatal(e, problems);
      return null;
    }
  }

  private ObjectReader reader(Class<?> type, Problems problems, Map<String, ?> attributes) {
    return mapper.readerFor(type).withAttributes(attributes).withAttribute(Problems.ATTRIBUTE, problems);
  }

  private static void fatal(IOException e, Problems problems) {
    String pointer = "";
    if (e instanceof JsonMappingException m) {
      StringBuilder sb = new StringBuilder();
      for (JsonMappingException.Reference r : m.getPath()) {
        sb.append(r.getFieldName() != null ? Problems.segment(r.getFieldName()) : "/" + r.getIndex());
      }
      pointer = sb.toString();
    }
    if (e instanceof UnrecognizedPropertyException u) {
      problems.unknownKey(pointer, u.getPropertyName(), known(u.getKnownPropertyIds()));
      return;
    }
    String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    problems.addRelative(pointer, msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg));
  }

  static List<String> known(Collection<Object> ids) {
    return ids == null ? List.of() : ids.stream().map(String::valueOf).sorted().toList();
  }

  /** What a value of {@code type} looks like, for "expected …" messages. */
  static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a single value";
    }
    if (type == Duration.class) {
      return "a duration (e.g. 500ms, 30s, 5m, 1h, 1d, PT1H)";
    }
    if (type.isEnum()) {
      return "one of " + String.join(", ", Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList());
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "a mapping";
  }

  private static String got(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.FIELD_NAME) {
      return "a mapping";
    }
    if (t == JsonToken.START_ARRAY) {
      return "a list";
    }
    return "'" + p.getText() + "'";
  }

  /** Records each recoverable mismatch and lets Jackson go on with the next key. */
  private static final class Collecting extends DeserializationProblemHandler {

    private static Problems problems(DeserializationContext ctxt) {
      return ctxt.getAttribute(Problems.ATTRIBUTE) instanceof Problems p ? p : null;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deser,
        Object bean, String name) throws IOException {
      Problems problems = problems(ctxt);
      if (problems == null) {
        return false;
      }
      // A record replays its unknown keys from a buffer once built, whose context is not the document's:
      // the document's parser is then just past the record.
      String at = p == ctxt.getParser() ? Problems.pointer(p) : Problems.pointer(ctxt.getParser()) + Problems.segment(name);
      problems.unknownKey(at, name, known(deser.getKnownPropertyNames()));
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> type, String value, String msg) {
      return mismatch(ctxt, ctxt.getParser(), "expected " + expected(type) + ", got '" + value + "'");
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> type, Number value, String msg) {
      return mismatch(ctxt, ctxt.getParser(), "expected " + expected(type) + ", got " + value);
    }

    @Override
    public Object handleWeirdKey(DeserializationContext ctxt, Class<?> type, String key, String msg) {
      return mismatch(ctxt, ctxt.getParser(), "key '" + key + "': expected " + expected(type));
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType type, JsonToken t, JsonParser p,
        String msg) throws IOException {
      Object r = mismatch(ctxt, p, "expected " + expected(type.getRawClass()) + ", got " + got(p));
      if (r == null) {
        p.skipChildren();
      }
      return r;
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> type, ValueInstantiator inst,
        JsonParser p, String msg) throws IOException {
      Object r = mismatch(ctxt, p, "expected " + expected(type) + ", got " + got(p));
      if (r == null) {
        p.skipChildren();
      }
      return r;
    }

    @Override
    public Object handleInstantiationProblem(DeserializationContext ctxt, Class<?> type, Object argument,
        Throwable t) {
      Problems problems = problems(ctxt);
      if (problems == null) {
        return NOT_HANDLED;
      }
      // A record refusing a null that an earlier problem left behind adds nothing new.
      if (!(t instanceof NullPointerException && !problems.isEmpty())) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
          cause = cause.getCause();
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        problems.addRelative(Problems.pointer(ctxt.getParser()), reason);
      }
      return null;
    }

    private static Object mismatch(DeserializationContext ctxt, JsonParser p, String reason) {
      Problems problems = problems(ctxt);
      if (problems == null) {
        return NOT_HANDLED;
      }
      problems.addRelative(Problems.pointer(p), reason);
      return null;
    }
  }
}
