package io.fingerpost.report;

import java.time.Instant;
import java.util.List;

/**
 * What a report covers: one place ({@code area} code; null = the first area of the targets), the instant
 * its changes are counted from ({@code since}; null = 30 days before now), optional strategy groups and teams
 * (empty = all), the order of its table ({@code sort}; null = {@link Report#SORTS}' first) and the instant its
 * "current" state is read at ({@code until}; null = now, the pages): each target's newest evaluation at or
 * before it. A digest passes its scheduled fire time, so a late or caught-up run covers exactly its window.
 */
public record ReportQuery(String area, Instant since, List<String> groups, List<String> teams, String sort,
    Instant until) {
  public ReportQuery {
    groups = groups == null ? List.of() : List.copyOf(groups);
    teams = teams == null ? List.of() : List.copyOf(teams);
  }

  /** A report of the present (the pages). */
  public ReportQuery(String area, Instant since, List<String> groups, List<String> teams, String sort) {
    this(area, since, groups, teams, sort, null);
  }
}
