package io.fingerpost.alert;

import io.fingerpost.config.RulesConfig;
import io.fingerpost.model.Severity;
import io.fingerpost.alert.Signal.Condition;
import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetContext;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterioration rules of docs/design.md "Alert rules" as pure functions from an evaluation (one row of
 * the {@code evaluation} table with its target) to one {@link Signal} per enabled rule.
 *
 * <p>Rules state a condition (active, clear, unknown); firing "newly" and resolving are the job of
 * {@link AlertLifecycle}, which turns changes of condition into transitions. Rules branch on the verdicts'
 * codes ({@link TargetStatus}, {@link Verdicts}); their labels only appear in the sentences.
 */
public final class AlertRules {
  private final RulesConfig config;
  private final String externalUrl;

  /**
   * @param externalUrl base URL of this service's API, for links in annotations (no trailing slash)
   */
  public AlertRules(RulesConfig config, String externalUrl) {
    this.config = config;
    this.externalUrl = externalUrl.endsWith("/")
        ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
  }

  /** One signal per enabled rule, in {@link Rule} order. */
  public List<Signal> signals(EvaluationRecord e) {
    List<Signal> out = new ArrayList<>();
    if (config.offTrajectory().enabled()) {
      out.add(offTrajectory(e));
    }
    if (config.projectedMiss().enabled()) {
      out.add(projectedMiss(e));
    }
    if (config.specialCause().enabled()) {
      out.add(specialCause(e));
    }
    if (config.worseThanBenchmark().enabled()) {
      out.add(worseThanBenchmark(e));
    }
    if (config.trendGettingWorse().enabled()) {
      out.add(trendGettingWorse(e));
    }
    if (config.gapWidening().enabled()) {
      out.add(gapWidening(e));
    }
    return out;
  }

  Signal offTrajectory(EvaluationRecord e) {
    Evaluation.Trajectory t = e.evaluation().trajectory();
    Evaluation.Observed o = e.evaluation().observed();
    TargetStatus status = t.status();
    Condition c;
    Severity sev = null;
    switch (status == null ? TargetStatus.NOT_ENOUGH_DATA : status) {
      case OFF_TRACK -> {
        c = Condition.ACTIVE;
        sev = Severity.CRITICAL;
      }
      case AT_RISK -> {
        c = config.offTrajectory().warnOnAtRisk() ? Condition.ACTIVE : Condition.CLEAR;
        sev = Severity.WARNING;
      }
      case ON_TRACK -> c = Condition.CLEAR;
      default -> c = Condition.UNKNOWN;
    }
    String state = status == TargetStatus.OFF_TRACK ? "off track (red)" : "at risk (amber)";
    String summary = subject(e) + " is " + state + " against its trajectory in " + e.period();
    String desc = subject(e) + " was " + num(o.value()) + unit(e) + " in " + e.period()
        + " (95% CI " + num(o.lowerCi95()) + "–" + num(o.upperCi95()) + "); the trajectory to "
        + target(e) + " expected " + num(t.expected()) + ", so it is " + num(abs(t.deviation()))
        + " " + (t.deviation() != null && t.deviation() >= 0 ? "ahead of" : "behind")
        + " the trajectory (amber tolerance " + num(t.amberTolerance()) + ", red tolerance "
        + num(t.redTolerance()) + ").";
    return signal(Rule.OFF_TRAJECTORY, e, c, sev, summary, desc);
  }

  Signal projectedMiss(EvaluationRecord e) {
    RulesConfig.ProjectedMiss cfg = config.projectedMiss();
    Evaluation.Projection pr = e.evaluation().projection();
    Double p = pr.probabilityOfMeeting();
    Condition c;
    if (p == null || pr.value() == null) {
      c = Condition.UNKNOWN;
    } else if (p <= cfg.fireAtOrBelow()) {
      c = Condition.ACTIVE;
    } else if (p >= cfg.resolveAtOrAbove()) {
      c = Condition.CLEAR;
    } else {
      c = Condition.UNKNOWN; // hysteresis band: keep the current state
    }
    String summary = subject(e) + " is projected to miss its target " + target(e);
    String desc = "Projecting " + subject(e) + " from its baseline to " + e.target().targetPeriod()
        + " gives " + num(pr.value()) + unit(e) + " (95% prediction interval "
        + num(pr.lower()) + "–" + num(pr.upper()) + ") against the target "
        + num(e.target().targetValue()) + "; the chance of meeting it is " + pct(p)
        + " (latest value " + num(e.evaluation().observed().value()) + " in " + e.period() + ").";
    return signal(Rule.PROJECTED_MISS, e, c, cfg.severity(), summary, desc);
  }

