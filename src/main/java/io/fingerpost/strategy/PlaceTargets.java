package io.fingerpost.strategy;

import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The evaluator's targets: the written ones at each of their places ({@link Places#expand}). Places given as
 * the children of an area are looked up in the stored areas, again whenever a change names an area not seen
 * at the last look-up or a feed has completed a poll (its areas' parents and types may be new). Until one
 * child is stored such a target is kept at its parent area, pending (listed, with {@code places_pending}, not
 * evaluated). The same look-up gives the areas' parents, which say which targets read a changed series
 * ({@link SeriesReaders}); a target whose area's parent changed is handed back to be evaluated again. Used on
 * the evaluator's event loop only.
 */
final class PlaceTargets {

  private final List<TargetDefinition> written;
  private final Set<Places> fromAreas = new LinkedHashSet<>();
  private List<TargetDefinition> all;
  private Map<String, List<TargetDefinition>> byIndicator = Map.of();
  /** The areas stored at the last look-up, and those a change named before it (looked up, maybe not stored). */
  private Set<String> storedAreas = Set.of();
  private Set<String> knownAreas = Set.of();
  private final Set<String> seenSince = new HashSet<>();
  /** Each stored area's parent at the last look-up (null: none). */
  private Map<String, String> parents = Map.of();
  private SeriesReaders readers;
  private List<TargetDefinition> reparented = List.of();
  private boolean stale;

  PlaceTargets(List<TargetDefinition> written) {
    this.written = List.copyOf(written);
    for (TargetDefinition t : written) {
      if (t.places() != null && t.places().fromAreas()) {
        fromAreas.add(t.places());
      }
    }
    stale = true; // the stored areas and their parents: looked up before the first round
    use(expand(this.written, Map.of()));
  }

  /** Every target at every place found so far, in file order. */
  List<TargetDefinition> all() {
    return all;
  }

  List<TargetDefinition> forIndicator(String indicatorId) {
    return byIndicator.getOrDefault(indicatorId, List.of());
  }

  /** Who reads a changed series ({@link SeriesReaders}), as of the last look-up of the stored areas. */
  SeriesReaders readers() {
    return readers;
  }

  /** A change names this area: look the areas (children, parents) up again if it is new. */
  void seen(String areaCode) {
    if (!knownAreas.contains(areaCode) && seenSince.add(areaCode)) {
      stale = true;
    }
  }

  /**
   * A feed completed a poll; returns true when the areas will be looked up again: always for places given as an
   * area's children, else when the poll read rows (an area's parent may have been stored; an unchanged source
   * stored nothing).
   */
  boolean feedPolled(boolean readRows) {
    boolean again = !fromAreas.isEmpty() || readRows;
    stale |= again;
    return again;
  }

  /** The targets whose area's stored parent changed at the last look-up (once: the list is then cleared). */
  List<TargetDefinition> takeReparented() {
    List<TargetDefinition> r = reparented;
    reparented = List.of();
    return r;
  }

  boolean stale() {
    return stale;
  }

  /**
   * Looks the children up in the stored areas and makes the targets of any new place; returns the targets
   * new since the last look-up, or null when the set of targets did not change.
   */
  Future<List<TargetDefinition>> refresh(TargetStore store) {
    stale = false;
    Set<String> asked = new HashSet<>(seenSince);
    seenSince.clear();
    return store.areas().map(areas -> {
      Map<Places, List<String>> children = new HashMap<>();
      for (Places p : fromAreas) {
        List<String> codes = new ArrayList<>();
        for (TargetStore.AreaRow a : areas) {
          if (p.childrenOf().equals(a.parentCode())
              && (p.type() == null || p.type().toLowerCase(Locale.ROOT).equals(lower(a.type())))) {
            codes.add(a.code());
          }
        }
        children.put(p, codes);
      }
      Set<String> codes = new HashSet<>();
      Map<String, String> nextParents = new HashMap<>();
      for (TargetStore.AreaRow a : areas) {
        codes.add(a.code());
        nextParents.put(a.code(), a.parentCode() == null || a.parentCode().isBlank() ? null : a.parentCode());
      }
      List<TargetDefinition> next = expand(written, children);
      // a stored area whose parent changed: its targets compare with another region now
      List<TargetDefinition> moved = new ArrayList<>();
      for (TargetDefinition t : next) {
        String area = t.series().areaCode();
        if (!t.placesUnresolved() && storedAreas.contains(area)
            && !Objects.equals(parents.get(area), nextParents.get(area))) {
          moved.add(t);
        }
      }
      reparented = moved;
      storedAreas = codes;
      parents = nextParents;
      asked.addAll(codes);
      knownAreas = asked;
      Map<String, SeriesKey> before = new HashMap<>();
      all.forEach(t -> before.put(t.id(), t.series()));
      // new ids, and the pending target whose id the first child found takes over (its series moves there)
      List<TargetDefinition> added = next.stream().filter(t -> !t.series().equals(before.get(t.id()))).toList();
      boolean changed = !added.isEmpty() || next.size() != all.size();
      use(next);
      return changed ? added : null;
    });
  }

  /** The look-up failed for want of the database: do it again once it is back. */
  void retryLater() {
    stale = true;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  /**
   * {@link Places#expand}, except that a target on the children of an area none of which is stored yet stays
   * as written (at the parent area, {@link TargetDefinition#placesUnresolved}): listed as pending, not evaluated.
   */
  static List<TargetDefinition> expand(List<TargetDefinition> written, Map<Places, List<String>> children) {
    List<TargetDefinition> out = new ArrayList<>();
    for (TargetDefinition t : written) {
      List<TargetDefinition> at = Places.expand(List.of(t), children);
      out.addAll(at.isEmpty() && t.placesUnresolved() ? List.of(t) : at);
    }
    return List.copyOf(out);
  }

  private void use(List<TargetDefinition> targets) {
    all = targets;
    Map<String, List<TargetDefinition>> index = new HashMap<>();
    for (TargetDefinition t : targets) {
      if (t.placesUnresolved()) {
        continue; // nothing of the parent area's series is its to evaluate
      }
      index.computeIfAbsent(t.series().indicatorId(), k -> new ArrayList<>()).add(t);
    }
    byIndicator = index;
    readers = new SeriesReaders(index, storedAreas, parents);
  }
}
