package io.fingerpost.report;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.model.Polarity;
import io.fingerpost.store.StoreReader;
import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Assembles a {@link Report} from what the queries read: rows, changes, headline, spine, order. */
final class ReportBuilder {
  private ReportBuilder() {}

  static Report.TargetRow row(TargetQueries.TargetState s, StoredEvaluation before, ReportReads.Meta meta,
      List<Report.Point> observations) {
    String status = status(s);
    // without an evaluation then or now, its status (NO_DATA or PENDING) is taken as unchanged
    String statusBefore = before != null ? before.evaluation().trajectory().status().name()
        : s.current() == null ? status : null;
    return new Report.TargetRow(s, status, before, statusBefore,
        meta == null ? null : meta.indicatorName(), meta == null ? null : meta.unit(),
        meta == null ? null : polarity(meta.polarity()), observations == null ? List.of() : observations,
        meta == null ? null : meta.valueType());
  }

  /** The API's status: the current evaluation's, else PENDING (series stored) or NO_DATA. */
  static String status(TargetQueries.TargetState s) {
    return s.current() != null ? s.current().evaluation().trajectory().status().name()
        : s.seriesExists() ? "PENDING" : "NO_DATA";
  }

  static Polarity polarity(String p) {
    try {
      return Polarity.parse(p);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static List<Report.Change> deteriorated(List<Report.TargetRow> rows) {
    List<Report.Change> out = new ArrayList<>();
    for (Report.TargetRow r : rows) {
      List<String> why = Changes.worse(r.before(), r.state().current());
      if (!why.isEmpty()) {
        out.add(new Report.Change(r, why, r.state().current().evaluation().explanation()));
      }
    }
    return out;
  }

  static List<Report.Change> improved(List<Report.TargetRow> rows) {
    List<Report.Change> out = new ArrayList<>();
    for (Report.TargetRow r : rows) {
      List<String> why = Changes.better(r.before(), r.state().current());
      if (!why.isEmpty()) {
        out.add(new Report.Change(r, why, r.state().current().evaluation().explanation()));
      }
    }
    return out;
  }

  static Report.Headline headline(List<Report.TargetRow> rows) {
    Map<String, List<Report.TargetRow>> byGroup = new TreeMap<>();
    Map<Integer, List<Report.TargetRow>> byHorizon = new TreeMap<>();
    int newSince = 0;
    for (Report.TargetRow r : rows) {
      String g = r.state().target().group();
      byGroup.computeIfAbsent(g == null ? "(no group)" : g, k -> new ArrayList<>()).add(r);
      Integer h = r.state().target().horizonYears();
      byHorizon.computeIfAbsent(h == null ? 0 : h, k -> new ArrayList<>()).add(r);
      newSince += r.state().current() != null && r.before() == null ? 1 : 0;
    }
    List<Report.Counts> groups = new ArrayList<>();
    byGroup.forEach((g, list) -> groups.add(counts(g, list)));
    List<Report.Counts> horizons = new ArrayList<>();
    byHorizon.forEach((h, list) -> horizons.add(counts(h == 0 ? "no horizon" : h + " years", list)));
    return new Report.Headline(counts("All targets", rows), groups, horizons, newSince);
  }

  private static Report.Counts counts(String label, List<Report.TargetRow> rows) {
    Map<String, Integer> now = new LinkedHashMap<>();
    Map<String, Integer> before = new LinkedHashMap<>();
    for (String s : Statuses.ORDER) {
      now.put(s, 0);
      before.put(s, 0);
    }
    for (Report.TargetRow r : rows) {
      now.merge(r.status(), 1, Integer::sum);
      if (r.statusBefore() != null) {
        before.merge(r.statusBefore(), 1, Integer::sum);
      }
    }
    return new Report.Counts(label, now, before);
  }

  /**
   * Spine rows: the place's value against England's and the areas of its type at the evaluated period.
   * Quartiles by linear interpolation between order statistics (Hyndman &amp; Fan 1996 type 7, R's default).
   */
  static List<Report.SpineRow> spine(List<Report.TargetRow> rows, Map<String, List<ReportReads.PeerValue>> peers,
      String areaType) {
    List<Report.SpineRow> out = new ArrayList<>();
    for (Report.TargetRow r : rows) {
      StoredEvaluation c = r.state().current();
      List<ReportReads.PeerValue> values = peers.get(r.id());
      if (c == null || c.evaluation().observed().value() == null || values == null) {
        continue;
      }
      Double england = null;
      List<Double> same = new ArrayList<>();
      for (ReportReads.PeerValue p : values) {
        if (p.areaCode().equals("E92000001")) {
          england = p.value();
        }
        if (areaType != null && areaType.equals(p.areaType())) {
          same.add(p.value());
        }
      }
      same.sort(Double::compare);
      out.add(new Report.SpineRow(r, c.evaluation().period(), c.evaluation().observed().value(), england,
          same.isEmpty() ? null : same.get(0), quantile(same, 0.25), quantile(same, 0.75),
          same.isEmpty() ? null : same.get(same.size() - 1), same.size()));
    }
    return out;
  }

  static Double quantile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return null;
    }
    double h = (sorted.size() - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.size() - 1);
    return sorted.get(lo) + (h - lo) * (sorted.get(hi) - sorted.get(lo));
  }

