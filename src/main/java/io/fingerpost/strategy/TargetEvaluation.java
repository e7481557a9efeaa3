package io.fingerpost.strategy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fingerpost.engine.BenchmarkComparison;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one target on its data: the trajectory (expected value, deviation, status, projection; see
 * {@link Trajectory}) and the engine's other verdicts for the same series (comparison with England and
 * with the region at the latest period, Fingertips recent trend, SPC point type and assurance against the
 * target), the inequality gap and SII where the series has a deprivation breakdown
 * ({@link InequalityEvaluation}), with a one-sentence explanation ({@link EvaluationText}). Verdicts become
 * their codes here ({@link Verdicts}). Pure: no I/O, no Vert.x; the evaluator verticle feeds it.
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

  /** The evaluation of one target on its inputs, with its fingerprint. */
  public static Evaluation evaluate(Inputs in) {
    TargetDefinition t = in.target();
    TargetResolver.Resolved resolved = TargetResolver.resolve(t, (key, label) -> {
      List<Observation> source = key.equals(t.series()) ? in.observations() : in.benchmark();
      return valueAt(source, label);
    });
    ObjectNode details = JSON.createObjectNode();
    if (resolved.spec() == null) {
      details.put("problem", resolved.problem());
      String explanation = EvaluationText.subject(in) + ": cannot be evaluated yet: " + resolved.problem() + ".";
      return build(in, null, null, Verdicts.NONE, Evaluation.Gap.NONE, explanation, details);
    }
    TrajectorySpec spec = resolved.spec();
    Trajectory trajectory = new Trajectory(spec);
    TrajectoryResult r = trajectory.evaluate(in.observations());
    ObjectNode tr = details.putObject("trajectory");
    tr.put("form", t.goal().form().name());
    tr.put("baselineT", spec.baselineT());
    tr.put("targetT", spec.targetT());
    putNumber(tr, "baselineValue", spec.baselineValue());
    putNumber(tr, "targetValue", spec.targetValue());
    tr.put("amber", t.amber().toString());
    tr.put("red", t.red().toString());
    tr.put("ciCountsAsOnTrack", spec.ciCountsAsOnTrack());
    if (r.status() == TrajectoryStatus.NOT_ENOUGH_DATA) {
      String explanation = EvaluationText.subject(in) + ": no value from the baseline period "
          + t.baseline().period().label() + " on, so it cannot be held against its trajectory yet.";
      return build(in, spec, r, Verdicts.NONE, Evaluation.Gap.NONE, explanation, details);
    }
    if (r.period().label().equals(t.baseline().period().label())) {
      // The baseline period's own value is where the trajectory starts, not progress along it (e.g. a
      // strategy's printed baseline, fed as a source of its own): nothing to hold against it yet.
      tr.put("status", TargetStatus.NOT_ENOUGH_DATA.name());
      tr.put("onlyBaselinePeriod", true);
      String explanation = EvaluationText.subject(in) + ": only the baseline period "
          + t.baseline().period().label() + " so far, so it cannot be held against its trajectory yet.";
      return build(in, spec, null, Verdicts.NONE, Evaluation.Gap.NONE, explanation, details);
    }
    Polarity polarity = polarity(in.indicator(), spec);
    Observation latest = in.observations().stream()
        .filter(o -> o.period().label().equals(r.period().label())).findFirst().orElseThrow();
    Verdict<Verdicts.Comparison> vsEngland = compare(latest, in.england(), polarity, details, "comparedToEngland");
    Verdict<Verdicts.Comparison> vsRegion = compare(latest, in.region(), polarity, details, "comparedToRegion");
    Verdict<Verdicts.Trend> trend = recentTrend(in, polarity, details);
    Spc.Result spc = spc(in.observations(), spec, details);
    Verdicts verdicts = new Verdicts(vsEngland, vsRegion, trend,
        spc == null ? null : Verdict.of(Verdicts.SpcPoint.of(spc.latest().pointType())),
        spc == null || spc.assurance() == null ? null : Verdict.of(Verdicts.Assurance.of(spc.assurance())));
    Evaluation.Gap gap = InequalityEvaluation.evaluate(in.deprivation(), r.period().label(), details);
    return build(in, spec, r, verdicts, gap, EvaluationText.explain(in, spec, r), details);
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

  private static Verdict<Verdicts.Comparison> compare(Observation latest, List<Observation> benchmark,
      Polarity polarity, ObjectNode verdicts, String field) {
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
    return Verdict.of(Verdicts.Comparison.of(outcome));
  }

  private static Verdict<Verdicts.Trend> recentTrend(Inputs in, Polarity polarity, ObjectNode verdicts) {
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
    Verdict<Verdicts.Trend> trend = Verdict.of(Verdicts.Trend.of(r.marker(), polarity));
    if (!trend.label().equals(r.label())) {
      throw new IllegalStateException("recent trend '" + r.label() + "' has no code");
    }
    return trend;
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

  private static Evaluation build(Inputs in, TrajectorySpec spec, TrajectoryResult r, Verdicts verdicts,
      Evaluation.Gap gap, String explanation, ObjectNode details) {
    Projection p = r == null ? null : r.projection();
    if (r != null) {
      ObjectNode tr = (ObjectNode) details.get("trajectory");
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
    Double baseline = spec == null ? null : spec.baselineValue();
    Double goal = spec == null ? null : spec.targetValue();
    Evaluation.Trajectory trajectory = r == null
        ? new Evaluation.Trajectory(TargetStatus.NOT_ENOUGH_DATA, null, null, null, null, null, null, baseline, goal)
        : new Evaluation.Trajectory(TargetStatus.of(r.status()), TargetStatus.of(r.statusByTolerance()),
            r.notSignificant(), r.expected(), r.deviation(), r.amberTolerance(), r.redTolerance(), baseline, goal);
    Evaluation.Observed observed = r == null ? Evaluation.Observed.NONE
        : new Evaluation.Observed(r.value(), r.lowerCi95(), r.upperCi95());
    Evaluation.Projection projection = p == null ? Evaluation.Projection.NONE
        : new Evaluation.Projection(p.value(), p.lower(), p.upper(), p.probabilityOfMeeting());
    return EvaluationMapping.withFingerprint(new Evaluation(in.target().id(), in.seriesId(),
        period == null ? null : period.label(), period == null ? null : period.t(), revision, trajectory, observed,
        verdicts, gap, projection, explanation, details.toString(), null));
  }

  static void putNumber(ObjectNode n, String field, Double v) {
    if (v == null || !Double.isFinite(v)) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }
}
