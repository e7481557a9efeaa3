package io.fingerpost.strategy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code target} object the {@code evaluate} command adds to a series that a target (from
 * {@code --targets FILE}) holds to account: expected value, status, projection and probability, computed
 * exactly as the service does ({@link TargetEvaluation}) on the series read from the input file.
 */
public final class TargetAnnotation {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private TargetAnnotation() {}

  /**
   * The target object for a series, or empty when no target names it (the first matching target when
   * several do).
   *
   * @param key the series
   * @param all every series read (for benchmark values: England, a reach-the-benchmark area)
   * @param targets the targets
   */
  public static Optional<ObjectNode> forSeries(SeriesKey key, Map<SeriesKey, List<Observation>> all,
      List<TargetDefinition> targets) {
    for (TargetDefinition t : targets) {
      if (!t.series().equals(key)) {
        continue;
      }
      String bench = t.goal().benchmarkArea();
      TargetEvaluation.Inputs in = new TargetEvaluation.Inputs(t, null, null, null,
          all.getOrDefault(key, List.of()), Map.of(), all.getOrDefault(key.inArea(TargetStore.ENGLAND), List.of()),
          List.of(), bench == null ? List.of() : all.getOrDefault(key.inArea(bench), List.of()));
      return Optional.of(toJson(t, TargetEvaluation.evaluate(in)));
    }
    return Optional.empty();
  }

  static ObjectNode toJson(TargetDefinition t, Evaluation e) {
    Evaluation.Trajectory r = e.trajectory();
    Evaluation.Projection p = e.projection();
    ObjectNode o = JSON.createObjectNode();
    o.put("id", t.id());
    o.put("name", t.name());
    o.put("status", r.status().name());
    o.put("statusByTolerance", r.statusByTolerance() == null ? null : r.statusByTolerance().name());
    if (r.notSignificant() == null) {
      o.putNull("notSignificant");
    } else {
      o.put("notSignificant", r.notSignificant());
    }
    o.put("period", e.period());
    number(o, "value", e.observed().value());
    number(o, "expected", r.expected());
    number(o, "deviation", r.deviation());
    number(o, "amberTolerance", r.amberTolerance());
    number(o, "redTolerance", r.redTolerance());
    o.put("baselinePeriod", t.baseline().period().label());
    number(o, "baselineValue", r.baselineValue());
    o.put("targetPeriod", t.goal().period().label());
    number(o, "targetValue", r.targetValue());
    if (p.value() == null) {
      o.putNull("projection");
    } else {
      ObjectNode pn = o.putObject("projection");
      pn.put("period", t.goal().period().label());
      number(pn, "value", p.value());
      number(pn, "lower", p.lower());
      number(pn, "upper", p.upper());
      number(pn, "probabilityOfMeeting", p.probabilityOfMeeting());
    }
    number(o, "probabilityOfMeeting", p.probabilityOfMeeting());
    o.put("explanation", e.explanation());
    return o;
  }

  private static void number(ObjectNode o, String field, Double v) {
    if (v == null || !Double.isFinite(v)) {
      o.putNull(field);
    } else {
      o.put(field, v);
    }
  }
}
