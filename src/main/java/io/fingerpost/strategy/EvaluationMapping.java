package io.fingerpost.strategy;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one mapping between {@link Evaluation} and the {@code evaluation} table (and the
 * {@code current_evaluation} view, which has the same columns). A new field is one record component, one
 * line in {@link #columns} and one in {@link #evaluation(Row)}; the insert statement and the fingerprint
 * follow from {@link #columns}.
 *
 * <p>Verdicts are stored twice: the code ({@code *_code}, the enum's name; what programs read) and the label
 * (the text column the dashboards show).
 */
public final class EvaluationMapping {

  private EvaluationMapping() {}

  /** The computed columns of an evaluation, by column name (everything but id, evaluated_at, initial_load). */
  static Map<String, Object> columns(Evaluation e) {
    Evaluation.Trajectory t = e.trajectory();
    Verdicts v = e.verdicts();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("target_id", e.targetId());
    c.put("series_id", e.seriesId());
    c.put("period", e.period());
    c.put("period_t", e.periodT());
    c.put("observation_revision", e.observationRevision() == null ? 0 : e.observationRevision());
    c.put("status", t.status() == null ? null : t.status().name());
    c.put("status_by_tolerance", t.statusByTolerance() == null ? null : t.statusByTolerance().name());
    c.put("not_significant", t.notSignificant());
    c.put("expected", t.expected());
    c.put("deviation", t.deviation());
    c.put("amber_tolerance", t.amberTolerance());
    c.put("red_tolerance", t.redTolerance());
    c.put("baseline_value", t.baselineValue());
    c.put("target_value", t.targetValue());
    c.put("value", e.observed().value());
    c.put("lower_ci95", e.observed().lowerCi95());
    c.put("upper_ci95", e.observed().upperCi95());
    c.put("projection", e.projection().value());
    c.put("projection_lower", e.projection().lower());
    c.put("projection_upper", e.projection().upper());
    c.put("probability_of_meeting", e.projection().probabilityOfMeeting());
    c.put("compared_to_england", Verdict.label(v.comparedToEngland()));
    c.put("compared_to_england_code", Verdict.name(v.comparedToEngland()));
    c.put("compared_to_region", Verdict.label(v.comparedToRegion()));
    c.put("compared_to_region_code", Verdict.name(v.comparedToRegion()));
    c.put("recent_trend", Verdict.label(v.recentTrend()));
    c.put("recent_trend_code", Verdict.name(v.recentTrend()));
    c.put("spc_point_type", Verdict.label(v.spcPointType()));
    c.put("spc_point_type_code", Verdict.name(v.spcPointType()));
    c.put("spc_assurance", Verdict.label(v.spcAssurance()));
    c.put("spc_assurance_code", Verdict.name(v.spcAssurance()));
    c.put("gap_absolute", e.gap().absolute());
    c.put("gap_relative", e.gap().relative());
    c.put("sii", e.gap().sii());
    c.put("gap_widening", e.gap().widening());
    c.put("explanation", e.explanation());
    c.put("verdicts", e.details());
    c.put("fingerprint", e.fingerprint());
    return c;
  }

  /** Reads the evaluation columns of a row of {@code evaluation} or {@code current_evaluation}. */
  public static Evaluation evaluation(Row r) {
    return new Evaluation(r.getString("target_id"), r.getLong("series_id"), r.getString("period"),
        r.getDouble("period_t"), r.getInteger("observation_revision"),
        new Evaluation.Trajectory(status(r.getString("status")), status(r.getString("status_by_tolerance")),
            r.getBoolean("not_significant"), r.getDouble("expected"), r.getDouble("deviation"),
            r.getDouble("amber_tolerance"), r.getDouble("red_tolerance"), r.getDouble("baseline_value"),
            r.getDouble("target_value")),
        new Evaluation.Observed(r.getDouble("value"), r.getDouble("lower_ci95"), r.getDouble("upper_ci95")),
        new Verdicts(
            Verdicts.read(Verdicts.Comparison.class, r.getString("compared_to_england_code"),
                r.getString("compared_to_england")),
            Verdicts.read(Verdicts.Comparison.class, r.getString("compared_to_region_code"),
                r.getString("compared_to_region")),
            Verdicts.read(Verdicts.Trend.class, r.getString("recent_trend_code"), r.getString("recent_trend")),
            Verdicts.read(Verdicts.SpcPoint.class, r.getString("spc_point_type_code"),
                r.getString("spc_point_type")),
            Verdicts.read(Verdicts.Assurance.class, r.getString("spc_assurance_code"),
                r.getString("spc_assurance"))),
        new Evaluation.Gap(r.getDouble("gap_absolute"), r.getDouble("gap_relative"), r.getDouble("sii"),
            r.getBoolean("gap_widening")),
        new Evaluation.Projection(r.getDouble("projection"), r.getDouble("projection_lower"),
            r.getDouble("projection_upper"), r.getDouble("probability_of_meeting")),
        r.getString("explanation"), json(r.getValue("verdicts")), r.getString("fingerprint"));
  }

  /**
   * Reads a stored evaluation (columns {@code id}, {@code evaluated_at}, {@code initial_load} besides the
   * computed ones; {@code previous_status}/{@code previous_period} when the row comes from
   * {@code current_evaluation}).
   */
  public static StoredEvaluation stored(Row r) {
    boolean current = r.getColumnIndex("previous_status") >= 0;
    var at = r.getOffsetDateTime("evaluated_at");
    return new StoredEvaluation(r.getLong("id"), at == null ? null : at.toInstant(),
        Boolean.TRUE.equals(r.getBoolean("initial_load")), evaluation(r),
        current ? status(r.getString("previous_status")) : null,
        current ? r.getString("previous_period") : null);
  }

  /** The statement that inserts an evaluation, with named parameters ({@code SqlTemplate}) for {@link #parameters}. */
  static final String INSERT;

  static {
    Map<String, Object> names = columns(new Evaluation(null, null, null, null, null, null, null, null, null, null,
        null, null, null));
    names.put("initial_load", null);
    // evaluated_at is the insert's own time, not the transaction's: a transaction writing several targets'
    // evaluations gives them times in their order (a report's since=<evaluation id> reads evaluated_at)
    INSERT = "INSERT INTO evaluation (evaluated_at, " + String.join(", ", names.keySet())
        + ") VALUES (clock_timestamp(), "
        + String.join(", ", names.keySet().stream().map(k -> "#{" + k + "}").toList()) + ") RETURNING id";
  }

  /** The parameters of {@link #INSERT}. */
  static Map<String, Object> parameters(Evaluation e, boolean initialLoad) {
    Map<String, Object> p = columns(e);
    p.put("verdicts", e.details() == null ? null : new JsonObject(e.details()));
    p.put("initial_load", initialLoad);
    return p;
  }

  /** The evaluation with its fingerprint: SHA-256 of every computed column, by name (not id, time, initial load). */
  static Evaluation withFingerprint(Evaluation e) {
    Map<String, Object> sorted = new TreeMap<>(columns(e));
    sorted.remove("fingerprint");
    StringBuilder canonical = new StringBuilder();
    sorted.forEach((k, v) -> canonical.append(k).append('=').append(Objects.toString(v)).append('\u001f'));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return e.withFingerprint(HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is part of every JVM", ex);
    }
  }

  private static TargetStatus status(String s) {
    return s == null ? null : TargetStatus.valueOf(s);
  }

  private static String json(Object v) {
    if (v == null) {
      return null;
    }
    return v instanceof JsonObject o ? o.encode() : v.toString();
  }
}
