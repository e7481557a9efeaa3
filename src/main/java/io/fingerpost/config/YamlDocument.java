package io.fingerpost.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML file read as a tree, with the line of every key and list item, so that a problem found later
 * (by binding or by a cross-field rule) can name its line. Reading fails with {@link SyntaxError} on
 * anything that is not YAML, on a tab used for indentation, and on a key written twice in one mapping
 * (YAML parsers otherwise keep the last one silently).
 */
public final class YamlDocument {

  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper TREES = new ObjectMapper(FACTORY);
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

  /** The text is not YAML (or writes a key twice); {@code line} is 1-based, 0 when unknown. */
  public static final class SyntaxError extends Exception {
    private final int line;
    private final String reason;

    SyntaxError(int line, String reason) {
      super("line " + line + ": " + reason);
      this.line = line;
      this.reason = reason;
    }

    public int line() {
      return line;
    }

    public String reason() {
      return reason;
    }
  }

  /** No document: nothing has a line. */
  static final YamlDocument EMPTY = new YamlDocument(null, Map.of());

  private final JsonNode root;
  private final Map<String, Integer> lines;

  private YamlDocument(JsonNode root, Map<String, Integer> lines) {
    this.root = root;
    this.lines = lines;
  }

  public static YamlDocument parse(String yaml) throws SyntaxError {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(yaml)) {
      // One pass for the lines (keys keep the line they are written on: the first token at a pointer).
      while (p.nextToken() != null) {
        lines.putIfAbsent(Problems.pointer(p), p.currentTokenLocation().getLineNr());
      }
      JsonNode root = TREES.readTree(yaml);
      return new YamlDocument(root == null || root.isMissingNode() ? null : root, lines);
    } catch (JsonProcessingException e) {
      throw syntaxError(e);
    } catch (IOException e) {
      throw new SyntaxError(0, e.getMessage());
    }
  }

  /** The whole document; null when it is empty. */
  public JsonNode root() {
    return root;
  }

  /**
   * The line of the key or item at {@code pointer}, or of the nearest enclosing one that is written in
   * the file (a key that comes from defaults, or a missing key, has no line of its own); 0 when none.
   */
  public int line(String pointer) {
    for (String p = pointer; !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
      Integer line = lines.get(p);
      if (line != null && line > 0) {
        return line;
      }
    }
    return 0;
  }

  static SyntaxError syntaxError(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    int line = loc == null ? 0 : Math.max(0, loc.getLineNr());
    String reason = e.getOriginalMessage();
    // SnakeYAML knows where the problem is; Jackson's location is the last token it read.
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      line = m.getProblemMark().getLine() + 1;
      reason = m.getProblem();
      if (m.getContext() != null) {
        reason = m.getContext() + ": " + reason;
      }
    }
    reason = reason == null ? e.getClass().getSimpleName() : reason.lines().findFirst().orElse(reason);
    Matcher dup = DUPLICATE.matcher(reason);
    if (dup.find()) {
      reason = "duplicate key '" + dup.group(1) + "' (a key may appear only once in a mapping)";
    } else if (reason.contains("\\t(TAB)") || reason.contains("\t")) {
      reason = "tabs are not allowed for indentation (indent with spaces)";
    }
    return new SyntaxError(line, reason);
  }
}
