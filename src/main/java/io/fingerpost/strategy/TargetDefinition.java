package io.fingerpost.strategy;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.fingerpost.model.Period;
import io.fingerpost.engine.Tolerance;
import io.fingerpost.model.SeriesKey;
import java.util.List;
import java.util.Locale;

/**
 * One target as written in a targets file, validated but not yet resolved against data (the baseline's
 * published value or a benchmark's value may still have to be looked up: see {@link TargetResolver}).
 *
 * @param id unique across all targets files
 * @param name what people call it
 * @param file the targets file it comes from
 * @param series the series it holds to account
 * @param group the strategy group (e.g. "ICS long term")
 * @param horizonYears the trajectory's horizon in years (null when not given)
 * @param team the owner team (alert routing)
 * @param direction increase, decrease, or within a band
 * @param baseline baseline period and, when given, its value
 * @param goal what to reach by when
 * @param milestones intermediate points of the trajectory, in time order
 * @param amber amber tolerance
 * @param red red tolerance
 * @param ciCountsAsOnTrack whether a value whose 95% CI contains the expected value is on track
 * @param source where the target comes from (document, page)
 * @param noData why the target is known to have no data (null when it should have)
 * @param definitionJson the target as written (after defaults), as JSON, for storage
 * @param places the places it is evaluated for ({@code places:}), null for its one {@code area}; a target
 *     made for one of them by {@link #atPlace} keeps them
 */
public record TargetDefinition(
    String id,
    String name,
    String file,
    SeriesKey series,
    String group,
    Integer horizonYears,
    String team,
    Direction direction,
    Baseline baseline,
    Goal goal,
    List<Milestone> milestones,
    Tolerance amber,
    Tolerance red,
    boolean ciCountsAsOnTrack,
    Source source,
    String noData,
    String definitionJson,
    Places places) {

  /** The target for one of its places (see {@link Places}): its id, series and baseline value there. */
  public TargetDefinition atPlace(String areaCode, boolean first) {
    Baseline b = first ? baseline : new Baseline(baseline.period(), null);
    return new TargetDefinition(Places.id(Places.writtenId(id), areaCode, first), name, file,
        series.inArea(areaCode), group, horizonYears, team, direction, b, goal, milestones, amber, red,
        ciCountsAsOnTrack, source, noData, definitionJson, places);
  }

  /**
   * True for a target on the children of an area while none is stored: it stands at the parent area (the
   * series a written target with {@code childrenOf} has) so that it is listed, and is not evaluated.
   */
  public boolean placesUnresolved() {
    return places != null && places.fromAreas() && series.areaCode().equals(places.childrenOf());
  }

  /** Which way is improvement. */
  public enum Direction {
    INCREASE, DECREASE, WITHIN;

    public String yaml() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** As a targets file writes it. */
    @JsonCreator
    public static Direction parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + text + "' is not one of increase, decrease, within");
      }
    }
  }

  /** The form of a target. */
  public enum Form {
    /** A value at a period. */
    ABSOLUTE,
    /** A change relative to the baseline value, in percent, at a period. */
    RELATIVE,
    /** Another area's (the benchmark's) value at some period, to be reached at a period. */
    BENCHMARK,
    /** Only a direction and a horizon: the trajectory is the baseline. */
    DIRECTION_ONLY,
    /** Stay within [lower, upper]. */
    BAND
  }

  /** The baseline: a period and, optionally, its value (otherwise the published value is looked up). */
  public record Baseline(Period period, Double value) {}

  /**
   * What to reach: always a period (for direction-only and band targets, the end of the horizon) and,
   * depending on the form, a value, a relative change in percent, a benchmark (area, period, optional
   * value) or a band.
   */
  public record Goal(
      Form form,
      Period period,
      Double value,
      Double changePercent,
      String benchmarkArea,
      Period benchmarkPeriod,
      Double benchmarkValue,
      Double bandLower,
      Double bandUpper) {}

  /** A milestone: the trajectory passes through this value at this period. */
  public record Milestone(Period period, double value) {}

  /** Where a target comes from. */
  public record Source(String document, String page, String url) {}
}
