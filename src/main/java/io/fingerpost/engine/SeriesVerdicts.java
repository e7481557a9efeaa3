package io.fingerpost.engine;

import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.Polarity;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * Every benchmark-free verdict the engine gives one series, in one call: comparison with a benchmark
 * series at every period ({@link BenchmarkComparison}, 95%), the recent trend ({@link RecentTrend})
 * and the SPC chart of its values ({@link Spc}). Used by the {@code evaluate} command and by anything
 * that wants the Fingertips-style verdicts for a whole series. Each method cites its source.
 */
public final class SeriesVerdicts {

  private SeriesVerdicts() {}

  /**
   * How to judge the series.
   *
   * @param improvement SPC improvement direction (by default from the polarity)
   * @param target SPC assurance target, or null
   */
  public record Settings(Polarity polarity, ValueType valueType, RecentTrend.Method trendMethod,
      Spc.ImprovementDirection improvement, Double target) {
    public Settings {
      Objects.requireNonNull(valueType, "valueType");
      Objects.requireNonNull(trendMethod, "trendMethod");
      if (improvement == null) {
        improvement = Spc.ImprovementDirection.of(polarity);
      }
    }
  }

  /**
   * The verdicts.
   *
   * @param latest the series' latest observation (its value may be null)
   * @param comparedToBenchmark the latest period against the benchmark's same period
   * @param comparisons every period's comparison, by period label, oldest first (read-only)
   * @param spc the chart of the non-missing values in period order, null when there are none
   */
  public record Result(Observation latest, BenchmarkComparison.Outcome comparedToBenchmark,
      Map<String, BenchmarkComparison.Outcome> comparisons, RecentTrend.Result trend, Spc.Result spc) {}

  /**
   * A benchmark series' values by period label (the last one given for a label), made once for every series
   * judged against it: a caller with many series of one breakdown does not index the benchmark per series.
   */
  public static final class Benchmark {
    /**
     * The benchmark's periods in its order, each with the value its label has (the last one given). A reader hands
     * every series the same Period instance for a label, so a series in the benchmark's order finds each period by
     * one identity comparison at the place after the last one found ({@link #indexOf}); the hash lookup by label
     * a point was 8% of EngineBenchmark.evaluate in JFR.
     */
    private final Period[] periods;
    private final Double[] values;
    /** A place in {@link #periods} by label, for periods not found by identity. */
    private final Map<String, Integer> byLabel;

    private Benchmark(Period[] periods, Double[] values, Map<String, Integer> byLabel) {
      this.periods = periods;
      this.values = values;
      this.byLabel = byLabel;
    }

    /** The benchmark series (any order; may be empty). */
    public static Benchmark of(List<Observation> benchmark) {
      int size = benchmark.size();
      Period[] periods = new Period[size];
      Double[] values = new Double[size];
      Map<String, Integer> byLabel = new HashMap<>();
      int i = 0;
      for (Observation b : benchmark) {
        periods[i] = b.period();
        Integer first = byLabel.putIfAbsent(b.period().label(), i);
        values[i] = b.value();
        if (first != null) { // a label given again: its last value holds at every place it has
          for (int j = 0; j < i; j++) {
            if (periods[j].label().equals(b.period().label())) {
              values[j] = b.value();
            }
          }
        }
        i++;
      }
      return new Benchmark(periods, values, byLabel);
    }

    /**
     * The place of a period (by label) in the benchmark, trying {@code hint} first by identity; -1 when the
     * benchmark has no such period.
     */
    int indexOf(Period period, int hint) {
      if (hint < periods.length && periods[hint] == period) {
        return hint;
      }
      Integer at = byLabel.get(period.label());
      return at == null ? -1 : at;
    }

    /** The value at a place {@link #indexOf} gave. */
    Double valueAtIndex(int index) {
      return values[index];
    }
  }

