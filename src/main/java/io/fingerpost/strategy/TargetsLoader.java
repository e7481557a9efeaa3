package io.fingerpost.strategy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.Resource;
import io.fingerpost.model.Period;
import io.fingerpost.engine.Tolerance;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.strategy.TargetDefinition.Baseline;
import io.fingerpost.strategy.TargetDefinition.Direction;
import io.fingerpost.strategy.TargetDefinition.Form;
import io.fingerpost.strategy.TargetDefinition.Goal;
import io.fingerpost.strategy.TargetDefinition.Milestone;
import io.fingerpost.strategy.TargetDefinition.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates targets files (YAML). The format is described in the README, "Targets and
 * trajectories"; in short:
 *
 * <pre>
 * defaults:            # optional: any target key but id and name, used where a target omits it
 *   area: E08000027
 *   tolerance: {amber: 25%, red: 50%}
 * targets:
 *   - id: le-birth-male
 *     name: Life expectancy at birth, male
 *     indicator: "90366"           # with area, sex, age, categoryType, category: the series
 *     sex: Male
 *     group: ICS long term
 *     horizonYears: 10
 *     team: public-health
 *     direction: increase          # increase | decrease | within
 *     baseline: {period: "2018 - 20", value: 78.9}    # value optional: the published value is used
 *     target:
 *       period: "2033"
 *       value: 79.5                # or  change: -10%   or  reach: {area: E92000001, period: …, value: …}
 *                                  # or  band: {lower: …, upper: …} (direction within); or none: direction only
 *     milestones: [{period: "2028", value: 79.2}]
 *     tolerance: {amber: 0.5, red: 1.0}      # units, or "10%" of the expected change
 *     ciCountsAsOnTrack: true
 *     source: {document: "…", page: 12}
 *     noData: "why there is no data"          # optional
 * </pre>
 *
 * <p>Every problem is collected (unknown key, wrong type, baseline not before the target period, amber
 * wider than red, missing series, …) and reported together in one {@link TargetsFileException}, each
 * naming file, target and key.
 */
public final class TargetsLoader {

  private static final ObjectMapper YAML = new ObjectMapper(
      YAMLFactory.builder().build().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private static final Set<String> FILE_KEYS = Set.of("defaults", "targets");
  private static final Set<String> TARGET_KEYS = Set.of("id", "name", "indicator", "area", "sex", "age",
      "categoryType", "category", "group", "horizonYears", "team", "direction", "baseline", "target",
      "milestones", "tolerance", "ciCountsAsOnTrack", "source", "noData");
  private static final Set<String> BASELINE_KEYS = Set.of("period", "value");
  private static final Set<String> GOAL_KEYS = Set.of("period", "value", "change", "reach", "band");
  private static final Set<String> REACH_KEYS = Set.of("area", "period", "value");
  private static final Set<String> BAND_KEYS = Set.of("lower", "upper");
  private static final Set<String> MILESTONE_KEYS = Set.of("period", "value");
  private static final Set<String> TOLERANCE_KEYS = Set.of("amber", "red");
  private static final Set<String> SOURCE_KEYS = Set.of("document", "page", "url");
  private static final Pattern PERCENT = Pattern.compile("\\s*([-+−]?\\d+(?:\\.\\d+)?)\\s*%\\s*");

  private TargetsLoader() {}

  /** A targets file's name (as shown in errors) and content. */
  public record TargetsText(String name, String yaml) {}

  /**
   * The targets files the main configuration names: {@code targets: {files: [path, …]}} (paths as the
   * configuration writes them; the caller resolves them against the configuration's folder). A missing or
   * null section means no targets.
   *
   * @throws TargetsFileException naming the configuration file and key
   */
  public static List<String> configuredFiles(JsonNode section, String configName) {
    if (section == null || section.isNull() || section.isMissingNode()) {
      return List.of();
    }
    List<String> errors = new ArrayList<>();
    List<String> files = new ArrayList<>();
    if (!section.isObject()) {
      errors.add(configName + ": key 'targets': expected a mapping such as {files: [targets.yaml]}");
    } else {
      for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!k.equals("files")) {
          errors.add(configName + ": key 'targets." + k + "': unknown key (known keys: files)");
        }
      }
      JsonNode list = section.get("files");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          errors.add(configName + ": key 'targets.files': expected a list of targets files");
        } else {
          int i = 0;
          for (JsonNode f : list) {
            i++;
            if (!f.isTextual() || f.asText().isBlank()) {
              errors.add(configName + ": key 'targets.files[" + i + "]': expected a file path");
            } else {
              files.add(f.asText());
            }
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new TargetsFileException(errors);
    }
    return List.copyOf(files);
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
    for (String f : configuredFiles(config.config().targets(), config.file().name())) {
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

  /** Parses and validates targets files; ids must be unique across all of them. */
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
          errors.add(t.file() + ": target '" + t.id() + "': key 'id': duplicate id, already used in "
              + previous);
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
    JsonNode root;
    try {
      root = YAML.readTree(text.yaml());
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      errors.add(text.name() + (loc != null ? ": line " + loc.getLineNr() : "") + ": not valid YAML: "
          + e.getOriginalMessage());
      return List.of();
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      errors.add(text.name() + ": the file is empty (expected a 'targets' list)");
      return List.of();
    }
    if (!root.isObject()) {
      errors.add(text.name() + ": expected a mapping with the keys 'defaults' and 'targets'");
      return List.of();
    }
    Problems file = new Problems(errors, text.name(), null);
    file.unknownKeys(root, FILE_KEYS, "");
    ObjectNode defaults = JSON.createObjectNode();
    JsonNode d = root.get("defaults");
    if (d != null && !d.isNull()) {
      if (!d.isObject()) {
        file.add("defaults", "expected a mapping of target keys");
      } else {
        for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (k.equals("id") || k.equals("name") || !TARGET_KEYS.contains(k)) {
            file.add("defaults." + k, k.equals("id") || k.equals("name")
                ? "cannot have a default" : "unknown key" + suggestion(k, TARGET_KEYS));
          } else {
            defaults.set(k, d.get(k));
          }
        }
      }
    }
    JsonNode list = root.get("targets");
    if (list == null || list.isNull()) {
      file.add("targets", "missing: the list of targets");
      return List.of();
    }
    if (!list.isArray()) {
      file.add("targets", "expected a list of targets");
      return List.of();
    }
    List<TargetDefinition> result = new ArrayList<>();
    int index = 0;
    for (JsonNode node : list) {
      index++;
      if (!node.isObject()) {
        file.add("targets[" + index + "]", "expected a mapping (a target)");
        continue;
      }
      ObjectNode merged = defaults.deepCopy();
      merged.setAll((ObjectNode) node);
      String id = node.hasNonNull("id") && node.get("id").isValueNode() ? node.get("id").asText() : null;
      Problems p = new Problems(errors, text.name(), id != null ? "target '" + id + "'"
          : "target #" + index + " (no id)");
      TargetDefinition t = parseTarget(merged, id, text.name(), p);
      if (t != null) {
        result.add(t);
      }
    }
    return result;
  }

