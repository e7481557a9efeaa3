package io.fingerpost.metrics;

import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdicts;
import java.util.Arrays;
import java.util.List;

/**
 * Numbers for the evaluation's categorical verdicts, so that Grafana can colour them and PromQL can
 * compare them. The mapping is part of the metrics contract (docs/metrics.md). Every mapping is a switch on
 * the verdict's code (an enum), never on its label: a new constant without a number fails to compile.
 */
public final class StateCodes {
  private StateCodes() {}

  /** Target statuses in code order: the code is the index, so a larger code is a worse state. */
  public static final List<String> STATUSES = Arrays.stream(TargetStatus.values()).map(Enum::name).toList();

  /** 0 not enough data, 1 on track, 2 at risk (amber), 3 off track (red); null when unknown. */
  public static Double status(TargetStatus status) {
    if (status == null) return null;
    return switch (status) {
      case NOT_ENOUGH_DATA -> 0.0;
      case ON_TRACK -> 1.0;
      case AT_RISK -> 2.0;
      case OFF_TRACK -> 3.0;
    };
  }

  /**
   * Comparison with a benchmark: 2 best, 1 better, 0 similar (and higher/lower where there is no judgement),
   * -1 worse, -2 worst; null when not compared.
   */
  public static Double comparison(Verdicts.Comparison verdict) {
    if (verdict == null) return null;
    return switch (verdict) {
      case BEST -> 2.0;
      case BETTER -> 1.0;
      case SIMILAR, HIGHER, LOWER -> 0.0;
      case WORSE -> -1.0;
      case WORST -> -2.0;
      case NOT_COMPARED -> null;
    };
  }

  /** Recent trend: 1 getting better, 0 no significant change (or no judgement), -1 getting worse; null when not calculated. */
  public static Double trend(Verdicts.Trend verdict) {
    if (verdict == null || verdict == Verdicts.Trend.CANNOT_BE_CALCULATED) return null;
    return verdict.gettingWorse() ? -1.0 : verdict.gettingBetter() ? 1.0 : 0.0;
  }

  /** SPC point type: 1 special cause improvement, 0 common cause or special cause neither, -1 special cause concern. */
  public static Double spcPoint(Verdicts.SpcPoint pointType) {
    if (pointType == null) return null;
    return switch (pointType) {
      case SPECIAL_CAUSE_CONCERN -> -1.0;
      case SPECIAL_CAUSE_IMPROVEMENT -> 1.0;
      case SPECIAL_CAUSE_NEUTRAL_HIGH, SPECIAL_CAUSE_NEUTRAL_LOW, COMMON_CAUSE -> 0.0;
    };
  }

  /** SPC assurance against a target: 1 consistently passes, 0 hit and miss, -1 consistently fails; null otherwise. */
  public static Double spcAssurance(Verdicts.Assurance assurance) {
    if (assurance == null) return null;
    return switch (assurance) {
      case CONSISTENT_PASS -> 1.0;
      case INCONSISTENT -> 0.0;
      case CONSISTENT_FAIL -> -1.0;
    };
  }
}
