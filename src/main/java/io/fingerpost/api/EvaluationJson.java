package io.fingerpost.api;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetQueries;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The one mapping from targets and evaluations to the API's JSON (openapi.yaml, schemas {@code TargetState},
 * {@code Evaluation}). Verdicts appear as their label (e.g. {@code "comparedToEngland": "Worse"}, as always)
 * and their code ({@code "comparedToEnglandCode": "WORSE"}).
 */
final class EvaluationJson {

  /** The API status of a target without an evaluation whose series does not exist. */
  static final String NO_DATA = "NO_DATA";
  /** The API status of a target whose series exists but which the evaluator has not evaluated yet. */
  static final String PENDING = "PENDING";

  private EvaluationJson() {}

  /** A target with its current state ({@code TargetState}). */
  static JsonObject targetState(TargetQueries.TargetState s) {
    TargetQueries.StoredTarget t = s.target();
    JsonObject j = new JsonObject().put("id", t.id()).put("name", t.name()).put("indicatorId", t.indicatorId())
        .put("areaCode", t.areaCode()).put("sex", t.sex()).put("age", t.age())
        .put("categoryType", t.categoryType()).put("category", t.category()).put("group", t.group())
        .put("horizonYears", t.horizonYears()).put("team", t.team()).put("direction", t.direction())
        .put("form", t.form()).put("baselinePeriod", t.baselinePeriod()).put("baselineValue", t.baselineValue())
        .put("targetPeriod", t.targetPeriod()).put("targetValue", t.targetValue()).put("source", t.source())
        .put("file", t.file()).put("noData", t.noData()).put("warning", t.warning());
    if (t.placesPending() != null) {
      j.put("placesPending", t.placesPending()); // a childrenOf target listed before its places are stored
    }
    StoredEvaluation c = s.current();
    if (c == null) {
      return j.put("status", s.seriesExists() ? PENDING : NO_DATA);
    }
    Evaluation.Projection p = c.evaluation().projection();
    j.put("evaluationId", c.id());
    verdictFields(j, c);
    return j.put("projection", p.value() == null ? null : new JsonObject().put("period", t.targetPeriod())
        .put("value", p.value()).put("lower", p.lower()).put("upper", p.upper())
        .put("probabilityOfMeeting", p.probabilityOfMeeting()));
  }

  /** One evaluation ({@code Evaluation}), with its target's name when known. */
  static JsonObject evaluation(StoredEvaluation s, String targetName) {
    Evaluation e = s.evaluation();
    JsonObject j = new JsonObject().put("id", s.id()).put("targetId", e.targetId());
    if (targetName != null) {
      j.put("targetName", targetName);
    }
    j.put("seriesId", e.seriesId());
    verdictFields(j, s);
    return j.put("projection", e.projection().value()).put("projectionLower", e.projection().lower())
        .put("projectionUpper", e.projection().upper())
        .put("probabilityOfMeeting", e.projection().probabilityOfMeeting())
        .put("verdicts", e.details() == null ? null : new JsonObject(e.details()));
  }

  /** The fields every evaluation shape has: status, the value against its trajectory, verdicts, gap, sentence. */
  private static void verdictFields(JsonObject j, StoredEvaluation s) {
    Evaluation e = s.evaluation();
    Evaluation.Trajectory t = e.trajectory();
    Verdicts v = e.verdicts();
    j.put("period", e.period()).put("periodT", e.periodT()).put("observationRevision", e.observationRevision())
        .put("evaluatedAt", instant(s.evaluatedAt())).put("initialLoad", s.initialLoad())
        .put("status", t.status().name())
        .put("statusByTolerance", t.statusByTolerance() == null ? null : t.statusByTolerance().name())
        .put("notSignificant", t.notSignificant()).put("value", e.observed().value())
        .put("lowerCi95", e.observed().lowerCi95()).put("upperCi95", e.observed().upperCi95())
        .put("expected", t.expected()).put("deviation", t.deviation()).put("amberTolerance", t.amberTolerance())
        .put("redTolerance", t.redTolerance());
    verdict(j, "comparedToEngland", v.comparedToEngland());
    verdict(j, "comparedToRegion", v.comparedToRegion());
    verdict(j, "recentTrend", v.recentTrend());
    verdict(j, "spcPointType", v.spcPointType());
    verdict(j, "spcAssurance", v.spcAssurance());
    j.put("gapAbsolute", e.gap().absolute()).put("gapRelative", e.gap().relative()).put("sii", e.gap().sii())
        .put("gapWidening", e.gap().widening()).put("explanation", e.explanation());
  }

  private static void verdict(JsonObject j, String field, Verdict<?> v) {
    j.put(field, Verdict.label(v)).put(field + "Code", Verdict.name(v));
  }

  private static String instant(Instant t) {
    return t == null ? null : t.toString();
  }
}
