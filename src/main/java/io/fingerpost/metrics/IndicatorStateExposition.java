package io.fingerpost.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/**
 * Renders the indicator-state metrics (one sample set per monitored series and target) as Prometheus
 * text exposition, once per refresh, so that a scrape only copies bytes. The metric names, labels and
 * codes are documented in docs/metrics.md; the text format itself is written by the Prometheus client
 * library ({@link PrometheusTextFormatWriter}), one family at a time to keep memory flat.
 */
public final class IndicatorStateExposition {

  /** Labels on every indicator-state sample, in this order. */
  public static final List<String> LABELS = List.of(
      "target_id", "group", "horizon_years", "team",
      "indicator_id", "indicator_name", "area_code", "area_name",
      "sex", "age", "category_type", "category");

  private record Gauge(String name, String help, Function<IndicatorState, Double> value) {}

  private static final List<Gauge> SERIES_GAUGES = List.of(
      new Gauge("fingerpost_indicator_value", "Latest published value of the series (in the indicator's unit).", IndicatorState::value),
      new Gauge("fingerpost_indicator_value_lower_ci95", "Lower 95% confidence limit of the latest value.", IndicatorState::lowerCi95),
      new Gauge("fingerpost_indicator_value_upper_ci95", "Upper 95% confidence limit of the latest value.", IndicatorState::upperCi95),
      new Gauge("fingerpost_indicator_period_year", "Time of the latest period as a fractional calendar year (midpoint, e.g. 2020.5).", IndicatorState::periodYear),
      new Gauge("fingerpost_indicator_gap_absolute", "Inequality gap between most and least deprived (absolute, in the indicator's unit).", IndicatorState::gapAbsolute),
      new Gauge("fingerpost_indicator_gap_relative", "Inequality gap between most and least deprived (ratio).", IndicatorState::gapRelative),
      new Gauge("fingerpost_indicator_sii", "Slope index of inequality across the deprivation breakdown.", IndicatorState::sii),
      new Gauge("fingerpost_indicator_gap_widening", "1 when the inequality gap widened significantly, else 0.", s -> bool(s.gapWidening())));

  private static final List<Gauge> TARGET_GAUGES = List.of(
      new Gauge("fingerpost_target_status_code", "Target status: 0 not enough data, 1 on track, 2 at risk (amber), 3 off track (red).", s -> StateCodes.status(s.status())),
      new Gauge("fingerpost_target_previous_status_code", "Target status at the previous period (same codes as fingerpost_target_status_code).", s -> StateCodes.status(s.previousStatus())),
      new Gauge("fingerpost_target_not_significant", "1 when the value is off its trajectory but not significantly (expected value inside the 95% CI).", s -> bool(s.notSignificant())),
      new Gauge("fingerpost_target_expected_value", "Value expected on the trajectory at the latest period.", IndicatorState::expected),
      new Gauge("fingerpost_target_deviation", "Deviation from the trajectory in the direction that matters (>= 0: at or ahead).", IndicatorState::deviation),
      new Gauge("fingerpost_target_projected_value", "Projection of the series to the target period.", IndicatorState::projection),
      new Gauge("fingerpost_target_projected_value_lower", "Lower limit of the 95% prediction interval of the projection.", IndicatorState::projectionLower),
      new Gauge("fingerpost_target_projected_value_upper", "Upper limit of the 95% prediction interval of the projection.", IndicatorState::projectionUpper),
      new Gauge("fingerpost_target_probability_of_meeting_ratio", "Probability (0-1) that the projection meets the target.", IndicatorState::probabilityOfMeeting),
      new Gauge("fingerpost_target_evaluated_timestamp_seconds", "When the latest evaluation was made (Unix time).",
          s -> s.evaluatedAt() == null ? null : s.evaluatedAt().toEpochMilli() / 1000.0));

  private IndicatorStateExposition() {}

  /** The rendered text (Prometheus text format 0.0.4) and its gzip member, built once per refresh. */
  public record Rendered(byte[] text, byte[] gzip, int states, int samples) {
    public static final Rendered EMPTY = new Rendered(new byte[0], IndicatorStateExposition.gzip(new byte[0]), 0, 0);
  }

