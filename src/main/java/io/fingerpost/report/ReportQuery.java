package io.fingerpost.report;

import java.time.Instant;
import java.util.List;

/**
 * What a report covers: one place ({@code area} code; null = the first area of the targets), the instant
 * its changes are counted from ({@code since}; null = 30 days before now), optional strategy groups and teams
 * (empty = all) and the order of its table ({@code sort}; null = {@link Report#SORTS}' first).
 */
public record ReportQuery(String area, Instant since, List<String> groups, List<String> teams, String sort) {
  public ReportQuery {
    groups = groups == null ? List.of() : List.copyOf(groups);
    teams = teams == null ? List.of() : List.copyOf(teams);
  }
}
