package io.fingerpost.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetContext;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exposition's exact bytes for a fixed, awkward set of states (escapes, non-ASCII and surrogate pairs in
 * labels, empty and absent labels, NaN, infinities, -0.0, integral and fractional values around 1e15, absent
 * verdicts and states without a target), rendered whole and by segments. The digests were taken from the
 * StringBuilder renderer this project used up to stop 13, before the byte-level one replaced it: a change to
 * the text for the same states fails here.
 */
class ExpositionBytesTest {

  /** SHA-256 of the text of {@link #states} rendered by the renderer before the byte-level one. */
  static final String DIGEST = "857be7d26413890a0b4c08b50266a1fe8ada9fb342cff3b1c12cfc702d8130e2";
  static final long SIZE = 14_793_919;

  @Test
  void sameBytesAsTheRendererBefore() throws Exception {
    List<IndicatorState> states = states(3_000);
    byte[] whole = IndicatorStateExposition.render(states).text();
    StateSegments segments = new StateSegments(IndicatorState::key);
    segments.reset(states);
    byte[] bySegments = IndicatorStateExposition.assemble(segments.segments()).text();
    assertEquals(new String(whole, StandardCharsets.UTF_8), new String(bySegments, StandardCharsets.UTF_8));
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(whole));
    assertEquals(DIGEST + " " + SIZE, digest + " " + whole.length);
  }

  private static final String[] AWKWARD = {"", "plain", "with \"quotes\"", "back\\slash", "two\nlines", "Ynys Môn",
      "Bro Morgannwg — Vale", "emoji \uD83D\uDE00 pair", "lone \uD800 surrogate", "tab\there", "ends with \\",
      "Ωμέγα", "\"", "\n"};

  private static final double[] NUMBERS = {0, -0.0, 1, -1, 0.1, 77.84, -2.5, 2021.5, 1e15, 1e15 - 1, 999999999999999.9,
      1.7e9, 1e-7, 123456.789, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
      Double.MAX_VALUE, 4.35, 0.30000000000000004, 1e21, 1e22, 2e-3};

  static List<IndicatorState> states(int n) {
    SplittableRandom r = new SplittableRandom(14);
    List<IndicatorState> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean untargeted = i % 11 == 5;
      String targetId = untargeted ? "" : "t-" + (90000 + i % 37) + "-" + pick(r) + "-" + i;
      TargetContext t = new TargetContext(targetId, pick(r), String.valueOf(90000 + i % 37), pick(r), pick(r),
          "E0" + (8000000 + i), pick(r), pick(r), pick(r), pick(r), pick(r), pick(r), pick(r), pick(r),
          num(r), pick(r), pick(r));
      TargetStatus[] statuses = TargetStatus.values();
      Evaluation e = new Evaluation(targetId, (long) i, pick(r), num(r), 1,
          r.nextInt(5) == 0 ? null : new Evaluation.Trajectory(r.nextInt(6) == 0 ? null : statuses[r.nextInt(statuses.length)],
              null, r.nextInt(3) == 0 ? null : r.nextBoolean(), num(r), num(r), num(r), num(r), num(r), num(r)),
          new Evaluation.Observed(num(r), num(r), num(r)),
          new Verdicts(verdict(r, Verdicts.Comparison.values()), verdict(r, Verdicts.Comparison.values()),
              verdict(r, Verdicts.Trend.values()), verdict(r, Verdicts.SpcPoint.values()),
              verdict(r, Verdicts.Assurance.values())),
          r.nextInt(3) == 0 ? null : new Evaluation.Gap(num(r), num(r), num(r), r.nextInt(3) == 0 ? null : r.nextBoolean()),
          new Evaluation.Projection(num(r), num(r), num(r), num(r)), null, null, null);
      out.add(new IndicatorState(t, e, r.nextInt(4) == 0 ? null : statuses[r.nextInt(statuses.length)],
          r.nextInt(5) == 0 ? null : Instant.ofEpochMilli(1_700_000_000_000L + r.nextLong(100_000_000_000L))));
    }
    return out;
  }

  private static String pick(SplittableRandom r) {
    return AWKWARD[r.nextInt(AWKWARD.length)] + (r.nextInt(4) == 0 ? "" : " " + r.nextInt(1000));
  }

  private static Double num(SplittableRandom r) {
    int k = r.nextInt(NUMBERS.length + 3);
    if (k == NUMBERS.length) return null;
    if (k > NUMBERS.length) return (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-6, 16));
    return NUMBERS[k];
  }

  private static <E extends Enum<E> & Verdict.Coded> Verdict<E> verdict(SplittableRandom r, E[] values) {
    int k = r.nextInt(values.length + 1);
    if (k == values.length) return null;
    return r.nextInt(3) == 0 ? new Verdict<>(values[k], pick(r)) : Verdict.of(values[k]);
  }
}
