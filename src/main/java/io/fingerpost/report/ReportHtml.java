package io.fingerpost.report;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetQueries;
import io.fingerpost.strategy.Verdict;
import java.util.ArrayList;
import java.util.List;

/** Draws a {@link Report} as one self-contained XHTML page (the PDF renders the same text). */
final class ReportHtml {
  private ReportHtml() {}

  static String render(Report r) {
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append(Xhtml.open("Fingerpost report: " + r.place()));
    nav(b, r);
    b.append("<h1>Fingerpost report: ").append(Xhtml.esc(r.areaName())).append(" <span class=\"muted\">(")
        .append(Xhtml.esc(r.area())).append(")</span></h1>");
    b.append("<p class=\"muted\">Changes since <strong>").append(Xhtml.when(r.since())).append("</strong>")
        .append(r.query().until() == null ? "" : " up to <strong>" + Xhtml.when(r.query().until()) + "</strong>")
        .append("; generated ")
        .append(Xhtml.when(r.generatedAt())).append(". ").append(r.targets().size()).append(" target(s)");
    if (!r.query().groups().isEmpty()) {
      b.append("; groups: ").append(Xhtml.esc(String.join(", ", r.query().groups())));
    }
    if (!r.query().teams().isEmpty()) {
      b.append("; teams: ").append(Xhtml.esc(String.join(", ", r.query().teams())));
    }
    b.append(".</p>");
    b.append("<p class=\"lead\">").append(Xhtml.esc(r.changesLine())).append("</p>");
    headline(b, r);
    changes(b, "deteriorated", "Deteriorated since " + Xhtml.when(r.since()), r.deteriorated(),
        "Nothing got worse since then.");
    changes(b, "improved", "Improved since " + Xhtml.when(r.since()), r.improved(), "Nothing got better since then.");
    table(b, r);
    b.append("<h2 id=\"spine\">Compared with England and areas of the same type</h2>");
    if (r.spine().isEmpty()) {
      b.append("<p>No target has an evaluated value yet.</p>");
    } else {
      b.append("<div class=\"chart\">").append(SpineChart.svg(r.spine())).append("</div>");
    }
    alerts(b, r.alerts());
    feeds(b, r.feeds());
    return b.append(Xhtml.close()).toString();
  }

  /** The query string of this report with another sort (the table's column links). */
  static String query(Report r, String sort) {
    List<String> p = new ArrayList<>();
    p.add("area=" + Xhtml.url(r.area()));
    p.add("since=" + Xhtml.url(r.since().toString()));
    if (!r.query().groups().isEmpty()) {
      p.add("group=" + Xhtml.url(String.join(",", r.query().groups())));
    }
    if (!r.query().teams().isEmpty()) {
      p.add("team=" + Xhtml.url(String.join(",", r.query().teams())));
    }
    if (sort != null) {
      p.add("sort=" + sort);
    }
    return String.join("&", p);
  }

  private static void nav(StringBuilder b, Report r) {
    String q = Xhtml.esc(query(r, r.query().sort()));
    b.append("<nav><a href=\"/\">All places</a><a href=\"/report.pdf?").append(q).append("\">PDF</a><a href=\"/report.json?")
        .append(q).append("\">JSON</a>");
    for (Report.Place p : r.places()) {
      if (!p.code().equals(r.area())) {
        b.append("<a href=\"/report?area=").append(Xhtml.esc(Xhtml.url(p.code()))).append("\">")
            .append(Xhtml.esc(p.name())).append("</a>");
      }
    }
    if (r.grafanaUrl() != null) {
      b.append("<a href=\"").append(Xhtml.esc(r.grafanaUrl() + "/d/fingerpost-strategy-overview?var-area="
          + Xhtml.url(r.area()))).append("\">Grafana dashboard</a>");
    }
    b.append("</nav>");
  }

