package io.fingerpost.bench;

import io.fingerpost.engine.CountCi;
import io.fingerpost.engine.InequalityGap;
import io.fingerpost.engine.LeastSquares;
import io.fingerpost.model.Period;
import io.fingerpost.engine.RecentTrend;
import io.fingerpost.engine.SeriesVerdicts;
import io.fingerpost.engine.Sii;
import io.fingerpost.engine.Spc;
import io.fingerpost.engine.ValueType;
import io.fingerpost.feed.FeedRow;
import io.fingerpost.feed.FingertipsCsvReader;
import io.fingerpost.feed.ParsedRow;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Polarity;
import io.fingerpost.model.SeriesKey;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine on 100,000 series of 10 yearly points (all methods), next to parsing the same data
 * from a Fingertips all_data CSV (1,000,010 rows with England's benchmark series) into series, as
 * the {@code evaluate} command does. Run with {@code bench/engine.sh}; compare the two scores.
 *
 * <p>Per series, {@link #evaluate} runs: Wilson and Byar/exact CIs from counts for every point
 * ({@link CountCi}), the comparison with England at every period, the recent trend by the CI method
 * and the SPC chart with a target ({@link SeriesVerdicts}), the recent trend by the counts method, a
 * weighted least-squares projection with a prediction interval ({@link LeastSquares}), and the SII
 * and gap of the 10 values taken as deciles ({@link Sii}, {@link InequalityGap}).
 *
 * <p>Settings (the defaults of {@code bench/engine.sh}; why: stop 14's runs, JMH logs under the note): average
 * time over 10 warm-up and 10 measured iterations of 1 s, one fork, heap fixed at 4 GiB. Single shots were too
 * few: on 2 cores C2 keeps compiling the engine through the first 4–5 calls of {@code evaluate} (1.5–4.8 s each
 * against about 0.45 s warm), so 2 warm-up and 3 measured shots mixed compiled and half-compiled calls and gave
 * errors of ±10 s. Ten measured iterations put JMH's 99.9% error at about 1.5 standard deviations of an iteration
 * (Student t with 9 degrees of freedom over √10), against 18 with 3 shots. A fixed heap keeps heap resizing out
 * of the parse (about 1 GB allocated a call), which measures 20 iterations (see {@link #parseCsv}). A second fork
 * ({@code -f 2}) doubles the run's ~2 minutes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 10, time = 1)
public class EngineBenchmark {

  static final String HEADER = "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,"
      + "Sex,Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
      + "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
      + "Compared to England value or percentiles,Compared to Region value or percentiles,"
      + "Time period Sortable,New data,Compared to goal";

  @Param("100000")
  public int series;

  @Param("10")
  public int points;

  Path csv;
  Map<SeriesKey, List<Observation>> data;
  /** England's series, indexed once as the evaluate command indexes each benchmark series. */
  SeriesVerdicts.Benchmark england;
  SeriesVerdicts.Settings settings;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    csv = Files.createTempFile("fingerpost-bench", ".csv");
    SplittableRandom random = new SplittableRandom(42);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      writeSeries(w, "E92000001", "England", "Country", 0.20, 0.0, 50_000_000, random);
      for (int s = 0; s < series; s++) {
        double level = 0.05 + 0.3 * random.nextDouble();
        double slope = (random.nextDouble() - 0.5) * 0.01;
        writeSeries(w, String.format("E%08d", s), "Area " + s, "UA", level, slope, 2_000 + random.nextInt(50_000), random);
      }
    }
    data = parse();
    england = SeriesVerdicts.Benchmark.of(
        data.remove(new SeriesKey("90000", "E92000001", "Persons", "All ages", "", "")));
    settings = new SeriesVerdicts.Settings(Polarity.LOW_IS_GOOD, ValueType.PROPORTION, RecentTrend.Method.CI,
        null, 15.0);
  }

  private void writeSeries(BufferedWriter w, String code, String name, String type, double level, double slope,
      int denominator, SplittableRandom random) throws IOException {
    for (int p = 0; p < points; p++) {
      int year = 2014 + p;
      double prob = Math.min(0.95, Math.max(0.01, level + slope * p));
      int n = denominator + random.nextInt(1000);
      int x = (int) Math.round(n * prob + Math.sqrt(n * prob * (1 - prob)) * random.nextDouble(-2, 2));
      CountCi.Estimate e = CountCi.proportion((double) x, (double) n, 100);
      w.write("90000,Benchmark proportion,,," + code + "," + name + "," + type + ",Persons,All ages,,," + year + ","
          + e.value() + "," + e.lower95() + "," + e.upper95() + "," + e.lower998() + "," + e.upper998() + ","
          + x + "," + n + ",,,,," + year + "0000,,\n");
    }
  }

  private Map<SeriesKey, List<Observation>> parse() throws IOException {
    Map<SeriesKey, List<Observation>> out = new LinkedHashMap<>();
    try (FingertipsCsvReader reader = FingertipsCsvReader.open(csv)) {
      while (reader.hasNext()) {
        FeedRow row = reader.next();
        if (row instanceof ParsedRow p) {
          out.computeIfAbsent(p.observation().key(), k -> new ArrayList<>(points)).add(p.observation());
        } else {
          throw new IllegalStateException("rejected: " + row);
        }
      }
    }
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(csv);
  }

  /**
   * Reference: read the CSV into series (what evaluate does before any statistics). Twice the measured iterations:
   * about 1 GB allocated a call makes it the noisier score (±12–28% with 10 iterations, against ±2–11% for
   * {@link #evaluate}), and the ratio is only as firm as its divisor.
   */
  @Benchmark
  @Measurement(iterations = 20, time = 1)
  public int parseCsv() throws IOException {
    return parse().size();
  }

  /** All methods on every series. */
  @Benchmark
  public double evaluate() {
    double sink = 0;
    for (List<Observation> s : data.values()) {
      sink += evaluateOne(s, england, settings);
    }
    return sink;
  }

  static double evaluateOne(List<Observation> s, SeriesVerdicts.Benchmark england,
      SeriesVerdicts.Settings settings) {
    double sink = 0;
    int n = s.size();
    double[] t = new double[n];
    double[] y = new double[n];
    Double[] lo = new Double[n];
    Double[] hi = new Double[n];
    List<Sii.Quantile> deciles = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Observation o = s.get(i);
      CountCi.Estimate e = CountCi.proportion(o.count(), o.denominator(), 100);
      CountCi.Estimate r = CountCi.rate(o.count(), o.denominator(), 100_000);
      sink += e.lower95() + r.upper998();
      t[i] = o.period().t();
      y[i] = o.value();
      lo[i] = o.lowerCi95();
      hi[i] = o.upperCi95();
      deciles.add(new Sii.Quantile(o.denominator(), o.value(), o.lowerCi95(), o.upperCi95(), null));
    }
    SeriesVerdicts.Result v = SeriesVerdicts.evaluate(s, england, settings);
    sink += v.comparedToBenchmark().ordinal() + v.trend().marker().ordinal() + v.spc().latest().mean();
    List<RecentTrend.Point> pts = new ArrayList<>(n);
    for (Observation o : s) {
      pts.add(new RecentTrend.Point(o.period(), o.value(), o.lowerCi95(), o.upperCi95(), o.count(), o.denominator()));
    }
    RecentTrend.Result counts = RecentTrend.evaluate(pts, ValueType.PROPORTION, Polarity.LOW_IS_GOOD, RecentTrend.Method.COUNTS);
    sink += counts.marker().ordinal();
    double[] w = LeastSquares.weightsFromCi95(lo, hi);
    LeastSquares.Fit fit = w == null ? LeastSquares.ordinary(t, y) : LeastSquares.weighted(t, y, w);
    LeastSquares.Prediction p = fit.predictionInterval(TARGET_T, 0.95);
    sink += p.upper() + p.probabilityAtMost(10);
    Sii.Result sii = Sii.compute(deciles, SII_OPTIONS);
    sink += sii.sii() + sii.limits().get(0).siiLower();
    sink += InequalityGap.of(y[0], y[n - 1]).absolute();
    return sink;
  }

  /** The projection's target time, parsed once as a trajectory's spec holds it (not a regex match per series). */
  static final double TARGET_T = Period.parse("2030").t();

  static final Sii.Options SII_OPTIONS = new Sii.Options(Sii.Kind.OTHER, false, 1, new double[] {0.95}, 100_000, 1L, false);
}
