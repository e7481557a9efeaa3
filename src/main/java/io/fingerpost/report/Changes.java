package io.fingerpost.report;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a target got worse or better between its evaluation at {@code since} and its current one, read
 * from the verdict codes (never labels), as the issue lists them: status, comparison with England and with
 * the region, recent trend, SPC special cause, inequality gap. A target without an evaluation at
 * {@code since} (new since) has no change; nor does one whose newest evaluation is the same row.
 */
final class Changes {
  private Changes() {}

  /** Phrases saying how it got worse; empty when it did not. */
  static List<String> worse(StoredEvaluation before, StoredEvaluation now) {
    List<String> out = new ArrayList<>();
    if (before == null || now == null || before.id() == now.id()) {
      return out;
    }
    Evaluation b = before.evaluation();
    Evaluation n = now.evaluation();
    int from = rank(b.trajectory().status());
    int to = rank(n.trajectory().status());
    if (from >= 0 && to > from) {
      out.add("status " + Statuses.label(b.trajectory().status().name()) + " → "
          + Statuses.label(n.trajectory().status().name()));
    }
    if (worse(n.verdicts().comparedToEngland()) && !worse(b.verdicts().comparedToEngland())) {
      out.add("now worse than England");
    }
    if (worse(n.verdicts().comparedToRegion()) && !worse(b.verdicts().comparedToRegion())) {
      out.add("now worse than the region");
    }
    if (trend(n).gettingWorse() && !trend(b).gettingWorse()) {
      out.add("recent trend: " + n.verdicts().recentTrend().label().toLowerCase(java.util.Locale.ROOT));
    }
    if (spc(n) == Verdicts.SpcPoint.SPECIAL_CAUSE_CONCERN && spc(b) != Verdicts.SpcPoint.SPECIAL_CAUSE_CONCERN) {
      out.add("SPC special cause of concern");
    }
    if (Boolean.TRUE.equals(n.gap().widening()) && !Boolean.TRUE.equals(b.gap().widening())) {
      out.add("inequality gap widened");
    }
    return out;
  }

  /** Phrases saying how it got better; empty when it did not. */
  static List<String> better(StoredEvaluation before, StoredEvaluation now) {
    List<String> out = new ArrayList<>();
    if (before == null || now == null || before.id() == now.id()) {
      return out;
    }
    Evaluation b = before.evaluation();
    Evaluation n = now.evaluation();
    int from = rank(b.trajectory().status());
    int to = rank(n.trajectory().status());
    if (to >= 0 && from > to) {
      out.add("status " + Statuses.label(b.trajectory().status().name()) + " → "
          + Statuses.label(n.trajectory().status().name()));
    }
    if (worse(b.verdicts().comparedToEngland()) && compared(n.verdicts().comparedToEngland())
        && !worse(n.verdicts().comparedToEngland())) {
      out.add("no longer worse than England");
    } else if (better(n.verdicts().comparedToEngland()) && !better(b.verdicts().comparedToEngland())) {
      out.add("now better than England");
    }
    if (worse(b.verdicts().comparedToRegion()) && compared(n.verdicts().comparedToRegion())
        && !worse(n.verdicts().comparedToRegion())) {
      out.add("no longer worse than the region");
    }
    if (trend(n).gettingBetter() && !trend(b).gettingBetter()) {
      out.add("recent trend: " + n.verdicts().recentTrend().label().toLowerCase(java.util.Locale.ROOT));
    }
    if (spc(n) == Verdicts.SpcPoint.SPECIAL_CAUSE_IMPROVEMENT
        && spc(b) != Verdicts.SpcPoint.SPECIAL_CAUSE_IMPROVEMENT) {
      out.add("SPC special cause of improvement");
    }
    if (Boolean.TRUE.equals(b.gap().widening()) && Boolean.FALSE.equals(n.gap().widening())) {
      out.add("inequality gap no longer widening");
    }
    return out;
  }

  /** ON_TRACK 0, AT_RISK 1, OFF_TRACK 2; -1 for a status that is not a rating. */
  static int rank(TargetStatus s) {
    return s == null ? -1 : switch (s) {
      case ON_TRACK -> 0;
      case AT_RISK -> 1;
      case OFF_TRACK -> 2;
      case NOT_ENOUGH_DATA -> -1;
    };
  }

  private static boolean worse(Verdict<Verdicts.Comparison> v) {
    Verdicts.Comparison c = Verdict.code(v);
    return c == Verdicts.Comparison.WORSE || c == Verdicts.Comparison.WORST;
  }

  private static boolean better(Verdict<Verdicts.Comparison> v) {
    Verdicts.Comparison c = Verdict.code(v);
    return c == Verdicts.Comparison.BETTER || c == Verdicts.Comparison.BEST;
  }

  private static boolean compared(Verdict<Verdicts.Comparison> v) {
    Verdicts.Comparison c = Verdict.code(v);
    return c != null && c != Verdicts.Comparison.NOT_COMPARED;
  }

  private static Verdicts.Trend trend(Evaluation e) {
    Verdicts.Trend t = Verdict.code(e.verdicts().recentTrend());
    return t == null ? Verdicts.Trend.CANNOT_BE_CALCULATED : t;
  }

  private static Verdicts.SpcPoint spc(Evaluation e) {
    return Verdict.code(e.verdicts().spcPointType());
  }
}
