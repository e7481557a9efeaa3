package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.Polarity;
import io.fingerpost.model.SeriesKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SeriesVerdicts' comparison with its benchmark: the benchmark's value at a period is the last one given for its
 * label, whether the series shares the benchmark's Period instances (found by identity, stop 20) or has equal
 * ones made elsewhere, in any order, with periods the benchmark lacks and labels the benchmark gives twice.
 */
class SeriesVerdictsTest {

  private static final SeriesKey KEY = new SeriesKey("1", "E1", "Persons", "All ages", "", "");

  private static Observation obs(Period p, Double value, double halfWidth) {
    return new Observation(KEY, p, value, value == null ? null : value - halfWidth,
        value == null ? null : value + halfWidth, null, null, 10.0, 100.0, null);
  }

  @Test
  void everyPeriodIsComparedWithTheLastBenchmarkValueOfItsLabel() {
    SplittableRandom random = new SplittableRandom(20);
    SeriesVerdicts.Settings settings = new SeriesVerdicts.Settings(Polarity.LOW_IS_GOOD, ValueType.PROPORTION,
        RecentTrend.Method.CI, null, null);
    for (int run = 0; run < 5_000; run++) {
      Period[] shared = new Period[12];
      for (int i = 0; i < shared.length; i++) {
        shared[i] = Period.parse(String.valueOf(2010 + i));
      }
      List<Observation> benchmark = new ArrayList<>();
      Map<String, Double> byLabel = new HashMap<>();
      int size = random.nextInt(15);
      int start = random.nextInt(4);
      for (int i = 0; i < size; i++) {
        // mostly in order, sometimes a label again or out of order; sometimes no value
        int at = random.nextInt(5) == 0 ? random.nextInt(shared.length) : Math.min(shared.length - 1, start + i);
        Double value = random.nextInt(8) == 0 ? null : Double.valueOf(20 + random.nextInt(5));
        benchmark.add(obs(shared[at], value, 1));
        byLabel.put(shared[at].label(), value);
      }
      SeriesVerdicts.Benchmark index = SeriesVerdicts.Benchmark.of(benchmark);
      List<Observation> series = new ArrayList<>();
      int from = random.nextInt(4);
      int points = 1 + random.nextInt(10);
      for (int i = from; i < Math.min(shared.length, from + points); i++) {
        // the benchmark's own Period, or an equal one parsed again (not the same object)
        Period p = random.nextBoolean() ? shared[i] : Period.parse(shared[i].label());
        series.add(obs(p, 18.0 + random.nextInt(9), random.nextInt(3)));
      }
      SeriesVerdicts.Result r = SeriesVerdicts.evaluate(series, index, settings);
      for (Observation o : series) {
        BenchmarkComparison.Outcome expected = BenchmarkComparison.compare95(o.value(), o.lowerCi95(),
            o.upperCi95(), byLabel.get(o.period().label()), Polarity.LOW_IS_GOOD);
        assertEquals(expected, r.comparisons().get(o.period().label()), "run " + run + " at " + o.period());
      }
    }
  }
}
