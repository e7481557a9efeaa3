package io.fingerpost.store;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Observations to write together (one statement, one transaction), with the indicator and area
 * metadata that came with them. A (series, period) key appears at most once in a batch.
 */
public final class Batch {
  private final Map<String, Indicator> indicators = new LinkedHashMap<>();
  private final Map<String, Area> areas = new LinkedHashMap<>();
  private final List<Observation> observations;
  private final boolean pushed;

  public Batch(int capacity) {
    this(capacity, false);
  }

  /**
   * @param pushed the rows come from the push endpoint: their metadata only fills what is missing and never
   *     overwrites a name a feed gave (see {@code SeriesCatalog})
   */
  public Batch(int capacity, boolean pushed) {
    observations = new ArrayList<>(capacity);
    this.pushed = pushed;
  }

  public boolean pushed() {
    return pushed;
  }

  /** Adds one observation; metadata given for the same indicator or area again replaces the earlier. */
  public void add(Observation o, Indicator indicator, Area area) {
    observations.add(o);
    // Readers hand out the same metadata object for consecutive rows: skip the merge then.
    if (indicator != null && indicators.get(indicator.id()) != indicator) {
      indicators.merge(indicator.id(), indicator, Batch::mergeIndicator);
    }
    if (area != null && areas.get(area.code()) != area) {
      areas.merge(area.code(), area, Batch::mergeArea);
    }
  }

  /** Metadata from configuration: fills what the rows leave empty. */
  public void addIndicator(Indicator indicator) {
    indicators.merge(indicator.id(), indicator, Batch::mergeIndicator);
  }

  /** Area metadata without an observation (a whole read's metadata); merges as {@link #add} does. */
  public void addArea(Area area) {
    // a whole read hands the same areas again and again (a row's area changes with its breakdown): an area equal
    // to the one held merges to an equal one, so it is skipped (issue 14: the merges were 7% of pass 1's thread)
    if (!area.equals(areas.get(area.code()))) {
      areas.merge(area.code(), area, Batch::mergeArea);
    }
  }

  static Indicator mergeIndicator(Indicator a, Indicator b) {
    return new Indicator(a.id(), b.name() != null ? b.name() : a.name(), b.unit() != null ? b.unit() : a.unit(),
        b.valueType() != null ? b.valueType() : a.valueType(), b.polarity() != null ? b.polarity() : a.polarity());
  }

  static Area mergeArea(Area a, Area b) {
    return new Area(a.code(), b.name() != null ? b.name() : a.name(), b.type() != null ? b.type() : a.type(),
        b.parentCode() != null ? b.parentCode() : a.parentCode());
  }

  /** {@code known} with only what it lacks taken from {@code pushed} (a push's metadata). */
  static Indicator fillIndicator(Indicator known, Indicator pushed) {
    return mergeIndicator(pushed, known);
  }

  static Area fillArea(Area known, Area pushed) {
    return mergeArea(pushed, known);
  }

  public List<Observation> observations() {
    return observations;
  }

  public Map<String, Indicator> indicators() {
    return indicators;
  }

  public Map<String, Area> areas() {
    return areas;
  }

  public int size() {
    return observations.size();
  }

  public boolean isEmpty() {
    return observations.isEmpty();
  }
}
