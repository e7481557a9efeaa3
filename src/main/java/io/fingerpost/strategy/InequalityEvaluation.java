package io.fingerpost.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fingerpost.engine.InequalityGap;
import io.fingerpost.engine.Sii;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The inequality part of an evaluation, from the same series broken down by deprivation: the gap between
 * the most and the least deprived group and whether it widened ({@link InequalityGap}), and the slope index
 * of inequality across every group ({@link Sii}, phe_sii). Pure.
 */
final class InequalityEvaluation {

  private static final Map<String, Integer> ORDINALS = Map.ofEntries(Map.entry("first", 1), Map.entry("second", 2),
      Map.entry("third", 3), Map.entry("fourth", 4), Map.entry("fifth", 5), Map.entry("sixth", 6),
      Map.entry("seventh", 7), Map.entry("eighth", 8), Map.entry("ninth", 9), Map.entry("tenth", 10));

  private InequalityEvaluation() {}

  /**
   * Gap and SII at the target's latest period for the first deprivation category type (by name) that has
   * both the most and the least deprived group then; {@link Evaluation.Gap#NONE} when none has.
   *
   * <p>Gap: most − least, most ÷ least. Widening: {@link InequalityGap#widenedSignificantly} against the
   * previous period with both groups, each gap's 95% limits from SE = √(SE_most² + SE_least²), the groups'
   * SEs from their 95% CIs; without CIs, null (not judged).
   *
   * <p>SII: phe_sii's point value (no transform, multiplier 1: in the indicator's unit, the fitted value at
   * the least deprived end minus the most deprived end) when the type has 5 or more groups at that period,
   * each with a value and a population (the observation's denominator; phe_sii needs it) and a place in the
   * order from most to least deprived read from its label ("Most deprived decile", "Second most …",
   * "Third more …", "Fifth less …", "Least …"; "Average …" in the middle). Its 95% limits are added to the
   * details when every group has a 95% CI.
   */
  static Evaluation.Gap evaluate(List<Observation> deprivation, String period, ObjectNode details) {
    TreeMap<String, List<Observation>> byType = new TreeMap<>();
    for (Observation o : deprivation) {
      if (o.value() != null) {
        byType.computeIfAbsent(o.key().categoryType(), k -> new ArrayList<>()).add(o);
      }
    }
    for (Map.Entry<String, List<Observation>> e : byType.entrySet()) {
      List<Observation> groups = e.getValue();
      Observation most = end(groups, period, true);
      Observation least = end(groups, period, false);
      if (most == null || least == null) {
        continue;
      }
      InequalityGap.Gap g = InequalityGap.of(most.value(), least.value());
      ObjectNode n = details.putObject("gap");
      n.put("categoryType", e.getKey());
      n.put("period", period);
      n.put("mostDeprived", most.value());
      n.put("leastDeprived", least.value());
      n.put("absolute", g.absolute());
      TargetEvaluation.putNumber(n, "relative", g.relative());
      Boolean widening = widening(groups, most, least, n);
      Double sii = sii(groups, period, n);
      return new Evaluation.Gap(g.absolute(), g.relative(), sii, widening);
    }
    return Evaluation.Gap.NONE;
  }

  private static Boolean widening(List<Observation> groups, Observation most, Observation least, ObjectNode n) {
    Period latest = most.period();
    Observation prevMost = null;
    Observation prevLeast = null;
    for (Observation o : groups) {
      if (o.period().compareTo(latest) < 0 && isEnd(o, true)
          && (prevMost == null || o.period().compareTo(prevMost.period()) > 0)) {
        Observation l = end(groups, o.period().label(), false);
        if (l != null) {
          prevMost = o;
          prevLeast = l;
        }
      }
    }
    if (prevMost == null) {
      return null;
    }
    InequalityGap.Measure before = measure(prevMost, prevLeast);
    InequalityGap.Measure now = measure(most, least);
    Boolean widening = before.lower95() != null && now.lower95() != null
        ? InequalityGap.widenedSignificantly(before, now) : null;
    n.put("previousPeriod", prevMost.period().label());
    n.put("previousAbsolute", before.value());
    if (widening != null) {
      n.put("widening", widening);
    }
    return widening;
  }

