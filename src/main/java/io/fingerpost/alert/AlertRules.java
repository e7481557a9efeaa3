package io.fingerpost.alert;

import io.fingerpost.config.RulesConfig;
import io.fingerpost.model.Severity;
import io.fingerpost.alert.Signal.Condition;
import io.fingerpost.strategy.TargetContext;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deterioration rules of docs/design.md "Alert rules" as pure functions from an evaluation (one row of
 * the {@code evaluation} table with its target) to one {@link Signal} per enabled rule.
 *
 * <p>Rules state a condition (active, clear, unknown); firing "newly" and resolving are the job of
 * {@link AlertLifecycle}, which turns changes of condition into transitions. Verdict strings are matched
 * as Fingertips and NHSRplotthedots print them ("Worse", "Worst", "Increasing and getting worse",
 * "Special cause concern"), case-insensitively.
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
    String status = upper(e.row().status());
    Condition c;
    Severity sev = null;
    switch (status) {
      case "OFF_TRACK" -> {
        c = Condition.ACTIVE;
        sev = Severity.CRITICAL;
      }
      case "AT_RISK" -> {
        c = config.offTrajectory().warnOnAtRisk() ? Condition.ACTIVE : Condition.CLEAR;
        sev = Severity.WARNING;
      }
      case "ON_TRACK" -> c = Condition.CLEAR;
      default -> c = Condition.UNKNOWN;
    }
    String state = "OFF_TRACK".equals(status) ? "off track (red)" : "at risk (amber)";
    String summary = subject(e) + " is " + state + " against its trajectory in " + e.period();
    String desc = subject(e) + " was " + num(e.row().value()) + unit(e) + " in " + e.period()
        + " (95% CI " + num(e.row().lowerCi95()) + "–" + num(e.row().upperCi95()) + "); the trajectory to "
        + target(e) + " expected " + num(e.row().expected()) + ", so it is " + num(abs(e.row().deviation()))
        + " " + (e.row().deviation() != null && e.row().deviation() >= 0 ? "ahead of" : "behind")
        + " the trajectory (amber tolerance " + num(e.row().amberTolerance()) + ", red tolerance "
        + num(e.row().redTolerance()) + ").";
    return signal(Rule.OFF_TRAJECTORY, e, c, sev, summary, desc);
  }

  Signal projectedMiss(EvaluationRecord e) {
    RulesConfig.ProjectedMiss cfg = config.projectedMiss();
    Double p = e.row().probabilityOfMeeting();
    Condition c;
    if (p == null || e.row().projection() == null) {
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
        + " gives " + num(e.row().projection()) + unit(e) + " (95% prediction interval "
        + num(e.row().projectionLower()) + "–" + num(e.row().projectionUpper()) + ") against the target "
        + num(e.target().targetValue()) + "; the chance of meeting it is " + pct(p)
        + " (latest value " + num(e.row().value()) + " in " + e.period() + ").";
    return signal(Rule.PROJECTED_MISS, e, c, cfg.severity(), summary, desc);
  }

  Signal specialCause(EvaluationRecord e) {
    String t = lower(e.row().spcPointType());
    Condition c;
    if (t.isEmpty()) {
      c = Condition.UNKNOWN;
    } else if (t.contains("concern")) {
      c = Condition.ACTIVE;
    } else {
      c = Condition.CLEAR; // common cause, improvement, or special cause with no judgement
    }
    String summary = subject(e) + " shows special cause variation of concern in " + e.period();
    String desc = "The SPC chart of " + subject(e) + " flags " + e.period() + " (value "
        + num(e.row().value()) + unit(e) + ") as '" + e.row().spcPointType() + "'"
        + (e.row().spcAssurance() == null ? "" : "; assurance against the target: " + e.row().spcAssurance())
        + ".";
    return signal(Rule.SPC_CONCERN, e, c, config.specialCause().severity(), summary, desc);
  }

  Signal worseThanBenchmark(EvaluationRecord e) {
    RulesConfig.Benchmark cfg = config.worseThanBenchmark();
    boolean region = "region".equals(cfg.benchmark());
    String verdict = region ? e.row().comparedToRegion() : e.row().comparedToEngland();
    String v = lower(verdict);
    Condition c;
    Severity sev = cfg.severity();
    if (v.isEmpty() || v.startsWith("not compared") || v.startsWith("cannot")) {
      c = Condition.UNKNOWN;
    } else if (v.startsWith("worst")) {
      c = Condition.ACTIVE;
      sev = cfg.worstSeverity();
    } else if (v.startsWith("worse")) {
      c = Condition.ACTIVE;
    } else {
      c = Condition.CLEAR;
    }
    String bench = region ? "the region" : "England";
    String summary = subject(e) + " is significantly worse than " + bench + " in " + e.period();
    String desc = subject(e) + " was " + num(e.row().value()) + unit(e) + " in " + e.period()
        + " (95% CI " + num(e.row().lowerCi95()) + "–" + num(e.row().upperCi95()) + "): '" + verdict
        + "' compared with " + bench + " (the benchmark's value lies outside the interval).";
    return signal(Rule.WORSE_THAN_BENCHMARK, e, c, sev, summary, desc);
  }

  Signal trendGettingWorse(EvaluationRecord e) {
    String t = lower(e.row().recentTrend());
    Condition c;
    if (t.isEmpty() || t.startsWith("cannot")) {
      c = Condition.UNKNOWN;
    } else if (t.contains("getting worse")) {
      c = Condition.ACTIVE;
    } else {
      c = Condition.CLEAR;
    }
    String summary = subject(e) + ": recent trend is getting worse (" + e.period() + ")";
    String desc = "The recent trend of " + subject(e) + " over the latest points to " + e.period()
        + " is '" + e.row().recentTrend() + "' (latest value " + num(e.row().value()) + unit(e) + ").";
    return signal(Rule.TREND_WORSE, e, c, config.trendGettingWorse().severity(), summary, desc);
  }

  Signal gapWidening(EvaluationRecord e) {
    Boolean w = e.row().gapWidening();
    Condition c = w == null ? Condition.UNKNOWN : w ? Condition.ACTIVE : Condition.CLEAR;
    String summary = subject(e) + ": the inequality gap widened significantly in " + e.period();
    String desc = "The gap between the most and least deprived for " + subject(e) + " in "
        + e.period() + " is " + num(e.row().gapAbsolute()) + unit(e) + " (relative "
        + num(e.row().gapRelative()) + ", slope index of inequality " + num(e.row().sii())
        + ") and has widened significantly.";
    return signal(Rule.GAP_WIDENING, e, c, config.gapWidening().severity(), summary, desc);
  }

  /** Feed stale or failing, from the feed status: active while the feed has not succeeded. */
  public Signal feed(String feed, boolean ok, String reason, Instant at) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", Rule.FEED_STALE.alertName());
    labels.put("rule", Rule.FEED_STALE.label());
    labels.put("feed", feed);
    labels.put("team", "operations");
    labels.put("severity", config.feedStale().severity().label());
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put("summary", "Feed " + feed + " is stale or failing");
    ann.put("description", "Feed " + feed + " has not succeeded"
        + (reason == null || reason.isBlank() ? "" : ": " + reason) + ".");
    ann.put("link", externalUrl + "/api/feeds");
    return new Signal(Rule.FEED_STALE, Fingerprints.forFeed(Rule.FEED_STALE, feed),
        ok ? Condition.CLEAR : Condition.ACTIVE, config.feedStale().severity(), labels, ann, null,
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
    String explanation = e.row().explanation() == null || e.row().explanation().isBlank()
        ? "" : " " + e.row().explanation().trim();
    ann.put("description", desc + explanation);
    ann.put("link", link);
    put(ann, "period", e.period());
    if (e.row().value() != null) {
      ann.put("value", num(e.row().value()));
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

  private static String upper(String s) {
    return s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
  }

  private static String lower(String s) {
    return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
  }
}
