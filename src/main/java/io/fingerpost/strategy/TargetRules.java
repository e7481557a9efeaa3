package io.fingerpost.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fingerpost.config.Problems;
import io.fingerpost.engine.Tolerance;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.strategy.TargetDefinition.Baseline;
import io.fingerpost.strategy.TargetDefinition.Direction;
import io.fingerpost.strategy.TargetDefinition.Form;
import io.fingerpost.strategy.TargetDefinition.Goal;
import io.fingerpost.strategy.TargetDefinition.Milestone;
import io.fingerpost.strategy.TargetDefinition.Source;
import io.fingerpost.strategy.TargetSpec.GoalSpec;
import io.fingerpost.strategy.TargetSpec.MilestoneSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The rules of a target that need more than one key (required keys, one form of target, periods in
 * order, amber within red, …), applied to a bound {@link TargetSpec}. Every broken rule is added to the
 * target's problems; the definition is made only when there are none.
 */
final class TargetRules {

  private final Problems problems;
  private final String base;

  private TargetRules(Problems problems, String base) {
    this.problems = problems;
    this.base = base;
  }

  /**
   * The target's definition, or null when it has a problem (those found by binding are already in
   * {@code problems}; the rules add theirs).
   *
   * @param base the target's JSON pointer in its file ({@code /targets/3})
   */
  static TargetDefinition check(TargetSpec s, String file, String definitionJson, Problems problems, String base) {
    TargetRules r = new TargetRules(problems, base);
    String id = s.id();
    if (id == null || id.isBlank()) {
      r.add("/id", "missing: every target needs a unique id");
    } else if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      r.add("/id", "'" + id + "' may hold only letters, digits, '.', '_' and '-' (it appears in URLs)");
    }
    r.text("/indicator", s.indicator());
    Places places = r.places(s.places());
    if (s.places() == null || s.places().isNull() || s.area() != null) {
      r.text("/area", s.area());
    }
    if (s.area() != null && s.places() != null && !s.places().isNull()) {
      r.add("/places", "give area (one place) or places, not both");
    }
    r.required("/direction", s.direction());
    Baseline baseline = r.baseline(s);
    Goal goal = r.goal(s, baseline);
    List<Milestone> milestones = r.milestones(s.milestones(), goal, baseline);
    Tolerance amber = null;
    Tolerance red = null;
    if (r.required("/tolerance", s.tolerance())) {
      amber = s.tolerance().amber();
      red = s.tolerance().red();
      r.required("/tolerance/amber", amber);
      r.required("/tolerance/red", red);
      if (amber != null && red != null) {
        if (amber.percent() != red.percent()) {
          r.add("/tolerance", "amber and red must both be units or both be percentages");
        } else if (amber.amount() > red.amount()) {
          r.add("/tolerance/amber", "amber (" + amber + ") is wider than red (" + red + ")");
        }
      }
    }
    if (problems.at(base)) {
      return null;
    }
    Source source = s.source() == null ? null
        : new Source(s.source().document(), s.source().page(), s.source().url());
    // a target with places is written for them all: its own series is its first place's (or the parent's
    // while the children are unknown); Places.expand makes the one target per place that is evaluated
    String area = places == null ? s.area() : places.fromAreas() ? places.childrenOf() : places.codes().get(0);
    return new TargetDefinition(id, s.name() != null ? s.name() : id, file,
        new SeriesKey(s.indicator(), area, s.sex(), s.age(), s.categoryType(), s.category()), s.group(),
        s.horizonYears(), s.team(), s.direction(), baseline, goal, milestones, amber, red,
        s.ciCountsAsOnTrack() == null || s.ciCountsAsOnTrack(), source, s.noData(), definitionJson, places);
  }

  private static final String AREA_CODE = "[A-Za-z0-9][A-Za-z0-9._-]*";
  private static final String PLACES_FORMS =
      "a list of area codes, or {childrenOf: <area code>, type: <area type>} (type optional)";

  /**
   * {@code places:} a list of area codes, or the children of an area: {@code {childrenOf: E12000005, type:
   * UA}}; the words {@code children of} are accepted for {@code childrenOf}. Null when not given.
   */
  private Places places(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isArray()) {
      LinkedHashSet<String> codes = new LinkedHashSet<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode c = node.get(i);
        if (!c.isTextual() || !c.asText().trim().matches(AREA_CODE)) {
          add("/places/" + i, "expected an area code (letters and digits), got '" + c + "'");
        } else if (!codes.add(c.asText().trim())) {
          add("/places/" + i, "'" + c.asText() + "' is listed twice");
        }
      }
      if (node.isEmpty()) {
        add("/places", "an empty list: expected " + PLACES_FORMS);
      }
      return problems.at(base + "/places") ? null : new Places(List.copyOf(codes), null, null);
    }
    if (!node.isObject()) {
      add("/places", "expected " + PLACES_FORMS + ", got '" + node.asText() + "'");
      return null;
    }
    String parent = null;
    String type = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      boolean text = e.getValue().isValueNode() && !e.getValue().isNull() && !e.getValue().asText().isBlank();
      if (key.equals("childrenOf") || key.equals("children of")) {
        if (parent != null) {
          add("/places/" + key, "give childrenOf once");
        } else if (!text || !e.getValue().asText().trim().matches(AREA_CODE)) {
          add("/places/" + key, "expected the parent's area code, got '" + e.getValue() + "'");
        } else {
          parent = e.getValue().asText().trim();
        }
      } else if (key.equals("type")) {
        if (!text) {
          add("/places/type", "expected an area type as the feeds store it (e.g. UA), got '" + e.getValue() + "'");
        } else {
          type = e.getValue().asText().trim();
        }
      } else {
        add("/places/" + key, "unknown key (known keys: childrenOf, type)");
      }
    }
    if (parent == null && !problems.at(base + "/places")) {
      add("/places/childrenOf", "missing: expected " + PLACES_FORMS);
    }
    return problems.at(base + "/places") ? null : new Places(List.of(), parent, type);
  }

  private Baseline baseline(TargetSpec s) {
    if (!required("/baseline", s.baseline()) || !required("/baseline/period", s.baseline().period())) {
      return null;
    }
    return new Baseline(s.baseline().period(), s.baseline().value());
  }

  private Goal goal(TargetSpec s, Baseline baseline) {
    GoalSpec g = s.target();
    if (!required("/target", g)) {
      return null;
    }
    Period period = g.period();
    required("/target/period", period);
    List<String> forms = new ArrayList<>();
    if (g.value() != null || problems.at(base + "/target/value")) {
      forms.add("value");
    }
    if (g.change() != null || problems.at(base + "/target/change")) {
      forms.add("change");
    }
    if (g.reach() != null || problems.at(base + "/target/reach")) {
      forms.add("reach");
    }
    if (g.band() != null || problems.at(base + "/target/band")) {
      forms.add("band");
    }
    if (forms.size() > 1) {
      add("/target", "give one of value, change, reach, band; got " + String.join(" and ", forms));
      return null;
    }
    String form = forms.isEmpty() ? null : forms.get(0);
    boolean formRejected = form != null && problems.at(base + "/target/" + form);
    Direction direction = s.direction();
    if (direction == Direction.WITHIN && !"band".equals(form)) {
      add("/target/band", "direction 'within' needs target.band: {lower, upper}");
    }
    if ("band".equals(form) && direction != null && direction != Direction.WITHIN) {
      add("/target/band", "a band needs direction 'within', not '" + direction.yaml() + "'");
    }
    if (period != null && baseline != null && !(baseline.period().t() < period.t())) {
      add("/baseline/period", "the baseline period '" + baseline.period().label()
          + "' is not before the target period '" + period.label() + "'");
    }
    if (period == null || formRejected) {
      return null;
    }
    if (form == null) {
      return new Goal(Form.DIRECTION_ONLY, period, null, null, null, null, null, null, null);
    }
    switch (form) {
      case "value":
        return new Goal(Form.ABSOLUTE, period, g.value(), null, null, null, null, null, null);
      case "change":
        if (g.change().value() <= -100) {
          add("/target/change", "a change of " + g.change().text() + " leaves nothing");
        }
        return new Goal(Form.RELATIVE, period, null, g.change().value(), null, null, null, null, null);
      case "reach":
        text("/target/reach/area", g.reach().area());
        Period at = g.reach().period() != null ? g.reach().period() : baseline != null ? baseline.period() : null;
        return new Goal(Form.BENCHMARK, period, null, null, g.reach().area(), at, g.reach().value(), null, null);
      default:
        Double lo = g.band().lower();
        Double hi = g.band().upper();
        required("/target/band/lower", lo);
        required("/target/band/upper", hi);
        if (lo != null && hi != null && lo > hi) {
          add("/target/band", "lower (" + lo + ") is above upper (" + hi + ")");
        }
        return new Goal(Form.BAND, period, null, null, null, null, null, lo, hi);
    }
  }

  private List<Milestone> milestones(List<MilestoneSpec> ms, Goal goal, Baseline baseline) {
    if (ms == null) {
      return List.of();
    }
    if (goal != null && (goal.form() == Form.DIRECTION_ONLY || goal.form() == Form.BAND)) {
      add("/milestones", "milestones need a target value (not a direction-only or band target)");
    }
    List<Milestone> result = new ArrayList<>();
    double previous = baseline != null ? baseline.period().t() : Double.NEGATIVE_INFINITY;
    for (int i = 0; i < ms.size(); i++) {
      String at = "/milestones/" + i;
      MilestoneSpec m = ms.get(i);
      if (!required(at, m) || !required(at + "/period", m.period()) | !required(at + "/value", m.value())) {
        continue;
      }
      Period period = m.period();
      if (!(period.t() > previous)) {
        add(at + "/period", "'" + period.label() + "' must come after the baseline and the previous milestone");
      }
      if (goal != null && goal.period() != null && !(period.t() < goal.period().t())) {
        add(at + "/period", "'" + period.label() + "' must come before the target period '"
            + goal.period().label() + "'");
      }
      previous = period.t();
      result.add(new Milestone(period, m.value()));
    }
    return List.copyOf(result);
  }

  /** A required text: "missing" when absent, "missing (blank)" when blank. */
  private void text(String at, String value) {
    if (required(at, value) && value.isBlank()) {
      add(at, "missing (blank)");
    }
  }

  /**
   * Whether a required value is there; "missing" is added only when binding found nothing wrong at
   * that key (a value it rejected is already reported).
   */
  private boolean required(String at, Object value) {
    if (value != null) {
      return true;
    }
    if (!problems.at(base + at)) {
      add(at, "missing");
    }
    return false;
  }

  private void add(String at, String reason) {
    problems.add(base + at, reason);
  }
}
