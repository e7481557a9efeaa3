package io.fingerpost.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Numbers for the evaluation's categorical verdicts, so that Grafana can colour them and PromQL can
 * compare them. The mapping is part of the metrics contract (docs/metrics.md). Verdict texts are matched
 * by words, case-insensitively, so the evaluator's enum names ({@code WORSE}, {@code SPECIAL_CAUSE_CONCERN})
 * and the Fingertips texts ("Worse", "Increasing and getting worse") map alike.
 */
public final class StateCodes {
  private StateCodes() {}

  /** Target statuses in code order: the code is the index, so a larger code is a worse state. */
  public static final List<String> STATUSES = List.of("NOT_ENOUGH_DATA", "ON_TRACK", "AT_RISK", "OFF_TRACK");

  /** 0 not enough data, 1 on track, 2 at risk (amber), 3 off track (red); null when unknown. */
  public static Double status(String status) {
    if (status == null) return null;
    int i = STATUSES.indexOf(status.trim().toUpperCase(Locale.ROOT));
    return i < 0 ? null : (double) i;
  }

  /**
   * Comparison with a benchmark: 2 best, 1 better, 0 similar (and higher/lower where there is no judgement),
   * -1 worse, -2 worst; null when not compared.
   */
  public static Double comparison(String verdict) {
    String v = words(verdict);
    if (v == null || v.contains("not compared") || v.contains("cannot")) return null;
    if (v.contains("worst")) return -2.0;
    if (v.contains("best")) return 2.0;
    if (v.contains("worse")) return -1.0;
    if (v.contains("better")) return 1.0;
    if (v.contains("similar") || v.contains("higher") || v.contains("lower") || v.contains("same")) return 0.0;
    return null;
  }

  /** Recent trend: 1 getting better, 0 no significant change (or no judgement), -1 getting worse; null when not calculated. */
  public static Double trend(String verdict) {
    String v = words(verdict);
    if (v == null || v.contains("cannot") || v.contains("not calculated")) return null;
    if (v.contains("worse")) return -1.0;
    if (v.contains("better")) return 1.0;
    return 0.0;
  }

  /** SPC point type: 1 special cause improvement, 0 common cause or special cause neither, -1 special cause concern. */
  public static Double spcPoint(String pointType) {
    String v = words(pointType);
    if (v == null) return null;
    if (v.contains("concern")) return -1.0;
    if (v.contains("improvement")) return 1.0;
    return 0.0;
  }

  /** SPC assurance against a target: 1 consistently passes, 0 hit and miss, -1 consistently fails; null otherwise. */
  public static Double spcAssurance(String assurance) {
    String v = words(assurance);
    if (v == null) return null;
    if (v.contains("fail")) return -1.0;
    if (v.contains("pass")) return 1.0;
    if (v.contains("hit") || v.contains("miss")) return 0.0;
    return null;
  }

  private static String words(String verdict) {
    if (verdict == null || verdict.isBlank()) return null;
    return verdict.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
  }
}
