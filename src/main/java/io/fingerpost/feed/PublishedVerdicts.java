package io.fingerpost.feed;

/**
 * Verdicts a source published next to a value, as printed (null when absent or blank).
 *
 * @param recentTrend Fingertips "Recent Trend", e.g. "Increasing and getting worse"
 * @param comparedToEngland "Compared to England value or percentiles", e.g. "Worse"
 * @param comparedToParent the second comparator column ("Compared to Region …", "Compared to Counties &amp;
 *     UAs …"), whose header is {@code parentColumn}
 * @param comparedToGoal "Compared to goal"
 */
public record PublishedVerdicts(
    String recentTrend, String comparedToEngland, String comparedToParent, String parentColumn,
    String comparedToGoal) {

  public static final PublishedVerdicts NONE = new PublishedVerdicts(null, null, null, null, null);
}
