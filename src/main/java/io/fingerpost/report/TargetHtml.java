package io.fingerpost.report;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.StoredEvaluation;
import io.fingerpost.strategy.TargetQueries;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import java.util.ArrayList;
import java.util.List;

/** A target's page and the landing page, as self-contained XHTML. */
final class TargetHtml {
  private TargetHtml() {}

  static String render(TargetReport r) {
    Report.TargetRow row = r.row();
    TargetQueries.StoredTarget t = row.state().target();
    StringBuilder b = new StringBuilder(32 * 1024);
    b.append(Xhtml.open(t.name()));
    b.append("<nav><a href=\"/\">All places</a><a href=\"/report?area=").append(Xhtml.esc(Xhtml.url(t.areaCode())))
        .append("\">Report for ").append(Xhtml.esc(r.areaName())).append("</a><a href=\"/report/targets/")
        .append(Xhtml.esc(Xhtml.url(t.id()))).append(".pdf\">PDF</a><a href=\"/api/targets/")
        .append(Xhtml.esc(Xhtml.url(t.id()))).append("\">JSON</a>");
    if (r.grafanaUrl() != null) {
      b.append("<a href=\"").append(Xhtml.esc(r.grafanaUrl() + "/d/fingerpost-target?var-target=" + Xhtml.url(t.id())))
          .append("\">Grafana dashboard</a>");
    }
    b.append("</nav><h1>").append(Xhtml.esc(t.name())).append("</h1><p>").append(Xhtml.badge(row.status()))
        .append(" <span class=\"muted\">").append(Xhtml.esc(t.id())).append(" · ").append(Xhtml.esc(r.areaName()))
        .append(" · ").append(Xhtml.esc(row.indicatorName())).append(row.unit() == null ? "" : " (" + Xhtml.esc(row.unit()) + ")")
        .append(" · ").append(Xhtml.esc(t.group())).append(" · team ").append(Xhtml.esc(t.team())).append("</span></p>");
    StoredEvaluation c = row.state().current();
    if (c != null && c.evaluation().explanation() != null) {
      b.append("<p class=\"explanation\">").append(Xhtml.esc(c.evaluation().explanation())).append("</p>");
    } else if (t.warning() != null) {
      b.append("<p class=\"explanation\">").append(Xhtml.esc(t.warning())).append("</p>");
    }
    if (row.observations().stream().anyMatch(p -> p.value() != null)) {
      b.append("<h2>Observations and trajectory</h2><div class=\"chart\">").append(chart(r)).append("</div>");
    } else {
      b.append("<p>No observations yet.</p>");
    }
    verdicts(b, r);
    history(b, r.history());
    return b.append(Xhtml.close()).toString();
  }

  private static String chart(TargetReport r) {
    Report.TargetRow row = r.row();
    List<Charts.Line> lines = new ArrayList<>();
    lines.add(new Charts.Line(r.areaName() + " (95% CI)", row.observations(), Charts.BLACK, Charts.circle(), null, true));
    if (!r.trajectory().isEmpty()) {
      List<Report.Point> knots = r.trajectory().stream()
          .map(k -> new Report.Point(k.period(), k.t(), k.value(), null, null)).toList();
      lines.add(new Charts.Line("trajectory: baseline → milestones → target", knots, Charts.GREEN, Charts.diamond(),
          new float[] {6f, 4f}, true));
      ShownProjection.Shown p = ShownProjection.of(row);
      if (p.value() != null) {
        TargetReport.Knot goal = r.trajectory().get(r.trajectory().size() - 1);
        lines.add(new Charts.Line("projection (95% prediction interval)", List.of(new Report.Point(goal.period(),
            goal.t(), p.value(), p.lower(), p.upper())), Charts.VERMILLION, Charts.triangle(), null, false));
      }
    }
    if (!r.england().isEmpty()) {
      lines.add(new Charts.Line("England", r.england(), Charts.BLUE, Charts.square(), new float[] {2f, 3f}, true));
    }
    if (!r.region().isEmpty()) {
      lines.add(new Charts.Line(r.regionName() == null ? "Region" : r.regionName(), r.region(), Charts.ORANGE,
          Charts.triangle(), new float[] {8f, 3f, 2f, 3f}, true));
    }
    return Charts.svg(lines, row.unit(), 880, 420, true, row.name());
  }

