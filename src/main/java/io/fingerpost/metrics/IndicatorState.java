package io.fingerpost.metrics;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetContext;
import io.fingerpost.strategy.TargetStatus;
import java.time.Instant;

/**
 * The current state of one monitored series against one target: the target's current evaluation (the
 * strategy part's {@link Evaluation}, read from the {@code current_evaluation} view, the same the API reads)
 * with its target and the names of its indicator and area (the strategy part's {@link TargetContext}), and the
 * status at the period before. A series exported without a target (metrics scope {@code all}) has empty target
 * fields and an evaluation holding only the latest observation (see {@link #observationOnly}). Absent numbers
 * are null and their samples are left out of the exposition (absent, not NaN, so PromQL comparisons stay simple).
 */
public record IndicatorState(
    TargetContext target,
    Evaluation evaluation,
    TargetStatus previousStatus,
    Instant evaluatedAt) {

  /** The identity of this state in the exposition: one target, or one untargeted series. */
  public String key() {
    return target.targetId().isEmpty()
        ? String.join("\u001f", target.indicatorId(), target.areaCode(), target.sex(), target.age(),
            target.categoryType(), target.category())
        : target.targetId();
  }

  /** The key of a series without a target among such series: its series id. */
  public String seriesKey() {
    return String.valueOf(evaluation.seriesId());
  }

  /** The labels of a series without a target: its key and names, empty target fields. */
  static TargetContext untargeted(String indicatorId, String indicatorName, String unit, String areaCode, String areaName,
      String sex, String age, String categoryType, String category) {
    return new TargetContext("", "", indicatorId, indicatorName, unit, areaCode, areaName, sex, age, categoryType,
        category, "", "", "", null, "", "");
  }

  /** The evaluation-shaped holder of a series' latest observation, for a series without a target (no status). */
  static Evaluation observationOnly(Long seriesId, String period, Double periodT, Double value, Double lowerCi95, Double upperCi95) {
    return new Evaluation("", seriesId, period, periodT, null, Evaluation.Trajectory.NONE,
        new Evaluation.Observed(value, lowerCi95, upperCi95), null, null, null, null, null, null);
  }
}
