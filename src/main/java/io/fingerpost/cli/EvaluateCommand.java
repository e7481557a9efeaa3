package io.fingerpost.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fingerpost.engine.BenchmarkComparison;
import io.fingerpost.engine.RecentTrend;
import io.fingerpost.engine.SeriesVerdicts;
import io.fingerpost.engine.Spc;
import io.fingerpost.engine.ValueType;
import io.fingerpost.feed.FeedFormatException;
import io.fingerpost.feed.FeedRow;
import io.fingerpost.feed.FingertipsCsvReader;
import io.fingerpost.feed.ParsedRow;
import io.fingerpost.feed.RejectedRow;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Polarity;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.strategy.TargetAnnotation;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetsFileException;
import io.fingerpost.strategy.TargetsLoader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code evaluate}: runs the engine over a Fingertips all_data CSV without the service.
 *
 * <pre>
 * java -jar target/fingerpost.jar evaluate --input FILE.csv --polarity high-is-good|low-is-good|no-judgement
 *      [--benchmark AREA_CODE] [--improvement increase|decrease|neutral] [--target VALUE]
 *      [--value-type proportion|crude-rate|dsr|ratio|other] [--trend-method ci|counts] [--targets FILE]
 * </pre>
 *
 * Prints one JSON object per line for every series (indicator × area × sex × age × category type ×
 * category) of an area other than the benchmark: {@code indicatorId, areaCode, sex, age, categoryType,
 * category, latestPeriod, latestValue, comparedToBenchmark, recentTrend, trendChi2, spc: {mean,
 * lowerProcessLimit, upperProcessLimit, latestPointType, assurance}}, and also {@code
 * comparisons} (every period's comparison with the benchmark, by period label) and {@code
 * spcShortSeries}. Rows the reader rejects are reported on stderr as {@code FILE:LINE: reason} and
 * skipped; the exit code is then 1. Bad arguments exit with 2, an unreadable file with 1.
 *
 * <p>With {@code --targets FILE} (a targets file, README "Targets and trajectories"), a series that a
 * target names also gets {@code target: {id, name, status, expected, deviation, projection: {value,
 * lower, upper, probabilityOfMeeting}, probabilityOfMeeting, explanation, …}}, computed as the service
 * does ({@link TargetAnnotation}). A targets file with errors exits with 2 and lists them.
 */
public final class EvaluateCommand {

  static final String USAGE = "usage: evaluate --input FILE.csv --polarity high-is-good|low-is-good|no-judgement"
      + " [--benchmark AREA_CODE] [--improvement increase|decrease|neutral] [--target VALUE]"
      + " [--value-type proportion|crude-rate|dsr|ratio|other] [--trend-method ci|counts] [--targets FILE]";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluateCommand() {}

  /** Runs with stdout/stderr; returns the exit code. */
  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Arguments a;
    try {
      a = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("evaluate: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (!Files.isRegularFile(a.input)) {
      err.println("evaluate: " + a.input + ": no such file");
      return 1;
    }
    Map<SeriesKey, List<Observation>> series = new LinkedHashMap<>();
    int rejected = 0;
    try (FingertipsCsvReader reader = FingertipsCsvReader.open(a.input)) {
      while (reader.hasNext()) {
        FeedRow row = reader.next();
        if (row instanceof RejectedRow r) {
          err.println(a.input + ":" + r.line() + ": " + r.reason());
          rejected++;
        } else {
          Observation o = ((ParsedRow) row).observation();
          series.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
        }
      }
    } catch (FeedFormatException e) {
      err.println(a.input + ":" + e.line() + ": " + stripLine(e.getMessage()));
      return 1;
    } catch (NoSuchFileException e) {
      err.println("evaluate: " + a.input + ": no such file");
      return 1;
    } catch (IOException e) {
      err.println("evaluate: cannot read " + a.input + ": " + e.getMessage());
      return 1;
    }
    List<TargetDefinition> targets = List.of();
    if (a.targets != null) {
      try {
        // listed places only: places given as an area's children need the stored areas (the service)
        targets = io.fingerpost.strategy.Places.expand(TargetsLoader.loadFiles(List.of(a.targets)), java.util.Map.of());
      } catch (TargetsFileException e) {
        err.println("evaluate: " + e.getMessage());
        return 2;
      }
    }
    SeriesVerdicts.Settings settings = new SeriesVerdicts.Settings(a.polarity, a.valueType, a.trendMethod,
        a.improvement, a.target);
    try {
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      Map<SeriesKey, SeriesVerdicts.Benchmark> benchmarks = new HashMap<>();
      for (Map.Entry<SeriesKey, List<Observation>> e : series.entrySet()) {
        SeriesKey key = e.getKey();
        if (key.areaCode().equals(a.benchmark)) {
          continue;
        }
        // every series of a breakdown is judged against the same benchmark series: indexed once
        SeriesVerdicts.Benchmark benchmark = benchmarks.computeIfAbsent(key.inArea(a.benchmark),
            k -> SeriesVerdicts.Benchmark.of(series.getOrDefault(k, List.of())));
        SeriesVerdicts.Result r = SeriesVerdicts.evaluate(e.getValue(), benchmark, settings);
        ObjectNode json = toJson(key, r);
        TargetAnnotation.forSeries(key, series, targets).ifPresent(t -> json.set("target", t));
        w.write(JSON.writeValueAsString(json));
        w.write('\n');
      }
      w.flush();
    } catch (IOException e) {
      err.println("evaluate: cannot write the output: " + e.getMessage());
      return 1;
    }
    if (rejected > 0) {
      err.println("evaluate: " + rejected + " row(s) of " + a.input + " rejected and skipped");
      return 1;
    }
    return 0;
  }

