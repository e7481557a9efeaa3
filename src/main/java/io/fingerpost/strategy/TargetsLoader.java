package io.fingerpost.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fingerpost.config.Binder;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.Problems;
import io.fingerpost.config.Problems.Problem;
import io.fingerpost.config.Resource;
import io.fingerpost.config.TargetsConfig;
import io.fingerpost.config.YamlDocument;
import io.fingerpost.strategy.TargetSpec.FileSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads targets files (YAML; the format is in the README, "Targets and trajectories"): Jackson binds each
 * target, after its file's {@code defaults}, into a {@link TargetSpec} (unknown keys and wrong types are
 * problems) and {@link TargetRules} checks what needs several keys. Each target is bound on its own, so
 * one bad target does not hide the others; every problem of every file is reported together in one
 * {@link TargetsFileException}, each naming the file, the target and the key.
 *
 * <pre>
 * defaults:            # optional: any target key but id and name, used where a target omits it
 *   area: E08000027
 *   tolerance: {amber: 25%, red: 50%}
 * targets:
 *   - id: le-birth-male
 *     indicator: "90366"
 *     sex: Male
 *     direction: increase
 *     baseline: {period: "2018 - 20", value: 78.9}
 *     target: {period: "2033", value: 79.5}
 * </pre>
 */
public final class TargetsLoader {

  private static final Binder BINDER = new Binder(TargetSpec.module());
  private static final Set<String> NO_DEFAULT = Set.of("id", "name");

  private TargetsLoader() {}

  /** A targets file's name (as shown in errors) and content. */
  public record TargetsText(String name, String yaml) {}

  /**
   * The targets files a configuration's {@code targets} section names, the section given as a tree
   * (paths as written; the caller resolves them). A missing or null section means no targets.
   *
   * @throws TargetsFileException naming the configuration file and key
   */
  public static List<String> configuredFiles(JsonNode section, String configName) {
    if (section == null || section.isNull() || section.isMissingNode()) {
      return List.of();
    }
    Problems problems = new Problems("/targets");
    TargetsConfig config = BINDER.bind(section, TargetsConfig.class, problems, Map.of());
    if (!problems.isEmpty()) {
      throw new TargetsFileException(problems.list().stream().sorted(UNKNOWN_KEYS_FIRST)
          .map(p -> configName + ": " + describe(p, "")).toList());
    }
    return config.files();
  }

