package io.fingerpost.report;

import io.fingerpost.strategy.StoredEvaluation;
import java.util.List;

/**
 * One target's page: its row (current state, observations with 95% CIs), the trajectory's knots (baseline,
 * milestones, target), England's and the region's series, and the history of its evaluations (newest first).
 */
public record TargetReport(Report.TargetRow row, String areaName, List<Knot> trajectory, List<Report.Point> england,
    String regionName, List<Report.Point> region, List<StoredEvaluation> history, String grafanaUrl) {

  /** A point of the trajectory: {@code baseline}, {@code milestone} or {@code target}. */
  public record Knot(String kind, String period, double t, double value) {}
}
