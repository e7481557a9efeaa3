package io.fingerpost.strategy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fingerpost.engine.BenchmarkComparison;
import io.fingerpost.engine.InequalityGap;
import io.fingerpost.model.Period;
import io.fingerpost.model.Polarity;
import io.fingerpost.engine.Projection;
import io.fingerpost.engine.RecentTrend;
import io.fingerpost.engine.Spc;
import io.fingerpost.engine.Trajectory;
import io.fingerpost.engine.TrajectoryResult;
import io.fingerpost.engine.TrajectorySpec;
import io.fingerpost.engine.TrajectoryStatus;
import io.fingerpost.engine.ValueType;
import io.fingerpost.model.Observation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates one target on its data: the trajectory (expected value, deviation, status, projection; see
 * {@link Trajectory}) and the engine's other verdicts for the same series (comparison with England and
 * with the region at the latest period, Fingertips recent trend, SPC point type and assurance against the
 * target), with a one-sentence explanation. Pure: no I/O, no Vert.x; the evaluator verticle feeds it.
 */
public final class TargetEvaluation {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private TargetEvaluation() {}

  /** What an indicator is, as far as evaluation cares; any part may be null when unknown. */
  public record IndicatorInfo(String name, String unit, String valueType, String polarity) {}

  /**
   * Everything one evaluation reads.
   *
   * @param target the target
   * @param areaName the area's name ("Dudley"), null when unknown
   * @param indicator the indicator's unit, value type and polarity
   * @param seriesId the target's series, null when the series does not exist
   * @param observations the series' current observations
   * @param revisions observation revision by period label
   * @param england the same breakdown in England (E92000001), empty when none
   * @param region the same breakdown in the area's parent region, empty when none
   * @param benchmark the same breakdown in a reach-the-benchmark target's benchmark area, empty when none
   * @param deprivation the same series broken down by deprivation (category types naming deprivation:
   *     quintiles, deciles), every category and period, empty when none
   */
  public record Inputs(TargetDefinition target, String areaName, IndicatorInfo indicator, Long seriesId,
      List<Observation> observations, Map<String, Integer> revisions, List<Observation> england,
      List<Observation> region, List<Observation> benchmark, List<Observation> deprivation) {

    /** Without deprivation breakdowns. */
    public Inputs(TargetDefinition target, String areaName, IndicatorInfo indicator, Long seriesId,
        List<Observation> observations, Map<String, Integer> revisions, List<Observation> england,
        List<Observation> region, List<Observation> benchmark) {
      this(target, areaName, indicator, seriesId, observations, revisions, england, region, benchmark,
          List.of());
    }
  }

  public static EvaluationRow evaluate(Inputs in) {
    TargetDefinition t = in.target();
    TargetResolver.Resolved resolved = TargetResolver.resolve(t, (key, label) -> {
      List<Observation> source = key.equals(t.series()) ? in.observations() : in.benchmark();
      return valueAt(source, label);
    });
    ObjectNode verdicts = JSON.createObjectNode();
    if (resolved.spec() == null) {
      verdicts.put("problem", resolved.problem());
      String explanation = subject(in) + ": cannot be evaluated yet: " + resolved.problem() + ".";
      return row(in, null, null, TrajectoryStatus.NOT_ENOUGH_DATA, null, null, null, null, null,
          explanation, verdicts);
    }
    TrajectorySpec spec = resolved.spec();
    Trajectory trajectory = new Trajectory(spec);
    TrajectoryResult r = trajectory.evaluate(in.observations());
    ObjectNode tr = verdicts.putObject("trajectory");
    tr.put("form", t.goal().form().name());
    tr.put("baselineT", spec.baselineT());
    tr.put("targetT", spec.targetT());
    putNumber(tr, "baselineValue", spec.baselineValue());
    putNumber(tr, "targetValue", spec.targetValue());
    tr.put("amber", t.amber().toString());
    tr.put("red", t.red().toString());
    tr.put("ciCountsAsOnTrack", spec.ciCountsAsOnTrack());
    if (r.status() == TrajectoryStatus.NOT_ENOUGH_DATA) {
      String explanation = subject(in) + ": no value from the baseline period "
          + t.baseline().period().label() + " on, so it cannot be held against its trajectory yet.";
      return row(in, spec, r, r.status(), null, null, null, null, null, explanation, verdicts);
    }
    Polarity polarity = polarity(in.indicator(), spec);
    Observation latest = in.observations().stream()
        .filter(o -> o.period().label().equals(r.period().label())).findFirst().orElseThrow();
    String vsEngland = compare(latest, in.england(), polarity, verdicts, "comparedToEngland");
    String vsRegion = compare(latest, in.region(), polarity, verdicts, "comparedToRegion");
    String trend = recentTrend(in, polarity, verdicts);
    Spc.Result spc = spc(in.observations(), spec, verdicts);
    GapResult gap = gap(in.deprivation(), r.period().label(), verdicts);
    String explanation = explain(in, spec, r);
    EvaluationRow row = row(in, spec, r, r.status(), vsEngland, vsRegion, trend,
        spc == null ? null : spc.latest().pointType().label(),
        spc == null || spc.assurance() == null ? null : spc.assurance().label(), explanation, verdicts);
    return gap == null ? row : withFingerprint(new EvaluationRow(row.targetId(), row.seriesId(), row.period(),
        row.periodT(), row.observationRevision(), row.status(), row.statusByTolerance(), row.notSignificant(),
        row.value(), row.lowerCi95(), row.upperCi95(), row.expected(), row.deviation(), row.amberTolerance(),
        row.redTolerance(), row.projection(), row.projectionLower(), row.projectionUpper(),
        row.probabilityOfMeeting(), row.comparedToEngland(), row.comparedToRegion(), row.recentTrend(),
        row.spcPointType(), row.spcAssurance(), gap.absolute(), gap.relative(), null, gap.widening(),
        row.baselineValue(), row.targetValue(), row.explanation(), row.verdictsJson(), null));
  }

