package io.fingerpost.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems found while binding one document (or one part of it), so that every one is reported at
 * once instead of the first. Jackson's mismatches reach it through {@link Binder}'s problem handler; the
 * loaders add their cross-field rules. Each problem names where it is as a JSON pointer into the document
 * ({@code /feeds/0/interval}), which {@link YamlDocument#line} turns into a line.
 */
public final class Problems {

  static final String ATTRIBUTE = "fingerpost.problems";

  /**
   * One problem.
   *
   * @param pointer where, as a JSON pointer into the document
   * @param reason what is wrong
   * @param unknownKey for an unknown key: the key (the reason is then "unknown key")
   * @param knownKeys for an unknown key: the keys allowed there, sorted
   * @param namesKey whether the reason already starts with the key as people should read it
   */
  public record Problem(String pointer, String reason, String unknownKey, List<String> knownKeys,
      boolean namesKey) {
    /** The pointer as people write keys: {@code feeds[0].interval}. */
    public String key() {
      return Problems.key(pointer);
    }
  }

  private final String base;
  private final List<Problem> list;

  /** Problems of a part of a document: pointers Jackson reports inside it are prefixed with {@code base}. */
  public Problems(String base) {
    this(base, new ArrayList<>());
  }

  private Problems(String base, List<Problem> list) {
    this.base = base == null ? "" : base;
    this.list = list;
  }

  /** The same problems, for binding the part of the document at {@code pointer}. */
  public Problems within(String pointer) {
    return new Problems(pointer, list);
  }

  public Problems() {
    this("");
  }

  public void add(String pointer, String reason) {
    list.add(new Problem(pointer, reason, null, List.of(), false));
  }

  /** A problem whose text already names the key (e.g. {@code feeds[0] (a).type: …}). */
  public void addNamed(String pointer, String text) {
    list.add(new Problem(pointer, text, null, List.of(), true));
  }

  void addRelative(String relativePointer, String reason) {
    add(base + relativePointer, reason);
  }

  void unknownKey(String relativePointer, String key, List<String> known) {
    list.add(new Problem(base + relativePointer, "unknown key", key, known, false));
  }

  public List<Problem> list() {
    return List.copyOf(list);
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** Whether a problem was found at {@code pointer} or inside it (so "missing" would repeat it). */
  public boolean at(String pointer) {
    return list.stream().anyMatch(p -> p.pointer().equals(pointer) || p.pointer().startsWith(pointer + "/"));
  }

  /**
   * Reports a value a custom deserializer cannot use: collected when binding through {@link Binder},
   * thrown otherwise. Returns null, the value the field then takes.
   */
  public static <T> T report(DeserializationContext ctxt, JsonParser p, String reason) throws JsonMappingException {
    Object attribute = ctxt.getAttribute(ATTRIBUTE);
    if (attribute instanceof Problems problems) {
      problems.addRelative(pointer(p), reason);
      return null;
    }
    throw JsonMappingException.from(p, reason);
  }

  /** Where the parser is, as a JSON pointer. */
  static String pointer(JsonParser p) {
    JsonStreamContext ctx = p.getParsingContext();
    // At the start of a mapping or list the context is already the new one: its parent names the key.
    if ((p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY)
        && ctx.getParent() != null) {
      ctx = ctx.getParent();
    }
    return ctx.pathAsPointer().toString();
  }

  /** {@code /feeds/0/interval} → {@code feeds[0].interval}. */
  public static String key(String pointer) {
    StringBuilder sb = new StringBuilder();
    if (pointer.isEmpty()) {
      return sb.toString();
    }
    for (String segment : pointer.substring(1).split("/", -1)) {
      String s = segment.replace("~1", "/").replace("~0", "~");
      if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(s).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(s);
      }
    }
    return sb.toString();
  }

  /** A map key or field name as one JSON pointer segment. */
  public static String segment(String name) {
    return "/" + name.replace("~", "~0").replace("/", "~1");
  }
}
