package io.fingerpost.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fingerpost.model.Polarity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks the YAML configuration. Every problem stops start-up with a {@link ConfigException}
 * naming the file, the line (for syntax and type errors) or key, and what is wrong. Unknown keys are
 * errors. String values may use {@code ${ENV_NAME}} or {@code ${ENV_NAME:-default}}; a variable that is
 * unset and has no default is an error.
 */
public final class ConfigLoader {

  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final String ENV_ATTRIBUTE = "fingerpost.env";

  /** A configuration and the file it came from (to resolve relative paths). */
  public record Loaded(FingerpostConfig config, ConfigFile file) {
    public Resource resolve(String path) {
      return file.resolve(path);
    }
  }

  private ConfigLoader() {}

  public static Loaded load(Path file, Map<String, String> env) {
    ConfigFile cf = ConfigFile.of(file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(cf.name() + ": cannot read the configuration file: " + e);
    }
    return parse(text, cf, env);
  }

  /** The bundled default ({@code classpath:fingerpost/default/config.yaml}). */
  public static Loaded loadDefault(Map<String, String> env) {
    ConfigFile cf = ConfigFile.bundledDefault();
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(ConfigFile.DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new ConfigException(cf.name() + ": missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), cf, env);
    } catch (IOException e) {
      throw new ConfigException(cf.name() + ": cannot read: " + e);
    }
  }

  public static Loaded parse(String yaml, ConfigFile file, Map<String, String> env) {
    FingerpostConfig config;
    try {
      config = mapper().readerFor(FingerpostConfig.class)
          .withAttribute(ENV_ATTRIBUTE, env)
          .readValue(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(describe(file.name(), yaml, e), e);
    }
    if (config == null) {
      config = new FingerpostConfig(null, null, null, null, null, null, null);
    }
    validate(config, file);
    return new Loaded(config, file);
  }

  static ObjectMapper mapper() {
    SimpleModule module = new SimpleModule("fingerpost-config");
    module.addDeserializer(String.class, new EnvStringDeserializer());
    module.addDeserializer(Duration.class, new DurationDeserializer());
    return new ObjectMapper(new YAMLFactory())
        .registerModule(module)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * The line where an unknown key is written: the YAML parser reports where it stopped (after the
   * key's value), so look back from there for the key itself.
   */
  static int keyLine(String yaml, String key, int reported) {
    String[] lines = yaml.split("\n", -1);
    Pattern p = Pattern.compile("(^|[\\s{,-])[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
    for (int i = Math.min(reported, lines.length) - 1; i >= 0; i--) {
      if (p.matcher(lines[i]).find()) {
        return i + 1;
      }
    }
    return reported;
  }

  private static String describe(String fileName, String yaml, JsonProcessingException e) {
    StringBuilder sb = new StringBuilder(fileName);
    JsonLocation loc = e.getLocation();
    int line = loc == null ? -1 : loc.getLineNr();
    if (e instanceof UnrecognizedPropertyException u && line > 0) {
      line = keyLine(yaml, u.getPropertyName(), line);
      sb.append(": line ").append(line);
    } else if (line > 0) {
      sb.append(": line ").append(line).append(", column ").append(loc.getColumnNr());
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      sb.append(": ").append(path(m.getPath()));
    }
    sb.append(": ");
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = u.getKnownPropertyIds() == null ? List.of()
          : u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
      sb.append("unknown key '").append(u.getPropertyName()).append("'");
      if (!known.isEmpty()) {
        sb.append(" (known keys: ").append(String.join(", ", known)).append(")");
      }
    } else {
      String msg = e.getOriginalMessage();
      sb.append(msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg)
          .replace("java.lang.", "").replace("java.time.", ""));
    }
    return sb.toString();
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** Checks what types cannot: required keys, allowed values, files that exist. */
  static void validate(FingerpostConfig c, ConfigFile file) {
    String f = file.name() + ": ";
    int port = c.http().portOrDefault();
    if (port < 0 || port > 65535) {
      throw new ConfigException(f + "http.port: " + port + " is not a port (0-65535)");
    }
    if (c.database().poolSize() != null && c.database().poolSize() < 1) {
      throw new ConfigException(f + "database.poolSize: must be at least 1");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < c.feeds().size(); i++) {
      FeedConfig feed = c.feeds().get(i);
      String key = "feeds[" + i + "]";
      if (feed == null) {
        throw new ConfigException(f + key + ": empty feed");
      }
      if (feed.name() == null || feed.name().isBlank()) {
        throw new ConfigException(f + key + ".name: missing");
      }
      key = key + " (" + feed.name() + ")";
      if (!names.add(feed.name())) {
        throw new ConfigException(f + key + ".name: another feed has the name '" + feed.name() + "'");
      }
      if ("push".equals(feed.name())) {
        throw new ConfigException(f + key + ".name: 'push' is the push endpoint's name");
      }
      if (feed.type() == null) {
        throw new ConfigException(f + key + ".type: missing (fingertips-csv or tidy-csv)");
      }
      if (!List.of(FeedConfig.FINGERTIPS_CSV, FeedConfig.TIDY_CSV).contains(feed.type())) {
        throw new ConfigException(f + key + ".type: '" + feed.type() + "' is not fingertips-csv or tidy-csv");
      }
      if (feed.source() == null || feed.source().isBlank()) {
        throw new ConfigException(f + key + ".source: missing (a path or an http(s) URL)");
      }
      Resource r;
      try {
        r = file.resolve(feed.source());
      } catch (RuntimeException e) {
        throw new ConfigException(f + key + ".source: " + e.getMessage());
      }
      if (r instanceof Resource.File rf && !Files.isRegularFile(rf.path())) {
        throw new ConfigException(f + key + ".source: no such file " + rf.path());
      }
      if (r instanceof Resource.Classpath rc && ConfigLoader.class.getClassLoader().getResource(rc.name()) == null) {
        throw new ConfigException(f + key + ".source: " + rc.describe() + " is not in the jar");
      }
      positive(f + key + ".interval", feed.interval());
      positive(f + key + ".timeout", feed.timeout());
      if (feed.retry() != null) {
        positive(f + key + ".retry.initialDelay", feed.retry().initialDelay());
        positive(f + key + ".retry.maxDelay", feed.retry().maxDelay());
      }
      for (int j = 0; j < feed.indicators().size(); j++) {
        IndicatorConfig ind = feed.indicators().get(j);
        String ik = key + ".indicators[" + j + "]";
        if (ind == null || ind.id() == null || ind.id().isBlank()) {
          throw new ConfigException(f + ik + ".id: missing");
        }
        try {
          Polarity.parse(ind.polarity());
        } catch (IllegalArgumentException e) {
          throw new ConfigException(f + ik + ".polarity: " + e.getMessage());
        }
      }
      if (FeedConfig.FINGERTIPS_CSV.equals(feed.type()) && feed.columns() != null) {
        throw new ConfigException(f + key + ".columns: a fingertips-csv feed reads its columns by their names;"
            + " 'columns' is for tidy-csv");
      }
      if (FeedConfig.TIDY_CSV.equals(feed.type())) {
        TidyColumns cols = feed.columns();
        if (cols == null) {
          throw new ConfigException(f + key + ".columns: missing (a tidy-csv feed needs a column mapping)");
        }
        required(f + key + ".columns.areaCode", cols.areaCode());
        required(f + key + ".columns.period", cols.period());
        required(f + key + ".columns.value", cols.value());
        if (cols.indicatorId() == null && feed.indicators().size() != 1) {
          throw new ConfigException(f + key + ".columns.indicatorId: missing (needed unless the feed lists"
              + " exactly one indicator)");
        }
      }
    }
    List<String> alertProblems = c.alerts().problems();
    if (!alertProblems.isEmpty()) {
      throw new ConfigException(f + String.join("; ", alertProblems));
    }
  }

  private static void required(String key, ColumnMapping m) {
    if (m == null || (m.column() == null && m.value() == null)) {
      throw new ConfigException(key + ": missing (a column name or {value: …})");
    }
  }

  private static void positive(String key, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new ConfigException(key + ": must be longer than zero");
    }
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

  /** Replaces {@code ${NAME}} and {@code ${NAME:-default}} from the environment. */
  public static String substitute(String value, Map<String, String> env) {
    if (value.indexOf("${") < 0) {
      return value;
    }
    Matcher m = ENV.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null) {
        if (m.group(2) == null) {
          throw new IllegalArgumentException("environment variable " + m.group(1)
              + " is not set (write ${" + m.group(1) + ":-default} to allow that)");
        }
        v = m.group(3);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static final class EnvStringDeserializer extends StdScalarDeserializer<String> {
    EnvStringDeserializer() {
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
        throw JsonMappingException.from(p, e.getMessage());
      }
    }
  }

  private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      try {
        return parseDuration(text);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage());
      }
    }
  }
}