  private static Double valueAt(List<Observation> observations, String label) {
    return observations.stream().filter(o -> o.period().label().equals(label) && o.value() != null)
        .map(Observation::value).findFirst().orElse(null);
  }

  /** The indicator's polarity, or the one the target's direction implies when the indicator has none. */
  private static Polarity polarity(IndicatorInfo info, TrajectorySpec spec) {
    if (info != null && info.polarity() != null && !info.polarity().isBlank()) {
      try {
        return Polarity.parse(info.polarity());
      } catch (IllegalArgumentException ignored) {
        // fall through to the target's direction
      }
    }
    return switch (spec.sense()) {
      case INCREASE -> Polarity.HIGH_IS_GOOD;
      case DECREASE -> Polarity.LOW_IS_GOOD;
      case WITHIN -> Polarity.NO_JUDGEMENT;
    };
  }

  private static String compare(Observation latest, List<Observation> benchmark, Polarity polarity,
      ObjectNode verdicts, String field) {
    if (benchmark.isEmpty()) {
      return null;
    }
    Double b = valueAt(benchmark, latest.period().label());
    BenchmarkComparison.Outcome outcome = BenchmarkComparison.compare95(latest.value(), latest.lowerCi95(),
        latest.upperCi95(), b, polarity);
    ObjectNode n = verdicts.putObject(field);
    n.put("outcome", outcome.label());
    putNumber(n, "benchmarkValue", b);
    n.put("period", latest.period().label());
    return outcome.label();
  }

  private static String recentTrend(Inputs in, Polarity polarity, ObjectNode verdicts) {
    ValueType type;
    try {
      type = in.indicator() == null || in.indicator().valueType() == null ? ValueType.OTHER
          : ValueType.parse(in.indicator().valueType());
    } catch (IllegalArgumentException e) {
      type = ValueType.OTHER;
    }
    List<RecentTrend.Point> points = in.observations().stream()
        .sorted(Comparator.comparing(Observation::period))
        .map(o -> new RecentTrend.Point(o.period(), o.value(), o.lowerCi95(), o.upperCi95(), o.count(),
            o.denominator()))
        .toList();
    boolean counts = type == ValueType.PROPORTION && !points.isEmpty()
        && points.stream().skip(Math.max(0, points.size() - RecentTrend.POINTS))
            .allMatch(p -> p.count() != null && p.denominator() != null);
    RecentTrend.Result r = RecentTrend.evaluate(points, type, polarity,
        counts ? RecentTrend.Method.COUNTS : RecentTrend.Method.CI);
    ObjectNode n = verdicts.putObject("recentTrend");
    n.put("label", r.label());
    n.put("method", counts ? "COUNTS" : "CI");
    putNumber(n, "chi2", r.chi2());
    if (r.message() != null && !r.message().isEmpty()) {
      n.put("message", r.message());
    }
    return r.label();
  }