  private static void verdicts(StringBuilder b, TargetReport r) {
    StoredEvaluation c = r.row().state().current();
    if (c == null) {
      return;
    }
    Evaluation e = c.evaluation();
    Verdicts v = e.verdicts();
    TargetQueries.StoredTarget t = r.row().state().target();
    b.append("<h2>Verdicts</h2><div class=\"scroll\"><table>");
    row(b, "Period evaluated", e.period());
    row(b, "Value [95% CI]", Xhtml.num(e.observed().value()) + " [" + Xhtml.num(e.observed().lowerCi95()) + ", "
        + Xhtml.num(e.observed().upperCi95()) + "]");
    row(b, "Expected on the trajectory", Xhtml.num(e.trajectory().expected()));
    row(b, "Deviation (amber / red tolerance)", Xhtml.num(e.trajectory().deviation()) + " ("
        + Xhtml.num(e.trajectory().amberTolerance()) + " / " + Xhtml.num(e.trajectory().redTolerance()) + ")");
    row(b, "Baseline → target", t.baselinePeriod() + " " + Xhtml.num(t.baselineValue()) + " → " + t.targetPeriod()
        + " " + Xhtml.num(t.targetValue()));
    ShownProjection.Shown p = ShownProjection.of(r.row());
    rawRow(b, "Projection at " + t.targetPeriod() + " [95% PI]", ReportHtml.projection(p, ""));
    row(b, "Probability of meeting the target", Xhtml.pct(p.probability()));
    row(b, "Compared with England", Verdict.label(v.comparedToEngland()));
    row(b, "Compared with the region", Verdict.label(v.comparedToRegion()));
    row(b, "Recent trend", Verdict.label(v.recentTrend()));
    row(b, "SPC latest point / assurance", Verdict.label(v.spcPointType()) + " / " + Verdict.label(v.spcAssurance()));
    row(b, "Inequality gap (absolute, relative, SII)", Xhtml.num(e.gap().absolute()) + ", "
        + Xhtml.num(e.gap().relative()) + ", " + Xhtml.num(e.gap().sii())
        + (Boolean.TRUE.equals(e.gap().widening()) ? " — widening" : ""));
    b.append("</table></div>");
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<tr><th>").append(Xhtml.esc(name)).append("</th><td>").append(Xhtml.esc(value == null ? "–" : value))
        .append("</td></tr>");
  }

  /** A row whose value is already XHTML. */
  private static void rawRow(StringBuilder b, String name, String xhtml) {
    b.append("<tr><th>").append(Xhtml.esc(name)).append("</th><td>").append(xhtml).append("</td></tr>");
  }

  private static void history(StringBuilder b, List<StoredEvaluation> history) {
    b.append("<h2>History of evaluations</h2>");
    if (history.isEmpty()) {
      b.append("<p>None yet.</p>");
      return;
    }
    b.append("<div class=\"scroll\"><table><tr><th>Evaluated</th><th>Period</th><th>Status</th><th>Value</th>")
        .append("<th>Change</th><th>Explanation</th></tr>");
    for (int i = 0; i < history.size(); i++) {
      StoredEvaluation s = history.get(i);
      StoredEvaluation older = i + 1 < history.size() ? history.get(i + 1) : null;
      String status = s.evaluation().trajectory().status().name();
      String change = "";
      if (older != null) {
        int from = Changes.rank(older.evaluation().trajectory().status());
        int to = Changes.rank(s.evaluation().trajectory().status());
        change = from >= 0 && to > from ? "went " + Statuses.label(status).toLowerCase(java.util.Locale.ROOT)
            : to >= 0 && from > to ? "recovered to " + Statuses.label(status).toLowerCase(java.util.Locale.ROOT) : "";
      }
      b.append("<tr><td class=\"nowrap\">").append(Xhtml.when(s.evaluatedAt())).append("</td><td>")
          .append(Xhtml.esc(s.evaluation().period())).append("</td><td>").append(Xhtml.badge(status))
          .append("</td><td class=\"num\">").append(Xhtml.num(s.evaluation().observed().value())).append("</td><td>")
          .append(Xhtml.esc(change)).append("</td><td>").append(Xhtml.esc(s.evaluation().explanation()))
          .append("</td></tr>");
    }
    b.append("</table></div>");
  }

  static String landing(List<Report.Place> places, String grafanaUrl) {
    StringBuilder b = new StringBuilder(4096);
    b.append(Xhtml.open("Fingerpost")).append("<h1>Fingerpost</h1><p>Surveillance reports: improvement and ")
        .append("deterioration of the strategy's targets, by place.</p><h2>Places</h2><table><tr><th>Place</th>")
        .append("<th>Targets</th><th>Report</th></tr>");
    for (Report.Place p : places) {
      String q = Xhtml.esc("area=" + Xhtml.url(p.code()));
      b.append("<tr><td>").append(Xhtml.esc(p.name())).append(" <span class=\"muted\">(").append(Xhtml.esc(p.code()))
          .append(")</span></td><td class=\"num\">").append(p.targets()).append("</td><td><a class=\"report\" href=\"/report?")
          .append(q).append("\">page</a> · <a href=\"/report.pdf?").append(q).append("\">PDF</a> · <a href=\"/report.json?")
          .append(q).append("\">JSON</a></td></tr>");
    }
    b.append("</table><h2>More</h2><ul><li><a href=\"/api/targets\">Targets (JSON)</a></li>")
        .append("<li><a href=\"/openapi.yaml\">API description</a></li><li><a href=\"/metrics\">Metrics</a></li>");
    if (grafanaUrl != null) {
      b.append("<li><a href=\"").append(Xhtml.esc(grafanaUrl + "/d/fingerpost-strategy-overview"))
          .append("\">Grafana dashboards</a></li>");
    }
    return b.append("</ul>").append(Xhtml.close()).toString();
  }
}