  private static Double sii(List<Observation> groups, String period, ObjectNode n) {
    List<Observation> at = groups.stream().filter(o -> o.period().label().equals(period)).toList();
    int k = at.size();
    if (k < 5 || k > 100) {
      return null; // phe_sii's range of quantiles
    }
    Observation[] ordered = new Observation[k];
    for (Observation o : at) {
      Integer rank = rank(o.key().category(), k);
      if (rank == null || rank < 1 || rank > k || ordered[rank - 1] != null || o.denominator() == null
          || !(o.denominator() > 0)) {
        n.put("siiNotComputed", "the groups of " + period + " are not " + k
            + " ranked deprivation groups each with a population");
        return null;
      }
      ordered[rank - 1] = o;
    }
    boolean limits = at.stream().allMatch(o -> o.lowerCi95() != null && o.upperCi95() != null);
    List<Sii.Quantile> quantiles = new ArrayList<>();
    for (Observation o : ordered) {
      // without limits the standard error only widens the (unreported) interval, never the point value
      quantiles.add(limits ? new Sii.Quantile(o.denominator(), o.value(), o.lowerCi95(), o.upperCi95(), null)
          : new Sii.Quantile(o.denominator(), o.value(), null, null, 0.0));
    }
    Sii.Result r = Sii.compute(quantiles,
        new Sii.Options(Sii.Kind.OTHER, false, 1, new double[] {0.95}, 1000, 1L, false));
    n.put("sii", r.sii());
    n.put("siiGroups", k);
    if (limits) {
      n.put("siiLower95", r.limits().get(0).siiLower());
      n.put("siiUpper95", r.limits().get(0).siiUpper());
    }
    return r.sii();
  }

  /**
   * The place of a deprivation group from the most deprived (1) to the least deprived (k), read from its
   * label; null when the label names no place.
   */
  static Integer rank(String category, int k) {
    String[] words = category.toLowerCase(Locale.ROOT).split("[^a-z0-9]+");
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      if (w.equals("average") || w.equals("middle")) {
        return k % 2 == 1 ? (k + 1) / 2 : null;
      }
      boolean mostSide = w.equals("most") || w.equals("more");
      boolean leastSide = w.equals("least") || w.equals("less");
      if ((mostSide || leastSide) && i + 1 < words.length && words[i + 1].equals("deprived")) {
        int ordinal = i > 0 ? ORDINALS.getOrDefault(words[i - 1], 1) : 1;
        return mostSide ? ordinal : k - ordinal + 1;
      }
    }
    return null;
  }

  /** Whether a group is the most (or least) deprived one: "Most deprived …", not "Second most deprived …". */
  private static boolean isEnd(Observation o, boolean most) {
    Integer fromMost = rank(o.key().category(), 1_000);
    return fromMost != null && (most ? fromMost == 1 : fromMost == 1_000);
  }

  private static Observation end(List<Observation> groups, String period, boolean most) {
    return groups.stream().filter(o -> o.period().label().equals(period) && isEnd(o, most))
        .min(Comparator.comparing(o -> o.key().category())).orElse(null);
  }

  private static InequalityGap.Measure measure(Observation most, Observation least) {
    double gap = most.value() - least.value();
    if (most.lowerCi95() == null || most.upperCi95() == null || least.lowerCi95() == null
        || least.upperCi95() == null) {
      return new InequalityGap.Measure(gap, null, null);
    }
    double se1 = (most.upperCi95() - most.lowerCi95()) / 3.92;
    double se2 = (least.upperCi95() - least.lowerCi95()) / 3.92;
    double half = 1.959963984540054 * Math.sqrt(se1 * se1 + se2 * se2);
    return new InequalityGap.Measure(gap, gap - half, gap + half);
  }
}
