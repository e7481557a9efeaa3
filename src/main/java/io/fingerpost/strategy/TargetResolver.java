package io.fingerpost.strategy;

import io.fingerpost.engine.TrajectoryPoint;
import io.fingerpost.engine.TrajectorySpec;
import io.fingerpost.engine.TrajectorySpec.Sense;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.strategy.TargetDefinition.Goal;
import java.util.List;

/**
 * Turns a target as written into the numbers {@link io.fingerpost.engine.Trajectory} needs, looking up
 * published values where the file leaves them out:
 *
 * <ul>
 *   <li>baseline b: the file's value, else the series' published value for the baseline period;
 *   <li>absolute: g = the value; relative: g = b·(1 + change/100);
 *   <li>reach the benchmark: g = the file's value, else the benchmark area's published value for the same
 *       breakdown (sex, age, category) at the benchmark period (by default the baseline period);
 *   <li>direction-only: no g (the trajectory is b); band: its edges.
 * </ul>
 */
public final class TargetResolver {

  private TargetResolver() {}

  /** The published value of a series for a period label, or null when there is none. */
  @FunctionalInterface
  public interface ValueLookup {
    Double value(SeriesKey series, String periodLabel);
  }

  /**
   * The outcome: either a spec, or the reason there is none (a value that could not be looked up).
   *
   * @param spec the trajectory's numbers, null when unresolved
   * @param problem why the target cannot be evaluated yet, null when resolved
   */
  public record Resolved(TrajectorySpec spec, String problem) {}

  public static Resolved resolve(TargetDefinition t, ValueLookup lookup) {
    Goal goal = t.goal();
    Double b = t.baseline().value();
    if (b == null) {
      b = lookup.value(t.series(), t.baseline().period().label());
    }
    if (b == null && goal.form() != TargetDefinition.Form.BAND) {
      return new Resolved(null, "no published value for the baseline period "
          + t.baseline().period().label());
    }
    Double g = null;
    switch (goal.form()) {
      case ABSOLUTE -> g = goal.value();
      case RELATIVE -> g = b * (1 + goal.changePercent() / 100.0);
      case BENCHMARK -> {
        g = goal.benchmarkValue();
        if (g == null) {
          g = lookup.value(t.series().inArea(goal.benchmarkArea()), goal.benchmarkPeriod().label());
        }
        if (g == null) {
          return new Resolved(null, "no published value for the benchmark " + goal.benchmarkArea()
              + " in " + goal.benchmarkPeriod().label());
        }
      }
      default -> { }
    }
    Sense sense = switch (t.direction()) {
      case INCREASE -> Sense.INCREASE;
      case DECREASE -> Sense.DECREASE;
      case WITHIN -> Sense.WITHIN;
    };
    List<TrajectoryPoint> milestones = t.milestones().stream()
        .map(m -> new TrajectoryPoint(m.period().t(), m.value()))
        .toList();
    return new Resolved(new TrajectorySpec(sense, t.baseline().period().t(), b, goal.period().t(), g,
        milestones, t.amber(), t.red(), t.ciCountsAsOnTrack(), goal.bandLower(), goal.bandUpper()), null);
  }
}
