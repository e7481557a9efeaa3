package io.fingerpost.report;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.model.Polarity;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetQueries;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One place's surveillance report as plain data: what {@link ReportHtml} draws, what {@code /report.json}
 * lists and what a digest counts. Built by {@link ReportService#build}.
 *
 * @param since the instant changes are counted from (an evaluation id given as {@code since} is its time)
 * @param places every area that has targets, for the links between reports
 */
public record Report(ReportQuery query, String area, String areaName, Instant since, Instant generatedAt,
    String grafanaUrl, List<Place> places, Headline headline, List<Change> deteriorated, List<Change> improved,
    List<TargetRow> targets, List<SpineRow> spine, List<AlertQueries.AlertSummary> alerts, List<FeedRow> feeds) {

  /** The keys {@code sort=} accepts; the first is the default (worst status first). */
  public static final List<String> SORTS = List.of("status", "name", "id", "group", "team", "deviation",
      "probability", "value");

  public int improvedCount() {
    return improved.size();
  }

  public int deterioratedCount() {
    return deteriorated.size();
  }

  /** The place as the report and its digest name it: "Dudley (E08000027)", or the code alone when unnamed. */
  public String place() {
    return areaName == null || areaName.equals(area) ? area : areaName + " (" + area + ")";
  }

  /**
   * The report's changes in one line, the lead of the page and the first line of a digest's summary; when
   * nothing improved or deteriorated it says so ("Nothing changed since …"), so such a digest is not silent.
   */
  public String changesLine() {
    int better = improvedCount();
    int worse = deterioratedCount();
    if (better == 0 && worse == 0) {
      return "Nothing changed since " + Xhtml.when(since) + ": no target of " + place()
          + " improved or deteriorated.";
    }
    return place() + " since " + Xhtml.when(since) + ": " + worse + " target" + (worse == 1 ? "" : "s")
        + " deteriorated, " + better + " improved.";
  }

  /** An area with targets. */
  public record Place(String code, String name, int targets) {}

  /** Counts by status now and at {@code since}, overall and per strategy group and horizon. */
  public record Headline(Counts all, List<Counts> byGroup, List<Counts> byHorizon, int newSince) {}

  /** Targets per status (API status names) now and at {@code since}, for one row of the headline. */
  public record Counts(String label, Map<String, Integer> now, Map<String, Integer> before) {
    public int change(String status) {
      return now.getOrDefault(status, 0) - before.getOrDefault(status, 0);
    }
  }

  /**
   * A target of the report: its current state (what {@code /api/targets/{id}} shows), its status and
   * evaluation at {@code since} (null when it had none then), its indicator and its observations.
   */
  public record TargetRow(TargetQueries.TargetState state, String status, StoredEvaluation before,
      String statusBefore, String indicatorName, String unit, Polarity polarity, List<Point> observations,
      String valueType) {
    public String id() {
      return state.target().id();
    }

    public String name() {
      return state.target().name();
    }
  }

  /** One observation: period, its time in years (midpoint), value and 95% confidence interval. */
  public record Point(String period, double t, Double value, Double lower, Double upper) {}

  /** A target that got worse (or better) since {@code since}: why, in short phrases, and its explanation. */
  public record Change(TargetRow target, List<String> reasons, String explanation) {}

  /**
   * One line of the spine chart: the place's value at its latest evaluated period against England's and
   * the spread over areas of the same type (lowest, 25th, 75th percentile, highest; {@code areas} of them).
   */
  public record SpineRow(TargetRow target, String period, Double value, Double england, Double min, Double q25,
      Double q75, Double max, int areas) {}

  /** A feed's freshness: {@code stale} when its last success is missing or older than {@code staleAfter}. */
  public record FeedRow(String name, String state, Instant lastSuccess, String lastError, boolean stale,
      String staleAfter) {}
}