  /**
   * Loads the targets files the configuration names ({@code targets.files}, resolved against the
   * configuration's folder: a file, or a resource of the bundled default). Blocking.
   *
   * @throws TargetsFileException with every error of every file
   */
  public static List<TargetDefinition> load(ConfigLoader.Loaded config) {
    List<String> errors = new ArrayList<>();
    List<TargetsText> texts = new ArrayList<>();
    for (String f : config.config().targets().files()) {
      Resource r;
      try {
        r = config.resolve(f);
      } catch (IllegalArgumentException e) {
        errors.add(config.file().name() + ": key 'targets.files': " + e.getMessage());
        continue;
      }
      if (r instanceof Resource.Url) {
        errors.add(config.file().name() + ": key 'targets.files': '" + f + "' must be a file, not a URL");
        continue;
      }
      try (InputStream in = r.open()) {
        texts.add(new TargetsText(r.describe(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        errors.add(r.describe() + ": cannot read the targets file (" + e.getMessage() + ")");
      }
    }
    return parse(texts, errors);
  }

  /** Loads targets files from disk. */
  public static List<TargetDefinition> loadFiles(List<Path> files) {
    List<String> errors = new ArrayList<>();
    List<TargetsText> texts = new ArrayList<>();
    for (Path f : files) {
      try {
        texts.add(new TargetsText(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        errors.add(f + ": cannot read the targets file: " + e.getMessage());
      }
    }
    return parse(texts, errors);
  }

  /** Loads a targets file from the class path (the bundled defaults). */
  public static List<TargetDefinition> loadResource(String resource) {
    try (InputStream in = TargetsLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new TargetsFileException(List.of("classpath:" + resource + ": no such targets file"));
      }
      return parse(List.of(new TargetsText("classpath:" + resource,
          new String(in.readAllBytes(), StandardCharsets.UTF_8))));
    } catch (IOException e) {
      throw new TargetsFileException(List.of("classpath:" + resource + ": " + e.getMessage()));
    }
  }

  /** Parses and checks targets files; ids must be unique across all of them. */
  public static List<TargetDefinition> parse(List<TargetsText> texts) {
    return parse(texts, new ArrayList<>());
  }

  private static List<TargetDefinition> parse(List<TargetsText> texts, List<String> errors) {
    List<TargetDefinition> targets = new ArrayList<>();
    Map<String, String> fileOfId = new LinkedHashMap<>();
    for (TargetsText text : texts) {
      for (TargetDefinition t : parseFile(text, errors)) {
        String previous = fileOfId.putIfAbsent(t.id(), t.file());
        if (previous != null) {
          errors.add(t.file() + ": target '" + t.id() + "': key 'id': duplicate id, already used in " + previous);
        } else {
          targets.add(t);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new TargetsFileException(errors);
    }
    return List.copyOf(targets);
  }

  private static List<TargetDefinition> parseFile(TargetsText text, List<String> errors) {
    YamlDocument doc;
    try {
      doc = YamlDocument.parse(text.yaml());
    } catch (YamlDocument.SyntaxError e) {
      errors.add(text.name() + (e.line() > 0 ? ": line " + e.line() : "") + ": not valid YAML: " + e.reason());
      return List.of();
    }
    if (doc.root() == null || doc.root().isNull()) {
      errors.add(text.name() + ": the file is empty (expected a 'targets' list)");
      return List.of();
    }
    Problems fileProblems = new Problems();
    FileSpec file = BINDER.bind(doc.root(), FileSpec.class, fileProblems, Map.of());
    if (file != null && file.targets() == null && !fileProblems.at("/targets")) {
      fileProblems.add("/targets", "missing: the list of targets");
    }
    ObjectNode defaults = file == null ? null : defaults(file.defaults(), fileProblems);
    if (defaults != null && file.places() != null && !file.places().isNull()) {
      if (file.defaults() != null && file.defaults().containsKey("places")) {
        fileProblems.add("/places", "given twice: at the top of the file and in defaults");
      } else {
        defaults.set("places", file.places()); // the file's places: a default like any other key
      }
    }
    report(text.name(), null, "", fileProblems, errors);
    if (defaults == null || file.targets() == null) {
      return List.of();
    }
    List<TargetDefinition> result = new ArrayList<>();
    for (int i = 0; i < file.targets().size(); i++) {
      TargetDefinition t = target(text.name(), i, file.targets().get(i), defaults, errors);
      if (t != null) {
        result.add(t);
      }
    }
    return result;
  }

  /** The defaults that bind (each problem is reported once, here, not again for every target). */
  private static ObjectNode defaults(Map<String, JsonNode> given, Problems problems) {
    ObjectNode usable = JsonNodeFactory.instance.objectNode();
    if (given == null) {
      return usable;
    }
    ObjectNode candidates = JsonNodeFactory.instance.objectNode();
    given.forEach((k, v) -> {
      if (NO_DEFAULT.contains(k)) {
        problems.add("/defaults" + Problems.segment(k), "cannot have a default");
      } else {
        candidates.set(k, v);
      }
    });
    BINDER.bind(candidates, TargetSpec.class, problems.within("/defaults"), Map.of());
    candidates.fieldNames().forEachRemaining(k -> {
      if (!problems.at("/defaults" + Problems.segment(k))) {
        usable.set(k, candidates.get(k));
      }
    });
    return usable;
  }

  private static TargetDefinition target(String fileName, int i, JsonNode node, ObjectNode defaults,
      List<String> errors) {
    String at = "/targets/" + i;
    if (node == null || !node.isObject()) {
      errors.add(fileName + ": key 'targets[" + i + "]': expected a mapping (a target)");
      return null;
    }
    ObjectNode merged = defaults.deepCopy();
    merged.setAll((ObjectNode) node);
    // the target's own area or places wins over the file's (giving both in one target is a problem)
    if (node.has("area") && !node.has("places")) {
      merged.remove("places");
    } else if (node.has("places") && !node.has("area")) {
      merged.remove("area");
    }
    JsonNode idNode = node.get("id");
    String id = idNode != null && idNode.isValueNode() && !idNode.isNull() ? idNode.asText() : null;
    String label = id != null ? "target '" + id + "'" : "target #" + (i + 1) + " (no id)";
    Problems problems = new Problems(at);
    TargetSpec spec = BINDER.bind(merged, TargetSpec.class, problems, Map.of());
    TargetDefinition t = spec == null ? null : TargetRules.check(spec, fileName, merged.toString(), problems, at);
    report(fileName, label, at, problems, errors);
    return t;
  }

  private static final Comparator<Problem> UNKNOWN_KEYS_FIRST =
      Comparator.comparing(p -> p.unknownKey() == null);

  /** Adds {@code file: target 'x': key 'k': reason} for each problem, unknown keys first. */
  private static void report(String fileName, String target, String base, Problems problems, List<String> errors) {
    problems.list().stream().sorted(UNKNOWN_KEYS_FIRST).forEach(p -> errors.add(fileName + ": "
        + (target != null ? target + ": " : "") + describe(p, base)));
  }

  private static String describe(Problem p, String base) {
    String key = Problems.key(p.pointer().substring(base.length()));
    return "key '" + key + "': " + (p.unknownKey() != null ? "unknown key" + suggestion(p) : p.reason());
  }

  private static String suggestion(Problem p) {
    for (String k : p.knownKeys()) {
      if (k.equalsIgnoreCase(p.unknownKey())) {
        return " (did you mean '" + k + "'?)";
      }
    }
    return " (known keys: " + String.join(", ", p.knownKeys()) + ")";
  }
}
