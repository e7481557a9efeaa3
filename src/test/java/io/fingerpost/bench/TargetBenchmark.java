package io.fingerpost.bench;

import io.fingerpost.engine.LeastSquares;
import io.fingerpost.model.Period;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetEvaluation;
import io.fingerpost.strategy.TargetsLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Evaluating targets (trajectory, projection, England comparison, recent trend, SPC, explanation and
 * fingerprint: {@link TargetEvaluation#evaluate}) on {@code targets} series of {@code points} 3-year pooled
 * values with CIs, next to the bare weighted least-squares projection of the same series
 * ({@link LeastSquares}) in the same run: the ratio of the two scores is what the rest of an evaluation
 * costs over the regression. Run with {@code bench/targets.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TargetBenchmark {

  @Param("10000")
  public int targets;

  @Param("10")
  public int points;

  List<TargetEvaluation.Inputs> inputs;

  @Setup(Level.Trial)
  public void setUp() {
    TargetDefinition template = TargetsLoader.loadResource("fingerpost/default/targets/dudley-2023-2033.yaml")
        .stream().filter(t -> t.id().equals("le-birth-male")).findFirst().orElseThrow();
    SplittableRandom random = new SplittableRandom(42);
    inputs = new ArrayList<>(targets);
    for (int i = 0; i < targets; i++) {
      SeriesKey key = new SeriesKey("90366", "E08000027", "Male", "", "", "");
      List<Observation> own = new ArrayList<>();
      List<Observation> england = new ArrayList<>();
      for (int p = 0; p < points; p++) {
        int from = 2014 + p;
        Period period = Period.parse(from + " - " + String.format("%02d", (from + 2) % 100));
        double v = 78.5 + 0.05 * p + random.nextDouble(-0.4, 0.4);
        own.add(new Observation(key, period, v, v - 0.45, v + 0.45, v - 0.7, v + 0.7, null, null, null));
        double e = 79.3 + random.nextDouble(-0.2, 0.2);
        england.add(new Observation(key.inArea("E92000001"), period, e, e - 0.05, e + 0.05, e - 0.08, e + 0.08,
            null, null, null));
      }
      inputs.add(new TargetEvaluation.Inputs(template, "Dudley",
          new TargetEvaluation.IndicatorInfo("Life expectancy at birth", "Years", "Other", "HIGH_IS_GOOD"),
          (long) i, own, Map.of(), england, List.of(), england));
    }
  }

  @Benchmark
  public int evaluateTargets() {
    int onTrack = 0;
    for (TargetEvaluation.Inputs in : inputs) {
      Evaluation r = TargetEvaluation.evaluate(in);
      if (r.status() == TargetStatus.ON_TRACK) {
        onTrack++;
      }
    }
    return onTrack;
  }

  @Benchmark
  public double referenceProjectionOnly() {
    double sum = 0;
    for (TargetEvaluation.Inputs in : inputs) {
      List<Observation> obs = in.observations();
      int n = obs.size();
      double[] t = new double[n];
      double[] y = new double[n];
      Double[] lo = new Double[n];
      Double[] hi = new Double[n];
      for (int i = 0; i < n; i++) {
        t[i] = obs.get(i).period().t();
        y[i] = obs.get(i).value();
        lo[i] = obs.get(i).lowerCi95();
        hi[i] = obs.get(i).upperCi95();
      }
      sum += LeastSquares.weighted(t, y, LeastSquares.weightsFromCi95(lo, hi))
          .predictionInterval(2032.5, 0.95).value();
    }
    return sum;
  }
}
