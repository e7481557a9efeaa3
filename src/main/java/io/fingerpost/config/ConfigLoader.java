package io.fingerpost.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.fingerpost.config.Problems.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads and checks the YAML configuration: Jackson binds it into {@link FingerpostConfig} (unknown keys
 * are errors), {@link ConfigRules} adds the rules types cannot express, and every problem found is
 * reported at once in one {@link ConfigException}, one line each naming the file, the line, the key and
 * what is wrong. Text values may use {@code ${ENV_NAME}} or {@code ${ENV_NAME:-default}} (see
 * {@link ConfigValues#substitute}); a key written twice, a tab used for indentation and an unclosed
 * {@code ${} are errors too.
 */
public final class ConfigLoader {

  private static final Binder BINDER = new Binder(ConfigValues.module());

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
    YamlDocument doc;
    try {
      doc = YamlDocument.parse(yaml);
    } catch (YamlDocument.SyntaxError e) {
      throw new ConfigException(file.name() + ": " + (e.line() > 0 ? "line " + e.line() + ": " : "")
          + "not valid YAML: " + e.reason(), e);
    }
    Problems problems = new Problems();
    FingerpostConfig config = doc.root() == null ? null
        : BINDER.bind(yaml, FingerpostConfig.class, problems, Map.of(ConfigValues.ENV_ATTRIBUTE, env));
    if (config == null && problems.isEmpty()) {
      config = new FingerpostConfig(null, null, null, null, null, null, null);
    }
    if (config != null) {
      ConfigRules.check(config, file, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems.list().stream()
          .map(p -> format(file.name(), doc, p)).toList()));
    }
    return new Loaded(config, file);
  }

  /**
   * Binds one section given as a tree (no lines: errors name the file and key), then applies its
   * {@code rules}; every problem is reported at once.
   *
   * @param pointer where the section is in the configuration ({@code /metrics})
   */
  public static <T> T bindSection(JsonNode section, String pointer, Class<T> type, String fileName,
      BiConsumer<T, Problems> rules) {
    Problems problems = new Problems(pointer);
    T value = BINDER.bind(section, type, problems, Map.of());
    if (value != null) {
      rules.accept(value, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems.list().stream()
          .map(p -> format(fileName, YamlDocument.EMPTY, p)).toList()));
    }
    return value;
  }

  /** {@code file: line N: key: reason}, the line where the document writes the key (or its parent). */
  static String format(String fileName, YamlDocument doc, Problem p) {
    int line = doc.line(p.pointer());
    StringBuilder sb = new StringBuilder(fileName).append(": ");
    if (line > 0) {
      sb.append("line ").append(line).append(": ");
    }
    if (p.namesKey()) {
      return sb.append(p.reason()).toString();
    }
    if (!p.key().isEmpty()) {
      sb.append(p.key()).append(": ");
    }
    if (p.unknownKey() != null) {
      sb.append("unknown key '").append(p.unknownKey()).append("'");
      if (!p.knownKeys().isEmpty()) {
        sb.append(" (known keys: ").append(String.join(", ", p.knownKeys())).append(")");
      }
      return sb.toString();
    }
    return sb.append(p.reason()).toString();
  }
}
