package io.fingerpost.strategy;

import io.fingerpost.model.SeriesKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which targets' evaluation reads a changed series. {@link TargetStore#load} reads, for a target's indicator and
 * breakdown, the series of: its own area, England, its area's parent (the {@code area} table's
 * {@code parent_code}) and its goal's benchmark area. So a change of area A marks the targets at A, those whose
 * area's parent is A, those whose benchmark area is A, and every target when A is England; a sibling district's
 * change marks none of them. A target whose area is not stored yet (no parent known) is marked on a change of
 * any area of its breakdown, as before this index: correct while the parents are still being learnt.
 * Deprivation breakdowns of a target's own area are matched by the evaluator. Immutable; built on each change
 * of the targets or of the stored areas.
 */
final class SeriesReaders {

  private final Map<String, List<TargetDefinition>> byIndicator;
  /** Indicator → area → the targets whose evaluation reads that area's series (own, parent, benchmark). */
  private final Map<String, Map<String, List<TargetDefinition>>> byArea = new HashMap<>();
  /** Indicator → the targets whose area is not stored yet: their parent is unknown. */
  private final Map<String, List<TargetDefinition>> unplaced = new HashMap<>();

  /**
   * @param byIndicator the evaluable targets by indicator
   * @param stored      the stored areas
   * @param parents     each stored area's parent (absent or null: none)
   */
  SeriesReaders(Map<String, List<TargetDefinition>> byIndicator, Set<String> stored, Map<String, String> parents) {
    this.byIndicator = byIndicator;
    byIndicator.forEach((indicator, targets) -> {
      Map<String, List<TargetDefinition>> areas = new HashMap<>();
      for (TargetDefinition t : targets) {
        String area = t.series().areaCode();
        add(areas, area, t);
        if (!stored.contains(area)) {
          unplaced.computeIfAbsent(indicator, k -> new ArrayList<>()).add(t);
        }
        String parent = parents.get(area);
        if (parent != null && !parent.isBlank() && !parent.equals(area)) {
          add(areas, parent, t);
        }
        String bench = t.goal().benchmarkArea();
        if (bench != null && !bench.equals(area) && !bench.equals(parent)) {
          add(areas, bench, t);
        }
      }
      byArea.put(indicator, areas);
    });
  }

  private static void add(Map<String, List<TargetDefinition>> areas, String area, TargetDefinition t) {
    areas.computeIfAbsent(area, k -> new ArrayList<>()).add(t);
  }

  /**
   * Calls {@code mark} for every target whose evaluation reads the changed series (a target may come twice).
   * The unplaced targets depend only on the breakdown, so they are looked at only when
   * {@code firstOfBreakdown} (the first series of its indicator and breakdown in an event).
   */
  void forEachReader(SeriesKey changed, boolean firstOfBreakdown, Consumer<TargetDefinition> mark) {
    String indicator = changed.indicatorId();
    String area = changed.areaCode();
    if (TargetStore.ENGLAND.equals(area)) {
      match(byIndicator.getOrDefault(indicator, List.of()), changed, mark);
      return;
    }
    match(byArea.getOrDefault(indicator, Map.of()).getOrDefault(area, List.of()), changed, mark);
    if (firstOfBreakdown) {
      match(unplaced.getOrDefault(indicator, List.of()), changed, mark);
    }
  }

  private static void match(List<TargetDefinition> targets, SeriesKey changed, Consumer<TargetDefinition> mark) {
    for (TargetDefinition t : targets) {
      if (t.series().inArea(changed.areaCode()).equals(changed)) { // same indicator and breakdown
        mark.accept(t);
      }
    }
  }
}