  /**
   * Judges a series (any order; one observation per period) against a benchmark series of the
   * same breakdown ({@link Benchmark#of}, indexed once for all the series judged against it; may be empty).
   */
  public static Result evaluate(List<Observation> series, Benchmark benchmark, Settings s) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("a series needs at least one observation");
    }
    List<Observation> sorted = series;
    if (!strictlyAscending(series)) { // the usual input is in period order already: no copy, no comparator per pair
      sorted = new ArrayList<>(series);
      sorted.sort(Comparator.comparing(Observation::period));
    }
    int size = sorted.size();
    String[] labels = new String[size];
    BenchmarkComparison.Outcome[] outcomes = new BenchmarkComparison.Outcome[size];
    int periods = 0;
    double[] values = new double[size];
    int n = 0;
    int next = 0; // where the next period is likely among the benchmark's (series and benchmark alike in order)
    for (Observation o : sorted) {
      String label = o.period().label();
      // a period given twice (sorted next to each other) keeps its place and takes the later outcome
      int at = periods > 0 && labels[periods - 1].equals(label) ? periods - 1 : periods++;
      labels[at] = label;
      int b = benchmark.indexOf(o.period(), next);
      Double benchmarkValue = null;
      if (b >= 0) {
        benchmarkValue = benchmark.valueAtIndex(b);
        next = b + 1;
      }
      outcomes[at] = BenchmarkComparison.compare95(o.value(), o.lowerCi95(), o.upperCi95(), benchmarkValue,
          s.polarity());
      if (o.value() != null) {
        values[n++] = o.value();
      }
    }
    Observation latest = sorted.get(size - 1);
    RecentTrend.Result trend = RecentTrend.evaluate(new Observations(sorted), s.valueType(), s.polarity(),
        s.trendMethod(), RecentTrend.Eligibility.FINGERTIPS);
    Spc.Result spc = n == 0 ? null
        // values (or its copy) is this call's own and not used after: the chart keeps it without a copy
        : Spc.evaluateOwned(n == values.length ? values : java.util.Arrays.copyOf(values, n),
            spcOptions(s));
    return new Result(latest, outcomes[periods - 1], new ByPeriod(labels, outcomes, periods), trend, spc);
  }

  /** The chart options of the settings asked for last, with them (one object, published through a volatile). */
  private record ChartSettings(Settings settings, Spc.Options options) {}

  private static volatile ChartSettings lastChartSettings;

  /**
   * The SPC options of the settings: made again only when the settings differ from the last call's (the evaluate
   * command judges every series of a breakdown with one Settings), not an Options a series.
   */
  private static Spc.Options spcOptions(Settings s) {
    ChartSettings last = lastChartSettings;
    if (last != null && last.settings() == s) {
      return last.options();
    }
    Spc.Options options = new Spc.Options(s.improvement(), true, null, null, s.target());
    lastChartSettings = new ChartSettings(s, options);
    return options;
  }

  /**
   * The observations as the recent trend's points, read in place: a RecentTrend.Point per observation and a list of
   * them were a tenth of what EngineBenchmark.evaluate allocated a series.
   */
  private record Observations(List<Observation> list) implements RecentTrend.Source {
    @Override
    public int size() {
      return list.size();
    }

    @Override
    public Period period(int i) {
      return list.get(i).period();
    }

    @Override
    public Double value(int i) {
      return list.get(i).value();
    }

    @Override
    public Double lower95(int i) {
      return list.get(i).lowerCi95();
    }

    @Override
    public Double upper95(int i) {
      return list.get(i).upperCi95();
    }

    @Override
    public Double count(int i) {
      return list.get(i).count();
    }

    @Override
    public Double denominator(int i) {
      return list.get(i).denominator();
    }
  }

  /**
   * Outcomes by period label in period order, as two arrays behind a read-only map: a LinkedHashMap entry per
   * period cost more than the comparison it held.
   */
  private static final class ByPeriod extends AbstractMap<String, BenchmarkComparison.Outcome> {
    private final String[] labels;
    private final BenchmarkComparison.Outcome[] outcomes;
    private final int size;

    ByPeriod(String[] labels, BenchmarkComparison.Outcome[] outcomes, int size) {
      this.labels = labels;
      this.outcomes = outcomes;
      this.size = size;
    }

    @Override
    public BenchmarkComparison.Outcome get(Object label) {
      for (int i = 0; i < size; i++) {
        if (labels[i].equals(label)) {
          return outcomes[i];
        }
      }
      return null;
    }

    @Override
    public Set<Entry<String, BenchmarkComparison.Outcome>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return size;
        }

        @Override
        public Iterator<Entry<String, BenchmarkComparison.Outcome>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < size;
            }

            @Override
            public Entry<String, BenchmarkComparison.Outcome> next() {
              if (next >= size) {
                throw new NoSuchElementException();
              }
              Entry<String, BenchmarkComparison.Outcome> e = Map.entry(labels[next], outcomes[next]);
              next++;
              return e;
            }
          };
        }
      };
    }
  }

  private static boolean strictlyAscending(List<Observation> list) {
    for (int i = 1; i < list.size(); i++) {
      if (list.get(i - 1).period().compareTo(list.get(i).period()) >= 0) {
        return false;
      }
    }
    return true;
  }
}