  private static Spc.Result spc(List<Observation> observations, TrajectorySpec spec, ObjectNode verdicts) {
    double[] y = observations.stream().filter(o -> o.value() != null && Double.isFinite(o.value()))
        .sorted(Comparator.comparing(Observation::period)).mapToDouble(Observation::value).toArray();
    if (y.length < 2) {
      return null;
    }
    Spc.ImprovementDirection dir = switch (spec.sense()) {
      case INCREASE -> Spc.ImprovementDirection.INCREASE;
      case DECREASE -> Spc.ImprovementDirection.DECREASE;
      case WITHIN -> Spc.ImprovementDirection.NEUTRAL;
    };
    Double target = spec.sense() == TrajectorySpec.Sense.WITHIN ? null
        : spec.directionOnly() ? spec.baselineValue() : spec.targetValue();
    Spc.Result r = Spc.evaluate(y, Spc.Options.of(dir).withTarget(target));
    Spc.Point p = r.latest();
    ObjectNode n = verdicts.putObject("spc");
    n.put("pointType", p.pointType().label());
    n.put("specialCauseType", p.specialCauseType());
    n.put("mean", p.mean());
    n.put("lowerLimit", p.lowerLimit());
    n.put("upperLimit", p.upperLimit());
    n.put("points", y.length);
    n.put("shortSeriesWarning", r.shortSeriesWarning());
    if (r.assurance() != null) {
      n.put("assurance", r.assurance().label());
    }
    return r;
  }

  /** The gap at the latest period and whether it widened since the previous one (null when not computable). */
  record GapResult(Double absolute, Double relative, Boolean widening) {}

  /**
   * Gap between the most and the least deprived group at the target's latest period
   * ({@link InequalityGap#of}: most − least, most ÷ least), for the first deprivation category type (by
   * name) that has both groups then. Widening: {@link InequalityGap#widenedSignificantly} against the
   * previous period with both groups, each gap's 95% limits from SE = √(SE_most² + SE_least²), the groups'
   * SEs from their 95% CIs; without CIs, null (not judged).
   */
  static GapResult gap(List<Observation> deprivation, String period, ObjectNode verdicts) {
    java.util.TreeMap<String, List<Observation>> byType = new java.util.TreeMap<>();
    for (Observation o : deprivation) {
      if (o.value() != null) {
        byType.computeIfAbsent(o.key().categoryType(), k -> new java.util.ArrayList<>()).add(o);
      }
    }
    for (Map.Entry<String, List<Observation>> e : byType.entrySet()) {
      Observation most = group(e.getValue(), period, "most deprived");
      Observation least = group(e.getValue(), period, "least deprived");
      if (most == null || least == null) {
        continue;
      }
      InequalityGap.Gap g = InequalityGap.of(most.value(), least.value());
      Boolean widening = null;
      Period latest = most.period();
      Observation prevMost = null;
      Observation prevLeast = null;
      for (Observation o : e.getValue()) {
        if (o.period().compareTo(latest) < 0 && label(o).contains("most deprived")
            && (prevMost == null || o.period().compareTo(prevMost.period()) > 0)) {
          Observation l = group(e.getValue(), o.period().label(), "least deprived");
          if (l != null) {
            prevMost = o;
            prevLeast = l;
          }
        }
      }
      ObjectNode n = verdicts.putObject("gap");
      n.put("categoryType", e.getKey());
      n.put("period", period);
      n.put("mostDeprived", most.value());
      n.put("leastDeprived", least.value());
      n.put("absolute", g.absolute());
      putNumber(n, "relative", g.relative());
      if (prevMost != null) {
        InequalityGap.Measure before = measure(prevMost, prevLeast);
        InequalityGap.Measure now = measure(most, least);
        if (before.lower95() != null && now.lower95() != null) {
          widening = InequalityGap.widenedSignificantly(before, now);
        }
        n.put("previousPeriod", prevMost.period().label());
        n.put("previousAbsolute", before.value());
        if (widening != null) {
          n.put("widening", widening);
        }
      }
      return new GapResult(g.absolute(), g.relative(), widening);
    }
    return null;
  }

  private static String label(Observation o) {
    return o.key().category().toLowerCase(Locale.ROOT);
  }

  private static Observation group(List<Observation> list, String period, String which) {
    return list.stream().filter(o -> o.period().label().equals(period) && label(o).contains(which))
        .findFirst().orElse(null);
  }

  private static InequalityGap.Measure measure(Observation most, Observation least) {
    double gap = most.value() - least.value();
    if (most.lowerCi95() == null || most.upperCi95() == null || least.lowerCi95() == null
        || least.upperCi95() == null) {
      return new InequalityGap.Measure(gap, null, null);
    }
    double se1 = (most.upperCi95() - most.lowerCi95()) / 3.92;
    double se2 = (least.upperCi95() - least.lowerCi95()) / 3.92;
    double half = 1.959963984540054 * Math.sqrt(se1 * se1 + se2 * se2);
    return new InequalityGap.Measure(gap, gap - half, gap + half);
  }

  /** "Dudley, Life expectancy at birth, male (years)". */
  private static String subject(Inputs in) {
    return (in.areaName() != null ? in.areaName() : in.target().series().areaCode()) + ", "
        + in.target().name();
  }

