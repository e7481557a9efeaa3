package io.fingerpost.metrics;

import io.fingerpost.meters.RenderedState;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import io.fingerpost.strategy.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Renders the indicator-state metrics (one sample set per monitored series and target) in the Prometheus
 * text exposition format 0.0.4, once per refresh, straight into gzip: a scrape then only copies the
 * compressed bytes, and memory holds ~300 bytes per series instead of ~10 kB of text. Names, labels and
 * codes are documented in docs/metrics.md.
 *
 * <p>The format is written here rather than through the Prometheus client's writer because every state has
 * ~25 samples with the same 12 labels: escaping that label block once per state and reusing it makes the
 * render several times faster than building and escaping a label set per sample (see
 * {@code MetricsScrapeBenchmark}). Escaping follows the format: backslash, double quote and line feed in
 * label values; backslash and line feed in help text.
 */
public final class IndicatorStateExposition {

  /** Labels on every indicator-state sample, in this order. */
  public static final List<String> LABELS = List.of(
      "target_id", "group", "horizon_years", "team",
      "indicator_id", "indicator_name", "area_code", "area_name",
      "sex", "age", "category_type", "category");

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

  /** The block for no states (headers only): what {@code /metrics} shows before the first refresh. */
  public static final RenderedState EMPTY = render(List.of());

  public static RenderedState render(Collection<IndicatorState> states) {
    List<IndicatorState> rows = new ArrayList<>(states);
    // "{label="value",…" without the closing brace, escaped once per state and reused by every family
    List<String> labels = new ArrayList<>(rows.size());
    for (IndicatorState s : rows) labels.add(labelBlock(s));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, rows.size() * 400));
    CountingGzip gzip;
    int samples = 0;
    try {
      gzip = new CountingGzip(bytes);
      Writer out = new BufferedWriter(new OutputStreamWriter(gzip, StandardCharsets.UTF_8), 1 << 16);
      for (Gauge g : SERIES_GAUGES) samples += gauge(out, g, rows, labels);
      for (Categorical c : CATEGORICAL) samples += categorical(out, c, rows, labels);
      for (Gauge g : TARGET_GAUGES) samples += gauge(out, g, rows, labels);
      samples += statusOneHot(out, rows, labels);
      samples += info(out, rows, labels);
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RenderedState(bytes.toByteArray(), gzip.uncompressed, rows.size(), samples);
  }

  private static int gauge(Writer out, Gauge g, List<IndicatorState> rows, List<String> labels) throws IOException {
    int n = 0;
    for (int i = 0; i < rows.size(); i++) {
      Double v = g.value().apply(rows.get(i));
      if (v == null || v.isNaN()) continue;
      if (n++ == 0) header(out, g.name(), g.help());
      out.write(g.name());
      out.write(labels.get(i));
      out.write("} ");
      out.write(number(v));
      out.write('\n');
    }
    return n;
  }

  /** A verdict as a label with its code as the value: one sample per state and verdict present. */
  private static int categorical(Writer out, Categorical c, List<IndicatorState> rows, List<String> labels) throws IOException {
    int n = 0;
    for (int i = 0; i < rows.size(); i++) {
      for (Sample sample : c.samples().apply(rows.get(i))) {
        Double v = sample.code();
        if (v == null) continue;
        String[] parts = sample.labels();
        if (n++ == 0) header(out, c.name(), c.help());
        out.write(c.name());
        out.write(labels.get(i));
        for (int k = 0; k < c.labels().length; k++) label(out, c.labels()[k], parts[k]);
        out.write("} ");
        out.write(number(v));
        out.write('\n');
      }
    }
    return n;
  }

  /** The status in one-hot form, kube-state-metrics style: every status is present, the current one is 1. */
  private static int statusOneHot(Writer out, List<IndicatorState> rows, List<String> labels) throws IOException {
    String name = "fingerpost_target_status";
    int n = 0;
    for (int i = 0; i < rows.size(); i++) {
      Double code = StateCodes.status(rows.get(i).evaluation().status());
      if (code == null) continue;
      if (n == 0) {
        header(out, name, "Target status one-hot: 1 for the current status (label status: NOT_ENOUGH_DATA, ON_TRACK, "
            + "AT_RISK, OFF_TRACK), 0 for the others.");
      }
      for (int k = 0; k < StateCodes.STATUSES.size(); k++) {
        out.write(name);
        out.write(labels.get(i));
        label(out, "status", StateCodes.STATUSES.get(k));
        out.write(code == k ? "} 1\n" : "} 0\n");
        n++;
      }
    }
    return n;
  }

  private static int info(Writer out, List<IndicatorState> rows, List<String> labels) throws IOException {
    String name = "fingerpost_target_info";
    int n = 0;
    for (int i = 0; i < rows.size(); i++) {
      IndicatorState s = rows.get(i);
      if (s.target().targetId() == null || s.target().targetId().isEmpty()) continue;
      if (n++ == 0) header(out, name, "Descriptive labels of a target and its latest period (always 1).");
      out.write(name);
      out.write(labels.get(i));
      label(out, "target_name", s.target().targetName());
      label(out, "direction", s.target().direction());
      label(out, "unit", s.target().unit());
      label(out, "period", s.evaluation().period());
      out.write("} 1\n");
    }
    return n;
  }

  static String labelBlock(IndicatorState s) {
    String[] values = {
      s.target().targetId(), s.target().strategyGroup(), s.target().horizonYears(), s.target().team(),
      s.target().indicatorId(), s.target().indicatorName(), s.target().areaCode(), s.target().areaName(),
      s.target().sex(), s.target().age(), s.target().categoryType(), s.target().category()};
    StringBuilder b = new StringBuilder(256).append('{');
    for (int k = 0; k < values.length; k++) {
      if (k > 0) b.append(',');
      b.append(LABELS.get(k)).append("=\"");
      escapeLabelValue(b, values[k]);
      b.append('"');
    }
    return b.toString();
  }

  private static void label(Writer out, String name, String value) throws IOException {
    StringBuilder b = new StringBuilder(name.length() + 32).append(',').append(name).append("=\"");
    escapeLabelValue(b, value);
    out.write(b.append('"').toString());
  }

  private static void header(Writer out, String name, String help) throws IOException {
    out.write("# HELP " + name + " " + help.replace("\\", "\\\\").replace("\n", "\\n") + "\n");
    out.write("# TYPE " + name + " gauge\n");
  }

  static void escapeLabelValue(StringBuilder b, String value) {
    if (value == null) return;
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

  /** gzip at the fastest level (the block is rendered often and scraped often), counting the input. */
  private static final class CountingGzip extends GZIPOutputStream {
    long uncompressed;

    CountingGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      uncompressed += len;
      super.write(buf, off, len);
    }
  }
}
