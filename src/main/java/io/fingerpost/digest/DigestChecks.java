package io.fingerpost.digest;

import io.fingerpost.config.ConfigException;
import io.fingerpost.config.DigestConfig;
import io.fingerpost.strategy.TargetDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the config loader cannot check alone: a digest's area, groups and teams must be those of the loaded
 * targets (a digest of an area without targets would say "nothing changed" for ever). Run at start-up after
 * the targets files are read, before the database starts.
 */
public final class DigestChecks {
  private DigestChecks() {}

  /** Throws a ConfigException listing every problem ({@code file: reports[0] (weekly).area: unknown area 'X' …}). */
  public static void check(String file, List<DigestConfig> reports, List<TargetDefinition> targets) {
    Set<String> areas = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    Set<String> teams = new TreeSet<>();
    // every place of a `places:` list is an area of the targets (as the evaluator expands them)
    for (TargetDefinition t : io.fingerpost.strategy.Places.expand(targets, java.util.Map.of())) {
      areas.add(t.series().areaCode());
      if (t.group() != null) {
        groups.add(t.group());
      }
      if (t.team() != null) {
        teams.add(t.team());
      }
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      DigestConfig d = reports.get(i);
      String key = file + ": reports[" + i + "] (" + d.name() + ")";
      if (!areas.contains(d.area())) {
        problems.add(key + ".area: unknown area '" + d.area() + "' (areas of the targets: " + areas + ")");
      }
      for (int j = 0; j < d.groups().size(); j++) {
        if (!groups.contains(d.groups().get(j))) {
          problems.add(key + ".groups[" + j + "]: unknown strategy group '" + d.groups().get(j) + "' (groups of the targets: "
              + groups + ")");
        }
      }
      for (int j = 0; j < d.teams().size(); j++) {
        if (!teams.contains(d.teams().get(j))) {
          problems.add(key + ".teams[" + j + "]: unknown team '" + d.teams().get(j) + "' (teams of the targets: "
              + teams + ")");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems));
    }
  }
}
