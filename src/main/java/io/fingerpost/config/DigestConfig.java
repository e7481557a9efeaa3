package io.fingerpost.config;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scheduled digest ({@code reports[i]}): the report of {@code area} (optionally only some strategy
 * {@code groups} and {@code teams}) sent to {@code receivers} (names of {@code alerts.receivers}) on
 * {@code schedule}.
 *
 * <p>{@code schedule} is cron syntax parsed by cron-utils: five fields are the UNIX flavour
 * ({@code minute hour day-of-month month day-of-week}, e.g. {@code "0 8 * * MON"}); six fields are the
 * Spring flavour, seconds first ({@code "0/20 * * * * *"}: every 20 seconds), for schedules finer than a minute. Times are UTC.
 */
public record DigestConfig(String name, String schedule, String area, List<String> groups, List<String> teams,
    List<String> receivers) {

  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

  public DigestConfig {
    groups = groups == null ? List.of() : List.copyOf(groups);
    teams = teams == null ? List.of() : List.copyOf(teams);
    receivers = receivers == null ? List.of() : List.copyOf(receivers);
  }

  /** The schedule parsed: UNIX (5 fields) or Spring with seconds (6 fields); IllegalArgumentException says why not. */
  public static Cron cron(String schedule) {
    if (schedule == null || schedule.isBlank()) {
      throw new IllegalArgumentException("missing (cron: 5 fields, or 6 with seconds first)");
    }
    String s = schedule.trim();
    int fields = s.split("\\s+").length;
    CronParser parser = switch (fields) {
      case 5 -> UNIX;
      case 6 -> SECONDS;
      default -> throw new IllegalArgumentException("'" + s + "' has " + fields
          + " fields; a cron schedule has 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)");
    };
    try {
      Cron cron = parser.parse(s);
      cron.validate();
      return cron;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + s + "' is not a valid cron schedule: " + e.getMessage());
    }
  }

  public Cron cron() {
    return cron(schedule);
  }

  /** Every problem of the {@code reports} list; areas, groups and teams are checked against the targets later. */
  static void check(List<DigestConfig> reports, AlertsConfig alerts, Problems problems) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < reports.size(); i++) {
      DigestConfig d = reports.get(i);
      String at = "/reports/" + i;
      if (d == null) {
        if (!problems.at(at)) {
          problems.add(at, "empty digest");
        }
        continue;
      }
      if (d.name() == null || d.name().isBlank()) {
        required(problems, at + "/name", "missing");
      } else if (!names.add(d.name())) {
        problems.add(at + "/name", "another digest has the name '" + d.name() + "'");
      }
      try {
        cron(d.schedule());
      } catch (IllegalArgumentException e) {
        if (!problems.at(at + "/schedule")) {
          problems.add(at + "/schedule", e.getMessage());
        }
      }
      if (d.area() == null || d.area().isBlank()) {
        required(problems, at + "/area", "missing (an area code of the targets)");
      }
      if (d.receivers().isEmpty()) {
        required(problems, at + "/receivers", "missing (names of alerts.receivers)");
      }
      receivers(d, at, alerts.receivers(), problems);
    }
    if (!reports.isEmpty() && !alerts.enabled()) {
      problems.add("/reports", "digests are delivered by the alert notifier: they need alerts.enabled: true");
    }
  }

  private static void receivers(DigestConfig d, String at, Map<String, ReceiverConfig> known, Problems problems) {
    for (int j = 0; j < d.receivers().size(); j++) {
      String n = d.receivers().get(j);
      ReceiverConfig r = known.get(n);
      if (r == null) {
        problems.add(at + "/receivers/" + j, "unknown receiver '" + n + "' (alerts.receivers: " + known.keySet() + ")");
      } else if ("alertmanager".equals(r.type())) {
        problems.add(at + "/receivers/" + j, "receiver '" + n + "' is an Alertmanager, which takes alerts, not digests");
      }
    }
  }

  private static void required(Problems problems, String at, String reason) {
    if (!problems.at(at)) {
      problems.add(at, reason);
    }
  }
}
