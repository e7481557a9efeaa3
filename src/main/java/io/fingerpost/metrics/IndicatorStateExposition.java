package io.fingerpost.metrics;

import io.fingerpost.meters.RenderedState;
import io.fingerpost.strategy.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Renders the indicator-state metrics (one sample set per monitored series and target) in the Prometheus
 * text exposition format 0.0.4. Names, labels and codes are documented in docs/metrics.md.
 *
 * <p>Lean labels, as the Prometheus convention for descriptive labels has it ("info" metrics): every value
 * sample carries only the labels that identify its series ({@link #IDENTIFYING}: the target, its indicator,
 * area and breakdown); the names, strategy group, horizon, team, unit, direction and period sit once per target
 * in {@code fingerpost_target_info} ({@link #DESCRIPTIVE}), which queries join with
 * {@code * on (target_id) group_left (...)}. A label whose value is empty is left out: Prometheus reads an
 * empty label value as no label, so the series are the same and the text shorter.
 *
 * <p>States are rendered by segment ({@link #segment}): a gzip member per metric family per segment, so that a
 * refresh re-renders only the segments holding targets whose evaluation changed and {@link #assemble} puts the
 * members in exposition order (each family's samples together, after its HELP and TYPE). The format is
 * written here rather than through the Prometheus client's writer because the identifying label block is
 * escaped once per state and reused by every family. Escaping follows the format: backslash, double quote and
 * line feed in label values; backslash and line feed in help text.
 */
public final class IndicatorStateExposition {

  /** Labels on every value sample, in this order (empty ones left out). */
  public static final List<String> IDENTIFYING = List.of(
      "target_id", "indicator_id", "area_code", "sex", "age", "category_type", "category");

  /** Labels that {@code fingerpost_target_info} adds to the identifying ones, in this order. */
  public static final List<String> DESCRIPTIVE = List.of(
      "target_name", "group", "horizon_years", "team", "indicator_name", "area_name", "unit", "direction", "period");

  /** Writes one state's samples of a family after the state's label block; returns how many. */
  private interface Lines {
    int write(IndicatorState s, String block, StringBuilder out);
  }

  private record Family(String name, String help, Lines lines) {}

  private record Gauge(String name, String help, Function<IndicatorState, Double> value) {}

  private static final List<Gauge> SERIES_GAUGES = List.of(
      new Gauge("fingerpost_indicator_value", "Latest published value of the series (in the indicator's unit).", s -> s.evaluation().observed().value()),
      new Gauge("fingerpost_indicator_value_lower_ci95", "Lower 95% confidence limit of the latest value.", s -> s.evaluation().observed().lowerCi95()),
      new Gauge("fingerpost_indicator_value_upper_ci95", "Upper 95% confidence limit of the latest value.", s -> s.evaluation().observed().upperCi95()),
      new Gauge("fingerpost_indicator_period_year", "Time of the latest period as a fractional calendar year (midpoint, e.g. 2020.5).", s -> s.evaluation().periodT()),
      new Gauge("fingerpost_indicator_gap_absolute", "Inequality gap between most and least deprived (absolute, in the indicator's unit).", s -> s.evaluation().gap().absolute()),
      new Gauge("fingerpost_indicator_gap_relative", "Inequality gap between most and least deprived (ratio).", s -> s.evaluation().gap().relative()),
      new Gauge("fingerpost_indicator_sii", "Slope index of inequality across the deprivation breakdown.", s -> s.evaluation().gap().sii()),
      new Gauge("fingerpost_indicator_gap_widening", "1 when the inequality gap widened significantly, else 0.", s -> bool(s.evaluation().gap().widening())));

  private static final List<Gauge> TARGET_GAUGES = List.of(
      new Gauge("fingerpost_target_status_code", "Target status: 0 not enough data, 1 on track, 2 at risk (amber), 3 off track (red).", s -> StateCodes.status(s.evaluation().status())),
      new Gauge("fingerpost_target_previous_status_code", "Target status at the previous period (same codes as fingerpost_target_status_code).", s -> StateCodes.status(s.previousStatus())),
      new Gauge("fingerpost_target_not_significant", "1 when the value is off its trajectory but not significantly (expected value inside the 95% CI).", s -> bool(s.evaluation().trajectory().notSignificant())),
      new Gauge("fingerpost_target_expected_value", "Value expected on the trajectory at the latest period.", s -> s.evaluation().trajectory().expected()),
      new Gauge("fingerpost_target_deviation", "Deviation from the trajectory in the direction that matters (>= 0: at or ahead).", s -> s.evaluation().trajectory().deviation()),
      new Gauge("fingerpost_target_projected_value", "Projection of the series to the target period.", s -> s.evaluation().projection().value()),
      new Gauge("fingerpost_target_projected_value_lower", "Lower limit of the 95% prediction interval of the projection.", s -> s.evaluation().projection().lower()),
      new Gauge("fingerpost_target_projected_value_upper", "Upper limit of the 95% prediction interval of the projection.", s -> s.evaluation().projection().upper()),
      new Gauge("fingerpost_target_probability_of_meeting_ratio", "Probability (0-1) that the projection meets the target.", s -> s.evaluation().projection().probabilityOfMeeting()),
      new Gauge("fingerpost_target_evaluated_timestamp_seconds", "When the latest evaluation was made (Unix time).",
          s -> s.evaluatedAt() == null ? null : s.evaluatedAt().toEpochMilli() / 1000.0));

  /** One sample of a categorical family: its extra label values (the verdict's label last) and its code. */
  private record Sample(String[] labels, Double code) {}

  private record Categorical(String name, String help, String[] labels, Function<IndicatorState, List<Sample>> samples) {}

  /** A verdict as a sample: labelled with its label (what people read), valued by its code's number. */
  private static <E extends Enum<E> & Verdict.Coded> List<Sample> sample(Verdict<E> v, Function<E, Double> code,
      String... labels) {
    if (v == null) return List.of();
    String[] values = Arrays.copyOf(labels, labels.length + 1);
    values[labels.length] = v.label();
    return List.of(new Sample(values, code.apply(v.code())));
  }

  private static final List<Categorical> CATEGORICAL = List.of(
      new Categorical("fingerpost_indicator_benchmark_comparison",
          "Comparison with a benchmark (label benchmark: england or region; label comparison: the verdict): "
              + "2 best, 1 better, 0 similar/higher/lower, -1 worse, -2 worst.",
          new String[] {"benchmark", "comparison"},
          s -> concat(sample(s.evaluation().verdicts().comparedToEngland(), StateCodes::comparison, "england"),
              sample(s.evaluation().verdicts().comparedToRegion(), StateCodes::comparison, "region"))),
      new Categorical("fingerpost_indicator_recent_trend",
          "Recent trend (label trend: the verdict): 1 getting better, 0 no significant change, -1 getting worse.",
          new String[] {"trend"}, s -> sample(s.evaluation().verdicts().recentTrend(), StateCodes::trend)),
      new Categorical("fingerpost_indicator_spc_point_type",
          "SPC point type of the latest point (label point_type): 1 special cause improvement, 0 common cause or neither, -1 special cause concern.",
          new String[] {"point_type"}, s -> sample(s.evaluation().verdicts().spcPointType(), StateCodes::spcPoint)),
      new Categorical("fingerpost_indicator_spc_assurance",
          "SPC assurance against the target (label assurance): 1 consistently passes, 0 hit and miss, -1 consistently fails.",
          new String[] {"assurance"}, s -> sample(s.evaluation().verdicts().spcAssurance(), StateCodes::spcAssurance)));

  private static List<Sample> concat(List<Sample> a, List<Sample> b) {
    List<Sample> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private IndicatorStateExposition() {}

  private static final List<Family> FAMILIES = families();

  private static List<Family> families() {
    List<Family> f = new ArrayList<>();
    for (Gauge g : SERIES_GAUGES) f.add(gauge(g));
    for (Categorical c : CATEGORICAL) f.add(new Family(c.name(), c.help(), (s, block, out) -> categorical(c, s, block, out)));
    for (Gauge g : TARGET_GAUGES) f.add(gauge(g));
    f.add(new Family("fingerpost_target_status", "Target status one-hot: 1 for the current status (label status: "
        + "NOT_ENOUGH_DATA, ON_TRACK, AT_RISK, OFF_TRACK), 0 for the others.", IndicatorStateExposition::statusOneHot));
    f.add(new Family("fingerpost_target_info", "Descriptive labels of a target (names, group, horizon, team, unit, "
        + "direction, latest period): always 1; join with * on (target_id) group_left (...).", IndicatorStateExposition::info));
    return List.copyOf(f);
  }

  /** HELP and TYPE of each family, as gzip members, compressed once. */
  private static final byte[][] HEADERS = FAMILIES.stream()
      .map(f -> GzipMember.of(("# HELP " + f.name() + " " + f.help().replace("\\", "\\\\").replace("\n", "\\n")
          + "\n# TYPE " + f.name() + " gauge\n").getBytes(StandardCharsets.UTF_8)))
      .toArray(byte[][]::new);

  /**
   * One segment's states rendered: per family, a gzip member of its samples (null when it has none), the
   * uncompressed size and the counts.
   */
  record Segment(byte[][] parts, long textBytes, int states, int samples) {
    static final Segment EMPTY = new Segment(new byte[FAMILIES.size()][], 0, 0, 0);
  }

  /** The block for no states: what {@code /metrics} shows before the first refresh. */
  public static final RenderedState EMPTY = assemble(List.of());

  /** All states as one segment (tests and the benchmark; the service renders by segment). */
  public static RenderedState render(Collection<IndicatorState> states) {
    List<IndicatorState> rows = new ArrayList<>(states);
    rows.sort(Comparator.comparing(IndicatorState::key));
    return assemble(List.of(segment(rows)));
  }

  /** Renders the given states (in the order given) into one gzip member per family. */
  static Segment segment(List<IndicatorState> states) {
    if (states.isEmpty()) return Segment.EMPTY;
    String[] blocks = new String[states.size()];
    for (int i = 0; i < blocks.length; i++) blocks[i] = labelBlock(states.get(i));
    byte[][] parts = new byte[FAMILIES.size()][];
    long text = 0;
    int samples = 0;
    StringBuilder out = new StringBuilder(states.size() * 160);
    for (int f = 0; f < parts.length; f++) {
      out.setLength(0);
      Lines lines = FAMILIES.get(f).lines();
      int n = 0;
      for (int i = 0; i < blocks.length; i++) n += lines.write(states.get(i), blocks[i], out);
      if (n == 0) continue;
      byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
      text += bytes.length;
      samples += n;
      parts[f] = GzipMember.of(bytes);
    }
    return new Segment(parts, text, states.size(), samples);
  }

  /** The segments' members in exposition order: per family, its header then every segment's samples. */
  static RenderedState assemble(List<Segment> segments) {
    List<byte[]> parts = new ArrayList<>();
    long text = 0;
    int states = 0;
    int samples = 0;
    for (Segment s : segments) {
      text += s.textBytes();
      states += s.states();
      samples += s.samples();
    }
    for (int f = 0; f < FAMILIES.size(); f++) {
      boolean header = false;
      for (Segment s : segments) {
        if (s.parts()[f] == null) continue;
        if (!header) {
          parts.add(HEADERS[f]);
          header = true;
        }
        parts.add(s.parts()[f]);
      }
    }
    return new RenderedState(parts, text, states, samples);
  }

  private static Family gauge(Gauge g) {
    return new Family(g.name(), g.help(), (s, block, out) -> {
      Double v = g.value().apply(s);
      if (v == null || v.isNaN()) return 0;
      out.append(g.name()).append(block).append("} ").append(number(v)).append('\n');
      return 1;
    });
  }

  /** A verdict as a label with its code as the value: one sample per verdict present. */
  private static int categorical(Categorical c, IndicatorState s, String block, StringBuilder out) {
    int n = 0;
    for (Sample sample : c.samples().apply(s)) {
      Double v = sample.code();
      if (v == null) continue;
      out.append(c.name()).append(block);
      for (int k = 0; k < c.labels().length; k++) label(out, c.labels()[k], sample.labels()[k]);
      out.append("} ").append(number(v)).append('\n');
      n++;
    }
    return n;
  }

  /** The status in one-hot form, kube-state-metrics style: every status is present, the current one is 1. */
  private static int statusOneHot(IndicatorState s, String block, StringBuilder out) {
    Double code = StateCodes.status(s.evaluation().status());
    if (code == null) return 0;
    for (int k = 0; k < StateCodes.STATUSES.size(); k++) {
      out.append("fingerpost_target_status").append(block);
      label(out, "status", StateCodes.STATUSES.get(k));
      out.append(code == k ? "} 1\n" : "} 0\n");
    }
    return StateCodes.STATUSES.size();
  }

  /** The one sample of a target that carries its descriptive labels (none for a series without a target). */
  private static int info(IndicatorState s, String block, StringBuilder out) {
    var t = s.target();
    if (t.targetId() == null || t.targetId().isEmpty()) return 0;
    String[] values = {t.targetName(), t.strategyGroup(), t.horizonYears(), t.team(), t.indicatorName(), t.areaName(),
        t.unit(), t.direction(), s.evaluation().period()};
    out.append("fingerpost_target_info").append(block);
    for (int k = 0; k < values.length; k++) {
      if (values[k] != null && !values[k].isEmpty()) label(out, DESCRIPTIVE.get(k), values[k]);
    }
    out.append("} 1\n");
    return 1;
  }

  /** {@code {target_id="…",indicator_id="…",…} without the closing brace; empty values left out. */
  static String labelBlock(IndicatorState s) {
    var t = s.target();
    String[] values = {t.targetId(), t.indicatorId(), t.areaCode(), t.sex(), t.age(), t.categoryType(), t.category()};
    StringBuilder b = new StringBuilder(128).append('{');
    for (int k = 0; k < values.length; k++) {
      if (values[k] == null || values[k].isEmpty()) continue;
      if (b.length() > 1) b.append(',');
      b.append(IDENTIFYING.get(k)).append("=\"");
      escapeLabelValue(b, values[k]);
      b.append('"');
    }
    return b.toString();
  }

  /** Appends {@code ,name="value"} (no comma right after the opening brace). */
  private static void label(StringBuilder out, String name, String value) {
    if (out.charAt(out.length() - 1) != '{') out.append(',');
    out.append(name).append("=\"");
    escapeLabelValue(out, value);
    out.append('"');
  }

  static void escapeLabelValue(StringBuilder b, String value) {
    if (value == null) return;
    if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
      b.append(value); // the common case, copied whole (a render escapes every descriptive label of every target)
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
  }

  /** Java's shortest round-trip form; Prometheus parses it (Go's ParseFloat accepts "1.7E9"). */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }

  private static Double bool(Boolean b) {
    return b == null ? null : b ? 1.0 : 0.0;
  }
}
