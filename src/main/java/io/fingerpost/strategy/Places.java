package io.fingerpost.strategy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The places a target is evaluated for ({@code places:} in a targets file, README "Targets for many places"):
 * a list of area codes, or the children of an area ({@code {childrenOf: E12000005, type: UA}}), which are
 * read from the stored areas (their {@code parent_code} and, when {@code type} is given, their {@code type})
 * once the feeds have stored them.
 *
 * <p>Each place gets its own target: the first place (for {@code childrenOf}, the lowest code) keeps the
 * written id, every other place's id is {@code <id>@<area code>} ({@code le-birth-male@E08000025}). A written
 * baseline value is the first place's; the others look theirs up in their own series, and a "reach England"
 * goal is England's value for everyone.
 *
 * @param codes the listed area codes (empty for {@code childrenOf})
 * @param childrenOf the parent area, or null for a list
 * @param type the children's area type (null: any type)
 */
public record Places(List<String> codes, String childrenOf, String type) {

  /** What separates a target's id from its place in a per-place id. */
  public static final String SEPARATOR = "@";

  public Places {
    codes = List.copyOf(codes);
  }

  /** True when the places come from the stored areas, so are known only once the feeds have stored them. */
  public boolean fromAreas() {
    return childrenOf != null;
  }

  /** The places in words, as a pending target shows them: "children of E12000005 of type UA". */
  public String describe() {
    return fromAreas() ? "children of " + childrenOf + (type == null ? "" : " of type " + type)
        : String.join(", ", codes);
  }

  /** The id of a target at its place: the plain id for the first place, else {@code id@code}. */
  public static String id(String id, String areaCode, boolean first) {
    return first ? id : id + SEPARATOR + areaCode;
  }

  /** The written id a per-place id comes from ({@code le-birth-male@E08000025} → {@code le-birth-male}). */
  public static String writtenId(String id) {
    int at = id.indexOf(SEPARATOR);
    return at < 0 ? id : id.substring(0, at);
  }

  /** The area codes, in order: the list, or the children found (sorted by code). */
  public List<String> resolve(Map<Places, List<String>> children) {
    if (!fromAreas()) {
      return codes;
    }
    List<String> found = new ArrayList<>(children.getOrDefault(this, List.of()));
    found.sort(null);
    return List.copyOf(new LinkedHashSet<>(found));
  }

  /**
   * Every target at each of its places: a target without {@code places} as it is; one with places once per
   * place ({@code children} holds the children found for each {@code childrenOf}; none found, no target yet).
   */
  public static List<TargetDefinition> expand(List<TargetDefinition> written, Map<Places, List<String>> children) {
    List<TargetDefinition> out = new ArrayList<>();
    for (TargetDefinition t : written) {
      if (t.places() == null) {
        out.add(t);
        continue;
      }
      List<String> codes = t.places().resolve(children);
      for (int i = 0; i < codes.size(); i++) {
        out.add(t.atPlace(codes.get(i), i == 0));
      }
    }
    return List.copyOf(out);
  }
}