  private static TargetDefinition parseTarget(ObjectNode n, String id, String fileName, Problems p) {
    int before = p.count();
    p.unknownKeys(n, TARGET_KEYS, "");
    if (id == null || id.isBlank()) {
      p.add("id", "missing: every target needs a unique id");
    } else if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      p.add("id", "'" + id + "' may hold only letters, digits, '.', '_' and '-' (it appears in URLs)");
    }
    String name = p.string(n, "name", false);
    String indicator = p.string(n, "indicator", true);
    String area = p.string(n, "area", true);
    String sex = p.string(n, "sex", false);
    String age = p.string(n, "age", false);
    String categoryType = p.string(n, "categoryType", false);
    String category = p.string(n, "category", false);
    String group = p.string(n, "group", false);
    String team = p.string(n, "team", false);
    String noData = p.string(n, "noData", false);
    Integer horizon = null;
    JsonNode h = n.get("horizonYears");
    if (h != null && !h.isNull()) {
      if (!h.canConvertToInt() || !h.isIntegralNumber() || h.asInt() <= 0) {
        p.add("horizonYears", "expected a whole number of years > 0, got '" + h.asText() + "'");
      } else {
        horizon = h.asInt();
      }
    }
    boolean ciCounts = true;
    JsonNode ci = n.get("ciCountsAsOnTrack");
    if (ci != null && !ci.isNull()) {
      if (!ci.isBoolean()) {
        p.add("ciCountsAsOnTrack", "expected true or false, got '" + ci.asText() + "'");
      } else {
        ciCounts = ci.asBoolean();
      }
    }
    Direction direction = null;
    String dir = p.string(n, "direction", true);
    if (dir != null) {
      try {
        direction = Direction.valueOf(dir.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        p.add("direction", "'" + dir + "' is not one of increase, decrease, within");
      }
    }
    Baseline baseline = null;
    JsonNode b = p.object(n, "baseline", true);
    if (b != null) {
      p.unknownKeys(b, BASELINE_KEYS, "baseline.");
      Period period = p.period(b, "period", "baseline.period", true);
      Double value = p.number(b, "value", "baseline.value", false);
      if (period != null) {
        baseline = new Baseline(period, value);
      }
    }
    Goal goal = parseGoal(n, direction, baseline, p);
    List<Milestone> milestones = parseMilestones(n, goal, baseline, p);
    Tolerance amber = null;
    Tolerance red = null;
    JsonNode tol = p.object(n, "tolerance", true);
    if (tol != null) {
      p.unknownKeys(tol, TOLERANCE_KEYS, "tolerance.");
      amber = p.tolerance(tol, "amber");
      red = p.tolerance(tol, "red");
      if (amber != null && red != null) {
        if (amber.percent() != red.percent()) {
          p.add("tolerance", "amber and red must both be units or both be percentages");
        } else if (amber.amount() > red.amount()) {
          p.add("tolerance.amber", "amber (" + amber + ") is wider than red (" + red + ")");
        }
      }
    }
    Source source = null;
    JsonNode s = p.object(n, "source", false);
    if (s != null) {
      p.unknownKeys(s, SOURCE_KEYS, "source.");
      source = new Source(p.string(s, "document", "source.document", false),
          p.string(s, "page", "source.page", false), p.string(s, "url", "source.url", false));
    }
    if (p.count() > before) {
      return null;
    }
    return new TargetDefinition(id, name != null ? name : id, fileName,
        new SeriesKey(indicator, area, sex, age, categoryType, category), group, horizon, team, direction,
        baseline, goal, milestones, amber, red, ciCounts, source, noData, n.toString());
  }

