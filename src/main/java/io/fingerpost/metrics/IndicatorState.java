package io.fingerpost.metrics;

import io.fingerpost.strategy.EvaluationRow;
import io.fingerpost.strategy.TargetContext;
import java.time.Instant;

/**
 * The current state of one monitored series against one target: the latest evaluation row (the targets
 * part's {@link EvaluationRow}) with its target and the names of its indicator and area (the targets part's {@link TargetContext}), and the status at the period
 * before. A series exported without a target (metrics scope {@code all}) has empty target fields and an
 * evaluation holding only the latest observation (see {@link #observationOnly}). Absent numbers are null and their samples are
 * left out of the exposition (absent, not NaN, so PromQL comparisons stay simple).
 */
public record IndicatorState(
    TargetContext target,
    EvaluationRow evaluation,
    String previousStatus,
    Instant evaluatedAt) {

  /** The identity of this state in the exposition: one target, or one untargeted series. */
  public String key() {
    return target.targetId().isEmpty()
        ? String.join("\u001f", target.indicatorId(), target.areaCode(), target.sex(), target.age(),
            target.categoryType(), target.category())
        : target.targetId();
  }

  /** The labels of a series without a target: its key and names, empty target fields. */
  static TargetContext untargeted(String indicatorId, String indicatorName, String unit, String areaCode, String areaName,
      String sex, String age, String categoryType, String category) {
    return new TargetContext("", "", indicatorId, indicatorName, unit, areaCode, areaName, sex, age, categoryType,
        category, "", "", "", null, "", "");
  }

  /** The evaluation-shaped holder of a series' latest observation, for a series without a target. */
  static EvaluationRow observationOnly(String period, Double periodT, Double value, Double lowerCi95, Double upperCi95) {
    return new EvaluationRow("", null, period, periodT, null, null, null, null, value, lowerCi95, upperCi95, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }
}