  static List<Report.TargetRow> sort(List<Report.TargetRow> rows, String sort) {
    Comparator<Report.TargetRow> byName = Comparator.comparing(Report.TargetRow::name,
        Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER)).thenComparing(Report.TargetRow::id);
    Comparator<Report.TargetRow> c = switch (sort == null ? Report.SORTS.get(0) : sort) {
      case "name" -> byName;
      case "id" -> Comparator.comparing(Report.TargetRow::id);
      case "group" -> Comparator.comparing((Report.TargetRow r) -> r.state().target().group(),
          Comparator.nullsLast(Comparator.<String>naturalOrder())).thenComparing(byName);
      case "team" -> Comparator.comparing((Report.TargetRow r) -> r.state().target().team(),
          Comparator.nullsLast(Comparator.<String>naturalOrder())).thenComparing(byName);
      // largest deviation from the trajectory first
      case "deviation" -> Comparator.comparing((Report.TargetRow r) -> number(r, e -> e.trajectory().deviation() == null
          ? null : -Math.abs(e.trajectory().deviation())), Comparator.nullsLast(Comparator.<Double>naturalOrder()))
          .thenComparing(byName);
      // least likely to meet the target first
      case "probability" -> Comparator.comparing((Report.TargetRow r) -> number(r,
          e -> e.projection().probabilityOfMeeting()), Comparator.nullsLast(Comparator.<Double>naturalOrder()))
          .thenComparing(byName);
      case "value" -> Comparator.comparing((Report.TargetRow r) -> number(r, e -> e.observed().value()),
          Comparator.nullsLast(Comparator.<Double>naturalOrder())).thenComparing(byName);
      default -> Comparator.comparingInt((Report.TargetRow r) -> Statuses.order(r.status())).thenComparing(byName);
    };
    return rows.stream().sorted(c).toList();
  }

  private static Double number(Report.TargetRow r, java.util.function.Function<Evaluation, Double> f) {
    return r.state().current() == null ? null : f.apply(r.state().current().evaluation());
  }

  static List<Report.FeedRow> feeds(List<StoreReader.FeedSummary> feeds, Duration staleAfter, Instant now) {
    List<Report.FeedRow> out = new ArrayList<>();
    for (StoreReader.FeedSummary f : feeds) {
      boolean stale = f.lastSuccess() == null || f.lastSuccess().isBefore(now.minus(staleAfter));
      out.add(new Report.FeedRow(f.name(), f.state(), f.lastSuccess(), f.lastError(), stale, staleAfter.toString()));
    }
    return out;
  }

  /** Firing alerts of the place (label {@code area}) or of its feeds (team operations), for the teams asked. */
  static List<AlertQueries.AlertSummary> alerts(List<AlertQueries.AlertSummary> firing, String area,
      List<String> teams) {
    return firing.stream().filter(a -> {
      String alertArea = a.labels() == null ? null : a.labels().getString("area");
      String team = a.labels() == null ? null : a.labels().getString("team");
      boolean place = alertArea == null ? a.labels() != null && a.labels().containsKey("feed") : alertArea.equals(area);
      return place && (teams.isEmpty() || teams.contains(team));
    }).toList();
  }
}