  Signal specialCause(EvaluationRecord e) {
    Verdicts v = e.evaluation().verdicts();
    Verdicts.SpcPoint point = Verdict.code(v.spcPointType());
    Condition c;
    if (point == null) {
      c = Condition.UNKNOWN;
    } else if (point == Verdicts.SpcPoint.SPECIAL_CAUSE_CONCERN) {
      c = Condition.ACTIVE;
    } else {
      c = Condition.CLEAR; // common cause, improvement, or special cause with no judgement
    }
    String summary = subject(e) + " shows special cause variation of concern in " + e.period();
    String desc = "The SPC chart of " + subject(e) + " flags " + e.period() + " (value "
        + num(e.evaluation().observed().value()) + unit(e) + ") as '" + Verdict.label(v.spcPointType()) + "'"
        + (v.spcAssurance() == null ? "" : "; assurance against the target: " + v.spcAssurance().label())
        + ".";
    return signal(Rule.SPC_CONCERN, e, c, config.specialCause().severity(), summary, desc);
  }

  Signal worseThanBenchmark(EvaluationRecord e) {
    RulesConfig.Benchmark cfg = config.worseThanBenchmark();
    boolean region = "region".equals(cfg.benchmark());
    Verdicts v = e.evaluation().verdicts();
    Verdict<Verdicts.Comparison> verdict = region ? v.comparedToRegion() : v.comparedToEngland();
    Verdicts.Comparison code = Verdict.code(verdict);
    Condition c;
    Severity sev = cfg.severity();
    if (code == null || code == Verdicts.Comparison.NOT_COMPARED) {
      c = Condition.UNKNOWN;
    } else if (code == Verdicts.Comparison.WORST) {
      c = Condition.ACTIVE;
      sev = cfg.worstSeverity();
    } else if (code == Verdicts.Comparison.WORSE) {
      c = Condition.ACTIVE;
    } else {
      c = Condition.CLEAR;
    }
    Evaluation.Observed o = e.evaluation().observed();
    String bench = region ? "the region" : "England";
    String summary = subject(e) + " is significantly worse than " + bench + " in " + e.period();
    String desc = subject(e) + " was " + num(o.value()) + unit(e) + " in " + e.period()
        + " (95% CI " + num(o.lowerCi95()) + "–" + num(o.upperCi95()) + "): '" + Verdict.label(verdict)
        + "' compared with " + bench + " (the benchmark's value lies outside the interval).";
    return signal(Rule.WORSE_THAN_BENCHMARK, e, c, sev, summary, desc);
  }

  Signal trendGettingWorse(EvaluationRecord e) {
    Verdict<Verdicts.Trend> trend = e.evaluation().verdicts().recentTrend();
    Verdicts.Trend code = Verdict.code(trend);
    Condition c;
    if (code == null || code == Verdicts.Trend.CANNOT_BE_CALCULATED) {
      c = Condition.UNKNOWN;
    } else if (code.gettingWorse()) {
      c = Condition.ACTIVE;
    } else {
      c = Condition.CLEAR;
    }
    String summary = subject(e) + ": recent trend is getting worse (" + e.period() + ")";
    String desc = "The recent trend of " + subject(e) + " over the latest points to " + e.period()
        + " is '" + Verdict.label(trend) + "' (latest value " + num(e.evaluation().observed().value()) + unit(e)
        + ").";
    return signal(Rule.TREND_WORSE, e, c, config.trendGettingWorse().severity(), summary, desc);
  }

  Signal gapWidening(EvaluationRecord e) {
    Evaluation.Gap gap = e.evaluation().gap();
    Boolean w = gap.widening();
    Condition c = w == null ? Condition.UNKNOWN : w ? Condition.ACTIVE : Condition.CLEAR;
    String summary = subject(e) + ": the inequality gap widened significantly in " + e.period();
    String desc = "The gap between the most and least deprived for " + subject(e) + " in "
        + e.period() + " is " + num(gap.absolute()) + unit(e) + " (relative "
        + num(gap.relative()) + ", slope index of inequality " + num(gap.sii())
        + ") and has widened significantly.";
    return signal(Rule.GAP_WIDENING, e, c, config.gapWidening().severity(), summary, desc);
  }

