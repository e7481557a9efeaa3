package io.fingerpost.alert;

import java.util.Locale;

/** The deterioration rules of docs/design.md "Alert rules"; {@link #label()} is the {@code rule} label value. */
public enum Rule {
  OFF_TRAJECTORY("OffTrajectory"),
  PROJECTED_MISS("ProjectedMiss"),
  SPC_CONCERN("SpecialCauseConcern"),
  WORSE_THAN_BENCHMARK("WorseThanBenchmark"),
  TREND_WORSE("TrendGettingWorse"),
  GAP_WIDENING("GapWidening"),
  FEED_STALE("FeedStaleOrFailing");

  private final String alertName;

  Rule(String alertName) {
    this.alertName = alertName;
  }

  /** Lower-case name used in labels, config keys and API filters: {@code off_trajectory}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The {@code alertname} label, as Alertmanager users expect one. */
  public String alertName() {
    return alertName;
  }

  public static Rule fromLabel(String label) {
    for (Rule r : values()) {
      if (r.label().equalsIgnoreCase(label) || r.name().equalsIgnoreCase(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown alert rule '" + label + "'");
  }
}
