package io.fingerpost.strategy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fingerpost.config.Problems;
import io.fingerpost.engine.Tolerance;
import io.fingerpost.model.Period;
import io.fingerpost.strategy.TargetDefinition.Direction;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One target as a targets file writes it (after its file's defaults), bound by Jackson: every key and
 * the type of every value. Unknown keys and wrong types are found here; {@link TargetRules} checks
 * what needs several keys and makes the {@link TargetDefinition}. Keys are those of the README,
 * "Targets and trajectories".
 */
record TargetSpec(
    String id,
    String name,
    String indicator,
    String area,
    JsonNode places,
    String sex,
    String age,
    String categoryType,
    String category,
    String group,
    @JsonDeserialize(using = Years.class) Integer horizonYears,
    String team,
    Direction direction,
    BaselineSpec baseline,
    GoalSpec target,
    List<MilestoneSpec> milestones,
    ToleranceSpec tolerance,
    Boolean ciCountsAsOnTrack,
    SourceSpec source,
    String noData) {

  /** The top level of a targets file. */
  record FileSpec(Map<String, JsonNode> defaults, JsonNode places, List<JsonNode> targets) {}

  record BaselineSpec(Period period, Double value) {}

  /** {@code target:} a period and at most one of value, change, reach, band. */
  record GoalSpec(Period period, Double value, Percent change, ReachSpec reach, BandSpec band) {}

  record ReachSpec(String area, Period period, Double value) {}

  record BandSpec(Double lower, Double upper) {}

  record MilestoneSpec(Period period, Double value) {}

  record ToleranceSpec(Tolerance amber, Tolerance red) {}

  record SourceSpec(String document, String page, String url) {}

  /** A percentage as written ({@code -10%}). */
  record Percent(double value, String text) {}

  private static final Pattern PERCENT = Pattern.compile("\\s*([-+−]?\\d+(?:\\.\\d+)?)\\s*%\\s*");

  /** How a targets file writes periods, numbers, tolerances and percentages. */
  static SimpleModule module() {
    return new SimpleModule("fingerpost-targets")
        .addDeserializer(Period.class, new Scalar<>(Period.class, TargetSpec::period))
        .addDeserializer(Double.class, new Scalar<>(Double.class, TargetSpec::number))
        .addDeserializer(Tolerance.class, new Scalar<>(Tolerance.class, TargetSpec::tolerance))
        .addDeserializer(Percent.class, new Scalar<>(Percent.class, TargetSpec::percent));
  }

  private static Period period(JsonParser p) throws IOException {
    if (p.getText().isBlank()) {
      throw new IllegalArgumentException("missing (blank)");
    }
    return Period.parse(p.getText());
  }

  private static Double number(JsonParser p) throws IOException {
    if (!p.currentToken().isNumeric() || !Double.isFinite(p.getDoubleValue())) {
      throw new IllegalArgumentException("expected a number, got '" + p.getText() + "'");
    }
    return p.getDoubleValue();
  }

  private static Tolerance tolerance(JsonParser p) throws IOException {
    if (p.currentToken().isNumeric()) {
      double v = p.getDoubleValue();
      if (!(v >= 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("must be ≥ 0, got " + p.getText());
      }
      return Tolerance.units(v);
    }
    Matcher m = PERCENT.matcher(p.getText());
    if (p.currentToken() == JsonToken.VALUE_STRING && m.matches()) {
      double pct = Double.parseDouble(m.group(1).replace('−', '-'));
      if (pct < 0) {
        throw new IllegalArgumentException("must be ≥ 0, got " + p.getText());
      }
      return Tolerance.percent(pct);
    }
    throw new IllegalArgumentException("expected a number (units) or a percentage such as 10%, got '"
        + p.getText() + "'");
  }

  private static Percent percent(JsonParser p) throws IOException {
    Matcher m = PERCENT.matcher(p.getText());
    if (p.currentToken() != JsonToken.VALUE_STRING || !m.matches()) {
      throw new IllegalArgumentException("expected a percentage such as -10%, got '" + p.getText() + "'");
    }
    return new Percent(Double.parseDouble(m.group(1).replace('−', '-')), p.getText());
  }

  /** How one scalar is read; an {@link IllegalArgumentException}'s message is the problem. */
  @FunctionalInterface
  interface Read<T> {
    T read(JsonParser p) throws IOException;
  }

  /** A value written as one scalar (a list or mapping there is a mismatch). */
  static final class Scalar<T> extends StdScalarDeserializer<T> {
    private final transient Read<T> read;

    Scalar(Class<T> type, Read<T> read) {
      super(type);
      this.read = read;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        return (T) ctxt.handleUnexpectedToken(handledType(), p);
      }
      try {
        return read.read(p);
      } catch (IllegalArgumentException e) {
        return Problems.report(ctxt, p, e.getMessage());
      }
    }
  }

  /** {@code horizonYears}: a whole number of years above zero. */
  static final class Years extends StdScalarDeserializer<Integer> {
    Years() {
      super(Integer.class);
    }

    @Override
    public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
          && p.getIntValue() > 0) {
        return p.getIntValue();
      }
      String text = p.currentToken().isScalarValue() ? p.getText() : "a list or mapping";
      Problems.report(ctxt, p, "expected a whole number of years > 0, got '" + text + "'");
      p.skipChildren();
      return null;
    }
  }
}