  public static Rendered render(Collection<IndicatorState> states) {
    List<Labels> labels = new ArrayList<>(states.size());
    List<IndicatorState> rows = new ArrayList<>(states);
    for (IndicatorState s : rows) labels.add(labelsOf(s));

    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, rows.size() * 4096));
    int samples = 0;
    try {
      for (Gauge g : SERIES_GAUGES) samples += write(writer, out, gauge(g, rows, labels));
      samples += write(writer, out, categorical("fingerpost_indicator_benchmark_comparison",
          "Comparison with a benchmark (label benchmark: england or region; label comparison: the verdict): "
              + "2 best, 1 better, 0 similar/higher/lower, -1 worse, -2 worst.",
          rows, labels, new String[] {"benchmark", "comparison"},
          s -> new String[][] {
            {"england", s.comparedToEngland()}, {"region", s.comparedToRegion()}},
          StateCodes::comparison));
      samples += write(writer, out, categorical("fingerpost_indicator_recent_trend",
          "Recent trend (label trend: the verdict): 1 getting better, 0 no significant change, -1 getting worse.",
          rows, labels, new String[] {"trend"}, s -> new String[][] {{s.recentTrend()}}, StateCodes::trend));
      samples += write(writer, out, categorical("fingerpost_indicator_spc_point_type",
          "SPC point type of the latest point (label point_type): 1 special cause improvement, 0 common cause or neither, -1 special cause concern.",
          rows, labels, new String[] {"point_type"}, s -> new String[][] {{s.spcPointType()}}, StateCodes::spcPoint));
      samples += write(writer, out, categorical("fingerpost_indicator_spc_assurance",
          "SPC assurance against the target (label assurance): 1 consistently passes, 0 hit and miss, -1 consistently fails.",
          rows, labels, new String[] {"assurance"}, s -> new String[][] {{s.spcAssurance()}}, StateCodes::spcAssurance));
      for (Gauge g : TARGET_GAUGES) samples += write(writer, out, gauge(g, rows, labels));
      samples += write(writer, out, statusOneHot(rows, labels));
      samples += write(writer, out, info(rows, labels));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] text = out.toByteArray();
    return new Rendered(text, gzip(text), rows.size(), samples);
  }

  static Labels labelsOf(IndicatorState s) {
    return Labels.of(LABELS.toArray(String[]::new), new String[] {
      nz(s.targetId()), nz(s.group()), nz(s.horizonYears()), nz(s.team()),
      nz(s.indicatorId()), nz(s.indicatorName()), nz(s.areaCode()), nz(s.areaName()),
      nz(s.sex()), nz(s.age()), nz(s.categoryType()), nz(s.category())});
  }

  private static GaugeSnapshot gauge(Gauge g, List<IndicatorState> rows, List<Labels> labels) {
    List<GaugeDataPointSnapshot> points = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Double v = g.value().apply(rows.get(i));
      if (v != null && !v.isNaN()) points.add(new GaugeDataPointSnapshot(v, labels.get(i), null));
    }
    return new GaugeSnapshot(new MetricMetadata(g.name(), g.help()), points);
  }

  /** A verdict as a label with its code as the value: one sample per state and verdict present. */
  private static GaugeSnapshot categorical(String name, String help, List<IndicatorState> rows, List<Labels> labels,
      String[] extraLabels, Function<IndicatorState, String[][]> verdicts, Function<String, Double> code) {
    List<GaugeDataPointSnapshot> points = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      for (String[] parts : verdicts.apply(rows.get(i))) {
        String verdict = parts[parts.length - 1];
        Double v = code.apply(verdict);
        if (v == null) continue;
        Labels l = labels.get(i);
        for (int k = 0; k < extraLabels.length; k++) l = l.add(extraLabels[k], parts[k]);
        points.add(new GaugeDataPointSnapshot(v, l, null));
      }
    }
    return new GaugeSnapshot(new MetricMetadata(name, help), points);
  }

  /** The status in one-hot form, kube-state-metrics style: every status is present, the current one is 1. */
  private static GaugeSnapshot statusOneHot(List<IndicatorState> rows, List<Labels> labels) {
    List<GaugeDataPointSnapshot> points = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Double code = StateCodes.status(rows.get(i).status());
      if (code == null) continue;
      for (int k = 0; k < StateCodes.STATUSES.size(); k++) {
        points.add(new GaugeDataPointSnapshot(code == k ? 1 : 0, labels.get(i).add("status", StateCodes.STATUSES.get(k)), null));
      }
    }
    return new GaugeSnapshot(new MetricMetadata("fingerpost_target_status",
        "Target status one-hot: 1 for the current status (label status: NOT_ENOUGH_DATA, ON_TRACK, AT_RISK, OFF_TRACK), 0 for the others."), points);
  }

  private static InfoSnapshot info(List<IndicatorState> rows, List<Labels> labels) {
    List<InfoDataPointSnapshot> points = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      IndicatorState s = rows.get(i);
      if (s.targetId() == null || s.targetId().isEmpty()) continue;
      points.add(new InfoDataPointSnapshot(labels.get(i).merge(
          new String[] {"target_name", "direction", "unit", "period"},
          new String[] {nz(s.targetName()), nz(s.direction()), nz(s.unit()), nz(s.period())})));
    }
    return new InfoSnapshot(new MetricMetadata("fingerpost_target",
        "Descriptive labels of a target and its latest period (always 1)."), points);
  }

  private static int write(PrometheusTextFormatWriter writer, ByteArrayOutputStream out, MetricSnapshot snapshot)
      throws IOException {
    int n = snapshot.getDataPoints().size();
    if (n > 0) writer.write(out, MetricSnapshots.of(snapshot), EscapingScheme.ALLOW_UTF8);
    return n;
  }

  static byte[] gzip(byte[] text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 8));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      gz.write(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Double bool(Boolean b) {
    return b == null ? null : b ? 1.0 : 0.0;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