  /** Feed stale or failing, from the feed status: active while the feed has not succeeded. */
  public Signal feed(String feed, boolean ok, String reason, Instant at) {
    return feed(feed, ok, reason, null, at);
  }

  /**
   * Feed stale, failing or suspect: active while the feed has not succeeded, or while its latest read carries
   * a {@code warning} (its row count fell sharply), which the operations team must look at.
   */
  public Signal feed(String feed, boolean ok, String reason, String warning, Instant at) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", Rule.FEED_STALE.alertName());
    labels.put("rule", Rule.FEED_STALE.label());
    labels.put("feed", feed);
    labels.put("team", "operations");
    labels.put("severity", config.feedStale().severity().label());
    Map<String, String> ann = new LinkedHashMap<>();
    boolean suspect = ok && warning != null;
    ann.put("summary", suspect ? "Feed " + feed + " read far fewer rows than before" : "Feed " + feed + " is stale or failing");
    ann.put("description", suspect ? "Feed " + feed + " succeeded, but " + warning
        : "Feed " + feed + " has not succeeded" + (reason == null || reason.isBlank() ? "" : ": " + reason) + ".");
    ann.put("link", externalUrl + "/api/feeds");
    return new Signal(Rule.FEED_STALE, Fingerprints.forFeed(Rule.FEED_STALE, feed),
        ok && !suspect ? Condition.CLEAR : Condition.ACTIVE, config.feedStale().severity(), labels, ann, null,
        "feed@" + at, at, false, externalUrl + "/api/feeds");
  }

  private Signal signal(
      Rule rule, EvaluationRecord e, Condition c, Severity sev, String summary, String desc) {
    TargetContext t = e.target();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", rule.alertName());
    labels.put("rule", rule.label());
    put(labels, "indicator", t.indicatorId());
    put(labels, "area", t.areaCode());
    put(labels, "breakdown", t.breakdown());
    put(labels, "target", t.targetId());
    put(labels, "team", t.team());
    put(labels, "group", t.strategyGroup());
    if (sev != null) {
      labels.put("severity", sev.label());
    }
    String link = externalUrl + "/api/targets/" + t.targetId();
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put("summary", summary);
    String text = e.evaluation().explanation();
    String explanation = text == null || text.isBlank() ? "" : " " + text.trim();
    ann.put("description", desc + explanation);
    ann.put("link", link);
    put(ann, "period", e.period());
    if (e.evaluation().observed().value() != null) {
      ann.put("value", num(e.evaluation().observed().value()));
    }
    return new Signal(rule, Fingerprints.forTarget(rule, t.targetId()), c,
        c == Condition.ACTIVE ? sev : null, labels, ann, e.id(),
        e.period() + "#" + e.observationRevision(),
        e.evaluatedAt() == null ? java.time.Instant.now() : e.evaluatedAt(), e.initialLoad(), link);
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null && !v.isEmpty()) {
      m.put(k, v);
    }
  }

  private static String subject(EvaluationRecord e) {
    TargetContext t = e.target();
    String name = t.indicatorName().isEmpty() ? "Indicator " + t.indicatorId() : t.indicatorName();
    String area = t.areaName().isEmpty() ? t.areaCode() : t.areaName();
    String b = t.breakdown();
    return name + " in " + area + (b.isEmpty() ? "" : " (" + b + ")");
  }

  private static String target(EvaluationRecord e) {
    TargetContext t = e.target();
    if (t.targetValue() == null) {
      return t.targetPeriod().isEmpty() ? "its target" : "its target for " + t.targetPeriod();
    }
    return num(t.targetValue()) + " by " + (t.targetPeriod().isEmpty() ? "the target period" : t.targetPeriod());
  }

  private static String unit(EvaluationRecord e) {
    String u = e.target().unit();
    if (u.isEmpty()) {
      return "";
    }
    return u.equals("%") ? "%" : " " + u;
  }

  private static Double abs(Double d) {
    return d == null ? null : Math.abs(d);
  }

  /** Four significant digits, no trailing zeros: what a person reads. */
  static String num(Double d) {
    if (d == null || d.isNaN() || d.isInfinite()) {
      return "n/a";
    }
    return new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static String pct(Double p) {
    return p == null ? "n/a" : num(100 * p) + "%";
  }
}