  private static void headline(StringBuilder b, Report r) {
    b.append("<h2 id=\"headline\">Headline</h2><div class=\"scroll\"><table><tr><th></th>");
    for (String s : Statuses.ORDER) {
      b.append("<th>").append(Xhtml.badge(s)).append("</th>");
    }
    b.append("</tr>");
    List<Report.Counts> rows = new ArrayList<>();
    rows.add(r.headline().all());
    rows.addAll(r.headline().byGroup());
    rows.addAll(r.headline().byHorizon());
    for (Report.Counts c : rows) {
      b.append("<tr><th>").append(Xhtml.esc(c.label())).append("</th>");
      for (String s : Statuses.ORDER) {
        int change = c.change(s);
        b.append("<td class=\"num\">").append(c.now().getOrDefault(s, 0));
        if (change != 0) {
          b.append(" <span class=\"muted\">(").append(change > 0 ? "+" : "−").append(Math.abs(change)).append(")</span>");
        }
        b.append("</td>");
      }
      b.append("</tr>");
    }
    b.append("</table></div><p class=\"muted\">In brackets: the change since then (targets then evaluated: ")
        .append(r.targets().stream().filter(t -> t.before() != null).count()).append("; evaluated first since: ")
        .append(r.headline().newSince()).append(").</p>");
  }

  private static void changes(StringBuilder b, String id, String title, List<Report.Change> list, String none) {
    b.append("<h2 id=\"").append(id).append("\">").append(Xhtml.esc(title)).append(" (").append(list.size())
        .append(")</h2>");
    if (list.isEmpty()) {
      b.append("<p>").append(none).append("</p>");
    }
    for (Report.Change c : list) {
      Report.TargetRow t = c.target();
      b.append("<div class=\"change\" id=\"").append(id).append('-').append(Xhtml.esc(t.id())).append("\"><h3>")
          .append(Xhtml.badge(t.status())).append(" <a href=\"/report/targets/").append(Xhtml.esc(Xhtml.url(t.id())))
          .append("\">").append(Xhtml.esc(t.name())).append("</a></h3><ul class=\"reasons\">");
      c.reasons().forEach(reason -> b.append("<li>").append(Xhtml.esc(reason)).append("</li>"));
      b.append("</ul><p class=\"explanation\">").append(Xhtml.esc(c.explanation())).append("</p>");
      if (t.observations().stream().anyMatch(p -> p.value() != null)) {
        b.append("<div class=\"chart\">").append(Charts.small(t.name(), t.observations(), t.unit())).append("</div>");
      }
      b.append("</div>");
    }
  }

  private static void table(StringBuilder b, Report r) {
    b.append("<h2 id=\"targets\">Every target</h2><p class=\"muted\">Sort by a column: click its heading.</p>")
        .append("<div class=\"scroll\"><table id=\"target-table\"><tr>");
    String[][] cols = {{"id", "Target"}, {"group", "Group"}, {"status", "Status"}, {"value", "Latest (period)"},
        {null, "Expected"}, {"deviation", "Deviation"}, {null, "Projection [95% PI]"}, {"probability", "P(meet)"},
        {null, "vs England"}, {null, "Recent trend"}};
    for (String[] c : cols) {
      b.append("<th>");
      if (c[0] == null) {
        b.append(c[1]);
      } else {
        b.append("<a href=\"/report?").append(Xhtml.esc(query(r, c[0]))).append("\">").append(c[1]).append("</a>");
      }
      b.append("</th>");
    }
    b.append("</tr>");
    for (Report.TargetRow t : r.targets()) {
      TargetQueries.StoredTarget d = t.state().target();
      StoredEvaluation c = t.state().current();
      b.append("<tr id=\"t-").append(Xhtml.esc(t.id())).append("\" data-status=\"").append(t.status())
          .append("\"><td><span class=\"nowrap\">").append(Xhtml.esc(t.id())).append("</span><br/><a href=\"/report/targets/")
          .append(Xhtml.esc(Xhtml.url(t.id()))).append("\">").append(Xhtml.esc(t.name())).append("</a></td><td>")
          .append(Xhtml.esc(d.group())).append("</td><td class=\"status\">").append(Xhtml.badge(t.status())).append("</td>");
      if (c == null) {
        b.append("<td colspan=\"7\" class=\"muted\">").append(Xhtml.esc(d.warning() == null ? "not evaluated yet"
            : d.warning())).append("</td></tr>");
        continue;
      }
      Evaluation e = c.evaluation();
      ShownProjection.Shown p = ShownProjection.of(t);
      b.append("<td class=\"num\">").append(Xhtml.num(e.observed().value())).append(" (").append(Xhtml.esc(e.period()))
          .append(")</td><td class=\"num\">").append(Xhtml.num(e.trajectory().expected())).append("</td><td class=\"num\">")
          .append(Xhtml.num(e.trajectory().deviation())).append("</td><td class=\"num\">");
      b.append(projection(p, d.targetPeriod()));
      b.append("</td><td class=\"num\">").append(Xhtml.pct(p.probability())).append("</td><td>")
          .append(Xhtml.esc(label(Verdict.label(e.verdicts().comparedToEngland())))).append("</td><td>")
          .append(Xhtml.esc(label(Verdict.label(e.verdicts().recentTrend())))).append("</td></tr>");
    }
    b.append("</table></div>");
  }

