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
 * escaped once per state and reused by every family; it is written straight as UTF-8 bytes ({@link TextBuffer},
 * no String in between: formatting was most of a render). Escaping follows the format: backslash, double
 * quote and line feed in label values; backslash and line feed in help text.
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
    int write(IndicatorState s, byte[] block, TextBuffer out);
  }

  private record Family(String name, String help, Lines lines) {}

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

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

  /**
   * One verdict a categorical family shows: the extra label values before the verdict's label (e.g. "england"), the
   * verdict, and its code as the sample's value (no sample when the verdict or its code is absent).
   */
  private record Slot<E extends Enum<E> & Verdict.Coded>(String[] fixed, Function<IndicatorState, Verdict<E>> verdict,
      Function<E, Double> code) {}

  private record Categorical(String name, String help, String[] labels, List<Slot<?>> slots) {
    byte[] nameBytes() {
      return ascii(name);
    }
  }

  private static <E extends Enum<E> & Verdict.Coded> Slot<E> slot(Function<IndicatorState, Verdict<E>> verdict,
      Function<E, Double> code, String... fixed) {
    return new Slot<>(fixed, verdict, code);
  }

  private static final List<Categorical> CATEGORICAL = List.of(
      new Categorical("fingerpost_indicator_benchmark_comparison",
          "Comparison with a benchmark (label benchmark: england or region; label comparison: the verdict): "
              + "2 best, 1 better, 0 similar/higher/lower, -1 worse, -2 worst.",
          new String[] {"benchmark", "comparison"},
          List.of(slot(s -> s.evaluation().verdicts().comparedToEngland(), StateCodes::comparison, "england"),
              slot(s -> s.evaluation().verdicts().comparedToRegion(), StateCodes::comparison, "region"))),
      new Categorical("fingerpost_indicator_recent_trend",
          "Recent trend (label trend: the verdict): 1 getting better, 0 no significant change, -1 getting worse.",
          new String[] {"trend"}, List.of(slot(s -> s.evaluation().verdicts().recentTrend(), StateCodes::trend))),
      new Categorical("fingerpost_indicator_spc_point_type",
          "SPC point type of the latest point (label point_type): 1 special cause improvement, 0 common cause or neither, -1 special cause concern.",
          new String[] {"point_type"}, List.of(slot(s -> s.evaluation().verdicts().spcPointType(), StateCodes::spcPoint))),
      new Categorical("fingerpost_indicator_spc_assurance",
          "SPC assurance against the target (label assurance): 1 consistently passes, 0 hit and miss, -1 consistently fails.",
          new String[] {"assurance"}, List.of(slot(s -> s.evaluation().verdicts().spcAssurance(), StateCodes::spcAssurance))));

  private IndicatorStateExposition() {}

  private static final List<Family> FAMILIES = families();

  private static List<Family> families() {
    List<Family> f = new ArrayList<>();
    for (Gauge g : SERIES_GAUGES) f.add(gauge(g));
    for (Categorical c : CATEGORICAL) {
      byte[] name = c.nameBytes();
      byte[][] labels = Arrays.stream(c.labels()).map(IndicatorStateExposition::ascii).toArray(byte[][]::new);
      f.add(new Family(c.name(), c.help(), (s, block, out) -> categorical(c, name, labels, s, block, out)));
    }
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

  private static final int MAX_KEPT = 4 << 20;
  private static final ThreadLocal<TextBuffer> BUFFER = ThreadLocal.withInitial(() -> new TextBuffer(1 << 20));

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
    TextBuffer out = BUFFER.get(); // kept per thread: a family's text of a segment is hundreds of KB
    out.clear();
    byte[][] blocks = new byte[states.size()][];
    for (int i = 0; i < blocks.length; i++) {
      out.clear();
      blocks[i] = labelBlock(states.get(i), out).toByteArray();
    }
    byte[][] parts = new byte[FAMILIES.size()][];
    long text = 0;
    int samples = 0;
    for (int f = 0; f < parts.length; f++) {
      out.clear();
      Lines lines = FAMILIES.get(f).lines();
      int n = 0;
      for (int i = 0; i < blocks.length; i++) n += lines.write(states.get(i), blocks[i], out);
      if (n == 0) continue;
      text += out.length();
      samples += n;
      parts[f] = GzipMember.of(out.array(), out.length());
    }
    if (out.array().length > MAX_KEPT) BUFFER.remove(); // one big segment (render of everything) keeps nothing
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

  private static final byte[] CLOSE = ascii("} ");

  private static Family gauge(Gauge g) {
    byte[] name = ascii(g.name());
    return new Family(g.name(), g.help(), (s, block, out) -> {
      Double v = g.value().apply(s);
      if (v == null || v.isNaN()) return 0;
      out.put(name).put(block).put(CLOSE).number(v).put((byte) '\n');
      return 1;
    });
  }

  /** A verdict as a label with its code as the value: one sample per verdict present. */
  private static int categorical(Categorical c, byte[] name, byte[][] labels, IndicatorState s, byte[] block,
      TextBuffer out) {
    int n = 0;
    for (Slot<?> slot : c.slots()) n += categorical(slot, name, labels, s, block, out);
    return n;
  }

  /** The slot's sample, written straight (no sample objects: this runs for every state of a refresh). */
  private static <E extends Enum<E> & Verdict.Coded> int categorical(Slot<E> slot, byte[] name, byte[][] labels,
      IndicatorState s, byte[] block, TextBuffer out) {
    Verdict<E> v = slot.verdict().apply(s);
    if (v == null) return 0;
    Double code = slot.code().apply(v.code());
    if (code == null) return 0;
    out.put(name).put(block);
    String[] fixed = slot.fixed();
    for (int k = 0; k < fixed.length; k++) label(out, labels[k], fixed[k]);
    label(out, labels[fixed.length], v.label());
    out.put(CLOSE).number(code).put((byte) '\n');
    return 1;
  }

  /** The status in one-hot form, kube-state-metrics style: every status is present, the current one is 1. */
  private static final byte[] STATUS = ascii("fingerpost_target_status");
  private static final byte[] STATUS_LABEL = ascii("status");
  private static final byte[] ONE = ascii("} 1\n");
  private static final byte[] ZERO = ascii("} 0\n");

  private static int statusOneHot(IndicatorState s, byte[] block, TextBuffer out) {
    Double code = StateCodes.status(s.evaluation().status());
    if (code == null) return 0;
    for (int k = 0; k < StateCodes.STATUSES.size(); k++) {
      out.put(STATUS).put(block);
      label(out, STATUS_LABEL, StateCodes.STATUSES.get(k));
      out.put(code == k ? ONE : ZERO);
    }
    return StateCodes.STATUSES.size();
  }

  /** The one sample of a target that carries its descriptive labels (none for a series without a target). */
  private static final byte[] INFO = ascii("fingerpost_target_info");
  private static final byte[][] DESCRIPTIVE_BYTES = DESCRIPTIVE.stream().map(IndicatorStateExposition::ascii)
      .toArray(byte[][]::new);
  private static final byte[][] IDENTIFYING_BYTES = IDENTIFYING.stream().map(IndicatorStateExposition::ascii)
      .toArray(byte[][]::new);

  private static int info(IndicatorState s, byte[] block, TextBuffer out) {
    var t = s.target();
    if (t.targetId() == null || t.targetId().isEmpty()) return 0;
    String[] values = {t.targetName(), t.strategyGroup(), t.horizonYears(), t.team(), t.indicatorName(), t.areaName(),
        t.unit(), t.direction(), s.evaluation().period()};
    out.put(INFO).put(block);
    for (int k = 0; k < values.length; k++) {
      if (values[k] != null && !values[k].isEmpty()) label(out, DESCRIPTIVE_BYTES[k], values[k]);
    }
    out.put(ONE);
    return 1;
  }

  /** {@code {target_id="…",indicator_id="…",…} without the closing brace; empty values left out. */
  static TextBuffer labelBlock(IndicatorState s, TextBuffer b) {
    var t = s.target();
    String[] values = {t.targetId(), t.indicatorId(), t.areaCode(), t.sex(), t.age(), t.categoryType(), t.category()};
    b.put((byte) '{');
    for (int k = 0; k < values.length; k++) {
      if (values[k] == null || values[k].isEmpty()) continue;
      label(b, IDENTIFYING_BYTES[k], values[k]);
    }
    return b;
  }

  /** Appends {@code ,name="value"} (no comma right after the opening brace). */
  private static void label(TextBuffer out, byte[] name, String value) {
    if (out.last() != '{') out.put((byte) ',');
    out.put(name).put((byte) '=').put((byte) '"').labelValue(value).put((byte) '"');
  }

  private static Double bool(Boolean b) {
    return b == null ? null : b ? 1.0 : 0.0;
  }
}