  private static Goal parseGoal(ObjectNode n, Direction direction, Baseline baseline, Problems p) {
    JsonNode g = p.object(n, "target", true);
    if (g == null) {
      return null;
    }
    p.unknownKeys(g, GOAL_KEYS, "target.");
    Period period = p.period(g, "period", "target.period", true);
    List<String> forms = new ArrayList<>();
    for (String k : List.of("value", "change", "reach", "band")) {
      if (g.has(k) && !g.get(k).isNull()) {
        forms.add(k);
      }
    }
    if (forms.size() > 1) {
      p.add("target", "give one of value, change, reach, band; got " + String.join(" and ", forms));
      return null;
    }
    String form = forms.isEmpty() ? null : forms.get(0);
    if (direction == Direction.WITHIN && !"band".equals(form)) {
      p.add("target.band", "direction 'within' needs target.band: {lower, upper}");
    }
    if ("band".equals(form) && direction != null && direction != Direction.WITHIN) {
      p.add("target.band", "a band needs direction 'within', not '" + direction.yaml() + "'");
    }
    if (period != null && baseline != null && !(baseline.period().t() < period.t())) {
      p.add("baseline.period", "the baseline period '" + baseline.period().label()
          + "' is not before the target period '" + period.label() + "'");
    }
    if (period == null) {
      return null;
    }
    if (form == null) {
      return new Goal(Form.DIRECTION_ONLY, period, null, null, null, null, null, null, null);
    }
    switch (form) {
      case "value": {
        Double v = p.number(g, "value", "target.value", true);
        return new Goal(Form.ABSOLUTE, period, v, null, null, null, null, null, null);
      }
      case "change": {
        JsonNode c = g.get("change");
        Matcher m = PERCENT.matcher(c.asText());
        if (!c.isTextual() || !m.matches()) {
          p.add("target.change", "expected a percentage such as -10%, got '" + c.asText() + "'");
          return null;
        }
        double pct = Double.parseDouble(m.group(1).replace('−', '-'));
        if (pct <= -100) {
          p.add("target.change", "a change of " + c.asText() + " leaves nothing");
        }
        return new Goal(Form.RELATIVE, period, null, pct, null, null, null, null, null);
      }
      case "reach": {
        JsonNode r = p.object(g, "reach", "target.reach", true);
        if (r == null) {
          return null;
        }
        p.unknownKeys(r, REACH_KEYS, "target.reach.");
        String area = p.string(r, "area", "target.reach.area", true);
        Period at = p.period(r, "period", "target.reach.period", false);
        Double v = p.number(r, "value", "target.reach.value", false);
        return new Goal(Form.BENCHMARK, period, null, null, area,
            at != null ? at : baseline != null ? baseline.period() : null, v, null, null);
      }
      default: {
        JsonNode band = p.object(g, "band", "target.band", true);
        if (band == null) {
          return null;
        }
        p.unknownKeys(band, BAND_KEYS, "target.band.");
        Double lo = p.number(band, "lower", "target.band.lower", true);
        Double hi = p.number(band, "upper", "target.band.upper", true);
        if (lo != null && hi != null && lo > hi) {
          p.add("target.band", "lower (" + lo + ") is above upper (" + hi + ")");
        }
        return new Goal(Form.BAND, period, null, null, null, null, null, lo, hi);
      }
    }
  }