  /**
   * The one-sentence explanation, e.g. "Dudley, Life expectancy at birth, male (years) 2021 - 23: 78.6,
   * 0.6 below its trajectory to 79.5 by 2031 - 33 (amber, tolerance 0.5); projected 78.9 (78.1–79.7) in
   * 2031 - 33, 18% chance of reaching the target."
   */
  static String explain(Inputs in, TrajectorySpec spec, TrajectoryResult r) {
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

  private static String unit(IndicatorInfo info) {
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

  private static EvaluationRow row(Inputs in, TrajectorySpec spec, TrajectoryResult r,
      TrajectoryStatus status, String vsEngland, String vsRegion, String trend, String spcPoint,
      String spcAssurance, String explanation, ObjectNode verdicts) {
    Projection p = r == null ? null : r.projection();
    if (r != null) {
      ObjectNode tr = (ObjectNode) verdicts.get("trajectory");
      tr.put("status", r.status().name());
      tr.put("statusByTolerance", r.statusByTolerance().name());
      if (p != null) {
        ObjectNode pn = tr.putObject("projection");
        pn.put("t", p.t());
        pn.put("value", p.value());
        pn.put("lower", p.lower());
        pn.put("upper", p.upper());
        pn.put("standardError", p.standardError());
        pn.put("degreesOfFreedom", p.degreesOfFreedom());
        pn.put("probabilityOfMeeting", p.probabilityOfMeeting());
        pn.put("n", p.n());
        pn.put("method", p.weighted() ? "WLS" : "OLS");
        pn.put("slope", p.slope());
      }
    }
    Period period = r == null ? null : r.period();
    Integer revision = period == null || in.revisions() == null ? null : in.revisions().get(period.label());
    String verdictsJson = verdicts.toString();
    EvaluationRow row = new EvaluationRow(in.target().id(), in.seriesId(),
        period == null ? null : period.label(), period == null ? null : period.t(), revision,
        status.name(), r == null ? null : r.statusByTolerance().name(), r == null ? null : r.notSignificant(),
        r == null ? null : r.value(), r == null ? null : r.lowerCi95(), r == null ? null : r.upperCi95(),
        r == null ? null : r.expected(), r == null ? null : r.deviation(),
        r == null ? null : r.amberTolerance(), r == null ? null : r.redTolerance(),
        p == null ? null : p.value(), p == null ? null : p.lower(), p == null ? null : p.upper(),
        p == null ? null : p.probabilityOfMeeting(), vsEngland, vsRegion, trend, spcPoint, spcAssurance,
        null, null, null, null, spec == null ? null : spec.baselineValue(),
        spec == null ? null : spec.targetValue(), explanation, verdictsJson, null);
    return withFingerprint(row);
  }

  /** The row with its fingerprint: a digest of every computed column (not id, time or initial load). */
  static EvaluationRow withFingerprint(EvaluationRow r) {
    String canonical = String.join("|", Objects.toString(r.targetId()), Objects.toString(r.seriesId()),
        Objects.toString(r.period()), Objects.toString(r.observationRevision()), r.status(),
        Objects.toString(r.statusByTolerance()), Objects.toString(r.notSignificant()),
        Objects.toString(r.value()), Objects.toString(r.lowerCi95()), Objects.toString(r.upperCi95()),
        Objects.toString(r.expected()), Objects.toString(r.deviation()), Objects.toString(r.amberTolerance()),
        Objects.toString(r.redTolerance()), Objects.toString(r.projection()),
        Objects.toString(r.projectionLower()), Objects.toString(r.projectionUpper()),
        Objects.toString(r.probabilityOfMeeting()), Objects.toString(r.comparedToEngland()),
        Objects.toString(r.comparedToRegion()), Objects.toString(r.recentTrend()),
        Objects.toString(r.spcPointType()), Objects.toString(r.spcAssurance()),
        Objects.toString(r.gapAbsolute()), Objects.toString(r.gapRelative()), Objects.toString(r.sii()),
        Objects.toString(r.gapWidening()),
        Objects.toString(r.baselineValue()), Objects.toString(r.targetValue()), r.explanation(),
        r.verdictsJson());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      String fp = HexFormat.of().formatHex(digest);
      return new EvaluationRow(r.targetId(), r.seriesId(), r.period(), r.periodT(), r.observationRevision(),
          r.status(), r.statusByTolerance(), r.notSignificant(), r.value(), r.lowerCi95(), r.upperCi95(),
          r.expected(), r.deviation(), r.amberTolerance(), r.redTolerance(), r.projection(),
          r.projectionLower(), r.projectionUpper(), r.probabilityOfMeeting(), r.comparedToEngland(),
          r.comparedToRegion(), r.recentTrend(), r.spcPointType(), r.spcAssurance(), r.gapAbsolute(),
          r.gapRelative(), r.sii(), r.gapWidening(), r.baselineValue(), r.targetValue(), r.explanation(),
          r.verdictsJson(), fp);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static void putNumber(ObjectNode n, String field, Double v) {
    if (v == null || !Double.isFinite(v)) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }
}
