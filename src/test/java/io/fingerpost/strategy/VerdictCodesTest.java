package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.engine.BenchmarkComparison;
import io.fingerpost.engine.RecentTrend;
import io.fingerpost.engine.Spc;
import io.fingerpost.model.Polarity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every engine verdict has exactly one code, whose label is the text the engine words it with (so a stored
 * label and its code always agree), and deprivation groups are ranked from their Fingertips labels.
 */
class VerdictCodesTest {

  @Test
  void everyEngineVerdictHasACodeWithTheEnginesLabel() {
    for (RecentTrend.Marker m : RecentTrend.Marker.values()) {
      for (Polarity p : Polarity.values()) {
        assertEquals(RecentTrend.label(m, p), Verdicts.Trend.of(m, p).label(), m + " " + p);
      }
    }
    for (BenchmarkComparison.Outcome o : BenchmarkComparison.Outcome.values()) {
      assertEquals(o.label(), Verdicts.Comparison.of(o).label());
    }
    for (Spc.PointType t : Spc.PointType.values()) {
      assertEquals(t.label(), Verdicts.SpcPoint.of(t).label());
    }
    for (Spc.Assurance a : Spc.Assurance.values()) {
      assertEquals(a.label(), Verdicts.Assurance.of(a).label());
    }
    assertEquals(List.of("NOT_ENOUGH_DATA", "ON_TRACK", "AT_RISK", "OFF_TRACK"),
        List.of(TargetStatus.values()).stream().map(TargetStatus::label).toList());
  }

  @Test
  void deprivationGroupsAreRankedFromTheirLabels() {
    // the Fingertips export's deciles (campylobacter 93356) and the tidy files' quintiles, most deprived first
    List<String> deciles = List.of("Most deprived decile (IMD2015)", "Second most deprived decile (IMD2015)",
        "Third more deprived decile (IMD2015)", "Fourth more deprived decile (IMD2015)",
        "Fifth more deprived decile (IMD2015)", "Fifth less deprived decile (IMD2015)",
        "Fourth less deprived decile (IMD2015)", "Third less deprived decile (IMD2015)",
        "Second least deprived decile (IMD2015)", "Least deprived decile (IMD2015)");
    List<Integer> ranks = new ArrayList<>();
    deciles.forEach(d -> ranks.add(InequalityEvaluation.rank(d, 10)));
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), ranks);
    List<String> quintiles = List.of("Most deprived quintile", "Second most deprived quintile",
        "Average deprived quintile", "Second least deprived quintile", "Least deprived quintile");
    ranks.clear();
    quintiles.forEach(q -> ranks.add(InequalityEvaluation.rank(q, 5)));
    assertEquals(List.of(1, 2, 3, 4, 5), ranks);
    assertEquals(null, InequalityEvaluation.rank("Asian or Asian British", 5));
  }
}