  private static List<Milestone> parseMilestones(ObjectNode n, Goal goal, Baseline baseline, Problems p) {
    JsonNode ms = n.get("milestones");
    if (ms == null || ms.isNull()) {
      return List.of();
    }
    if (!ms.isArray()) {
      p.add("milestones", "expected a list of {period, value}");
      return List.of();
    }
    if (goal != null && (goal.form() == Form.DIRECTION_ONLY || goal.form() == Form.BAND)) {
      p.add("milestones", "milestones need a target value (not a direction-only or band target)");
    }
    List<Milestone> result = new ArrayList<>();
    double previous = baseline != null ? baseline.period().t() : Double.NEGATIVE_INFINITY;
    int i = 0;
    for (JsonNode m : ms) {
      String key = "milestones[" + (++i) + "]";
      if (!m.isObject()) {
        p.add(key, "expected {period, value}");
        continue;
      }
      p.unknownKeys(m, MILESTONE_KEYS, key + ".");
      Period period = p.period(m, "period", key + ".period", true);
      Double value = p.number(m, "value", key + ".value", true);
      if (period == null || value == null) {
        continue;
      }
      if (!(period.t() > previous)) {
        p.add(key + ".period", "'" + period.label()
            + "' must come after the baseline and the previous milestone");
      }
      if (goal != null && goal.period() != null && !(period.t() < goal.period().t())) {
        p.add(key + ".period", "'" + period.label() + "' must come before the target period '"
            + goal.period().label() + "'");
      }
      previous = period.t();
      result.add(new Milestone(period, value));
    }
    return List.copyOf(result);
  }

  private static String suggestion(String key, Set<String> known) {
    for (String k : known) {
      if (k.equalsIgnoreCase(key)) {
        return " (did you mean '" + k + "'?)";
      }
    }
    return " (known keys: " + String.join(", ", known.stream().sorted().toList()) + ")";
  }

  /** Collects errors for one target (or the file), each naming file, target and key. */
  private static final class Problems {
    private final List<String> errors;
    private final String file;
    private final String target;
    private int count;

    Problems(List<String> errors, String file, String target) {
      this.errors = errors;
      this.file = file;
      this.target = target;
    }

    int count() {
      return count;
    }

    void add(String key, String message) {
      count++;
      errors.add(file + ": " + (target != null ? target + ": " : "") + "key '" + key + "': " + message);
    }

    void unknownKeys(JsonNode node, Set<String> known, String prefix) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!known.contains(k)) {
          add(prefix + k, "unknown key" + suggestion(k, known));
        }
      }
    }

    String string(JsonNode parent, String field, boolean required) {
      return string(parent, field, field, required);
    }

    String string(JsonNode parent, String field, String key, boolean required) {
      JsonNode v = parent.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          add(key, "missing");
        }
        return null;
      }
      if (!v.isValueNode()) {
        add(key, "expected a single value, not a list or mapping");
        return null;
      }
      String s = v.asText();
      if (required && s.isBlank()) {
        add(key, "missing (blank)");
        return null;
      }
      return s;
    }

    Double number(JsonNode parent, String field, String key, boolean required) {
      JsonNode v = parent.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          add(key, "missing");
        }
        return null;
      }
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        add(key, "expected a number, got '" + v.asText() + "'");
        return null;
      }
      return v.asDouble();
    }

    JsonNode object(JsonNode parent, String field, boolean required) {
      return object(parent, field, field, required);
    }

    JsonNode object(JsonNode parent, String field, String key, boolean required) {
      JsonNode v = parent.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          add(key, "missing");
        }
        return null;
      }
      if (!v.isObject()) {
        add(key, "expected a mapping, got '" + v.asText() + "'");
        return null;
      }
      return v;
    }

    Period period(JsonNode parent, String field, String key, boolean required) {
      String s = string(parent, field, key, required);
      if (s == null) {
        return null;
      }
      try {
        return Period.parse(s);
      } catch (IllegalArgumentException e) {
        add(key, e.getMessage());
        return null;
      }
    }

    Tolerance tolerance(JsonNode parent, String field) {
      String key = "tolerance." + field;
      JsonNode v = parent.get(field);
      if (v == null || v.isNull()) {
        add(key, "missing");
        return null;
      }
      if (v.isNumber()) {
        if (!(v.asDouble() >= 0) || !Double.isFinite(v.asDouble())) {
          add(key, "must be ≥ 0, got " + v.asText());
          return null;
        }
        return Tolerance.units(v.asDouble());
      }
      Matcher m = PERCENT.matcher(v.asText());
      if (v.isTextual() && m.matches()) {
        double pct = Double.parseDouble(m.group(1).replace('−', '-'));
        if (pct < 0) {
          add(key, "must be ≥ 0, got " + v.asText());
          return null;
        }
        return Tolerance.percent(pct);
      }
      add(key, "expected a number (units) or a percentage such as 10%, got '" + v.asText() + "'");
      return null;
    }
  }
}