  static ObjectNode toJson(SeriesKey key, SeriesVerdicts.Result r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("indicatorId", key.indicatorId());
    o.put("areaCode", key.areaCode());
    o.put("sex", key.sex());
    o.put("age", key.age());
    o.put("categoryType", key.categoryType());
    o.put("category", key.category());
    o.put("latestPeriod", r.latest().period().label());
    putNumber(o, "latestValue", r.latest().value());
    o.put("comparedToBenchmark", r.comparedToBenchmark().label());
    o.put("recentTrend", r.trend().label());
    putNumber(o, "trendChi2", r.trend().chi2());
    ObjectNode spc = o.putObject("spc");
    if (r.spc() == null) {
      spc.putNull("mean");
      spc.putNull("lowerProcessLimit");
      spc.putNull("upperProcessLimit");
      spc.putNull("latestPointType");
      spc.putNull("assurance");
    } else {
      Spc.Point p = r.spc().latest();
      putNumber(spc, "mean", p.mean());
      putNumber(spc, "lowerProcessLimit", p.lowerLimit());
      putNumber(spc, "upperProcessLimit", p.upperLimit());
      spc.put("latestPointType", p.pointType().label());
      spc.put("assurance", r.spc().assurance() == null ? null : r.spc().assurance().label());
    }
    o.put("spcShortSeries", r.spc() != null && r.spc().shortSeriesWarning());
    ObjectNode byPeriod = o.putObject("comparisons");
    for (Map.Entry<String, BenchmarkComparison.Outcome> c : r.comparisons().entrySet()) {
      byPeriod.put(c.getKey(), c.getValue().label());
    }
    return o;
  }

  /** JSON has no NaN: a number that is missing or not finite is null. */
  private static void putNumber(ObjectNode o, String field, Double v) {
    if (v == null || !Double.isFinite(v)) {
      o.putNull(field);
    } else {
      o.put(field, v);
    }
  }

  private static String stripLine(String message) {
    return message.replaceFirst("^line \\d+: ", "");
  }

  /** Parsed command-line arguments. */
  static final class Arguments {
    Path input;
    Polarity polarity;
    String benchmark = "E92000001";
    Spc.ImprovementDirection improvement;
    Double target;
    Path targets;
    ValueType valueType = ValueType.PROPORTION;
    RecentTrend.Method trendMethod = RecentTrend.Method.CI;

    static Arguments parse(String[] args) {
      Arguments a = new Arguments();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        String value;
        int eq = flag.indexOf('=');
        if (flag.startsWith("--") && eq > 0) {
          value = flag.substring(eq + 1);
          flag = flag.substring(0, eq);
        } else {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument '" + flag + "'");
          }
          value = args[++i];
        }
        switch (flag) {
          case "--input":
            a.input = Path.of(value);
            break;
          case "--polarity":
            a.polarity = polarity(value);
            break;
          case "--benchmark":
            if (value.isBlank()) {
              throw new IllegalArgumentException("--benchmark needs an area code");
            }
            a.benchmark = value.trim();
            break;
          case "--improvement":
            a.improvement = Spc.ImprovementDirection.parse(value);
            break;
          case "--target":
            try {
              a.target = Double.valueOf(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--target '" + value + "' is not a number");
            }
            if (!Double.isFinite(a.target)) {
              throw new IllegalArgumentException("--target '" + value + "' is not a finite number");
            }
            break;
          case "--targets":
            a.targets = Path.of(value);
            break;
          case "--value-type":
            a.valueType = ValueType.parse(value);
            break;
          case "--trend-method":
            switch (value) {
              case "ci":
                a.trendMethod = RecentTrend.Method.CI;
                break;
              case "counts":
                a.trendMethod = RecentTrend.Method.COUNTS;
                break;
              default:
                throw new IllegalArgumentException("--trend-method '" + value + "' is not one of ci, counts");
            }
            break;
          default:
            throw new IllegalArgumentException("unknown option '" + flag + "'");
        }
      }
      if (a.input == null) {
        throw new IllegalArgumentException("--input is required");
      }
      if (a.polarity == null) {
        throw new IllegalArgumentException("--polarity is required");
      }
      return a;
    }

    private static Polarity polarity(String v) {
      switch (v) {
        case "high-is-good":
          return Polarity.HIGH_IS_GOOD;
        case "low-is-good":
          return Polarity.LOW_IS_GOOD;
        case "no-judgement":
          return Polarity.NO_JUDGEMENT;
        default:
          throw new IllegalArgumentException("--polarity '" + v + "' is not one of high-is-good, low-is-good, no-judgement");
      }
    }
  }
}
