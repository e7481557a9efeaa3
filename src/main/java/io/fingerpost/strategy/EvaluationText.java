package io.fingerpost.strategy;

import io.fingerpost.engine.Projection;
import io.fingerpost.engine.TrajectoryResult;
import io.fingerpost.engine.TrajectorySpec;
import io.fingerpost.engine.TrajectoryStatus;
import java.util.Locale;

/** The sentences of an evaluation: what a person reads in the API, the alerts and the dashboards. Pure. */
final class EvaluationText {

  private EvaluationText() {}

  /** "Dudley, Life expectancy at birth, male (years)". */
  static String subject(TargetEvaluation.Inputs in) {
    return (in.areaName() != null ? in.areaName() : in.target().series().areaCode()) + ", "
        + in.target().name();
  }

  /**
   * The one-sentence explanation, e.g. "Dudley, Life expectancy at birth, male (years) 2021 - 23: 78.6,
   * 0.6 below its trajectory to 79.5 by 2031 - 33 (amber, tolerance 0.5); projected 78.9 (78.1–79.7) in
   * 2031 - 33, 18% chance of reaching the target."
   */
  static String explain(TargetEvaluation.Inputs in, TrajectorySpec spec, TrajectoryResult r) {
    TargetDefinition t = in.target();
    String unit = unit(in.indicator());
    StringBuilder s = new StringBuilder(subject(in)).append(' ').append(r.period().label()).append(": ")
        .append(num(r.value())).append(unit);
    double diff = r.value() - r.expected();
    String where = Math.abs(diff) < 1e-9 ? "on" : num(Math.abs(diff)) + (diff < 0 ? " below" : " above");
    String status = switch (r.status()) {
      case ON_TRACK -> r.statusByTolerance() == TrajectoryStatus.ON_TRACK ? "on track"
          : "on track: not significantly off, 95% CI " + num(r.lowerCi95()) + "–" + num(r.upperCi95());
      case AT_RISK -> "amber";
      case OFF_TRACK -> "red";
      case NOT_ENOUGH_DATA -> "not enough data";
    };
    String tolerance = r.status() == TrajectoryStatus.AT_RISK ? ", tolerance " + num(r.amberTolerance())
        : r.status() == TrajectoryStatus.OFF_TRACK ? ", tolerance " + num(r.redTolerance()) : "";
    String by = t.goal().period().label();
    String verdict = status + tolerance;
    switch (spec.sense()) {
      case WITHIN -> s.append(", ").append(diff == 0 || r.deviation() >= 0 ? "within" : where)
          .append(" its band ").append(num(spec.bandLower())).append("–").append(num(spec.bandUpper()))
          .append(" (").append(verdict).append(")");
      default -> {
        if (spec.directionOnly()) {
          s.append(", ").append(where).append(" its baseline ").append(num(spec.baselineValue()))
              .append(" of ").append(t.baseline().period().label())
              .append(spec.sense() == TrajectorySpec.Sense.INCREASE ? ", to increase" : ", to decrease")
              .append(" by ").append(by).append(" (").append(verdict).append(")");
        } else {
          s.append(", ").append(where).append(" its trajectory to ").append(num(spec.targetValue()))
              .append(" by ").append(by).append(" (").append(verdict).append("; expected ")
              .append(num(r.expected())).append(")");
        }
      }
    }
    Projection p = r.projection();
    if (p != null) {
      long pct = Math.round(100 * p.probabilityOfMeeting());
      s.append("; projected ").append(num(p.value())).append(" (").append(num(p.lower())).append("–")
          .append(num(p.upper())).append(") in ").append(by).append(", ").append(pct)
          .append(spec.directionOnly() ? "% chance of being better than the baseline"
              : spec.sense() == TrajectorySpec.Sense.WITHIN ? "% chance of being within the band"
              : "% chance of reaching the target");
    } else {
      s.append("; too few values since the baseline to project");
    }
    return s.append('.').toString();
  }

  private static String unit(TargetEvaluation.IndicatorInfo info) {
    if (info == null || info.unit() == null || info.unit().isBlank()) {
      return "";
    }
    String u = info.unit().trim();
    String lower = u.toLowerCase(Locale.ROOT);
    if (u.equals("%") || lower.startsWith("percent") || lower.equals("proportion")) {
      return "%";
    }
    if (lower.equals("years") || lower.equals("year")) {
      return " years";
    }
    return "";
  }

  /** Numbers as people read them: two decimals, or two significant figures when that would show 0. */
  static String num(Double v) {
    if (v == null || !Double.isFinite(v)) {
      return "–";
    }
    java.math.BigDecimal d = java.math.BigDecimal.valueOf(v);
    d = Math.abs(v) >= 0.005 || v == 0 ? d.setScale(2, java.math.RoundingMode.HALF_UP)
        : d.round(new java.math.MathContext(2));
    String s = d.stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }

}