  /** A projection cell: "value [lower, upper] period", marked when held to the value type's range. */
  static String projection(ShownProjection.Shown p, String targetPeriod) {
    if (p.tooFar()) {
      return "<span class=\"muted\">" + Xhtml.esc(p.note()) + "</span>";
    }
    if (p.value() == null) {
      return "–";
    }
    return Xhtml.num(p.value()) + " [" + Xhtml.num(p.lower()) + ", " + Xhtml.num(p.upper()) + "] "
        + Xhtml.esc(targetPeriod) + (p.clamped() ? " <span class=\"muted\" title=\"held to the value type's range"
        + " (the fitted line goes beyond it)\">(in range)</span>" : "");
  }

  private static String label(String s) {
    return s == null ? "–" : s;
  }

  private static void alerts(StringBuilder b, List<AlertQueries.AlertSummary> alerts) {
    b.append("<h2 id=\"alerts\">Firing alerts (").append(alerts.size()).append(")</h2>");
    if (alerts.isEmpty()) {
      b.append("<p>No alert is firing.</p>");
      return;
    }
    b.append("<div class=\"scroll\"><table><tr><th>Alert</th><th>Severity</th><th>Since</th><th>Summary</th>")
        .append("<th>Acknowledged</th></tr>");
    for (AlertQueries.AlertSummary a : alerts) {
      String name = a.labels() == null ? a.rule() : a.labels().getString("alertname", a.rule());
      String summary = a.annotations() == null ? "" : a.annotations().getString("summary", "");
      b.append("<tr><td>").append(Xhtml.esc(name)).append("</td><td>").append(Xhtml.esc(a.severity()))
          .append("</td><td class=\"nowrap\">").append(Xhtml.when(a.startsAt())).append("</td><td>")
          .append(Xhtml.esc(summary)).append("</td><td>");
      if (a.acknowledgement() == null) {
        b.append("not acknowledged");
      } else {
        b.append("by ").append(Xhtml.esc(a.acknowledgement().by())).append(", ").append(Xhtml.when(a.acknowledgement().at()));
        if (a.acknowledgement().comment() != null && !a.acknowledgement().comment().isBlank()) {
          b.append(": ").append(Xhtml.esc(a.acknowledgement().comment()));
        }
      }
      b.append("</td></tr>");
    }
    b.append("</table></div>");
  }

  private static void feeds(StringBuilder b, List<Report.FeedRow> feeds) {
    b.append("<h2 id=\"feeds\">Feed freshness</h2><div class=\"scroll\"><table><tr><th>Feed</th><th>State</th>")
        .append("<th>Last success</th><th>Fresh?</th></tr>");
    for (Report.FeedRow f : feeds) {
      b.append("<tr><td>").append(Xhtml.esc(f.name())).append("</td><td>").append(Xhtml.esc(f.state()))
          .append("</td><td class=\"nowrap\">").append(Xhtml.when(f.lastSuccess())).append("</td><td>")
          .append(f.stale() ? "<span class=\"stale\">STALE</span> (no success within " + Xhtml.esc(f.staleAfter()) + ")"
              : "fresh").append("</td></tr>");
    }
    b.append("</table></div>");
  }
}
