package io.fingerpost.api;

import io.fingerpost.report.Report;
import io.fingerpost.report.ReportQuery;
import io.fingerpost.report.ReportQueryException;
import io.fingerpost.report.ReportService;
import io.fingerpost.report.TargetReport;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report pages (issue 11) over {@link ReportService}: {@code /} (places), {@code /report},
 * {@code /report.json}, {@code /report.pdf}, {@code /report/targets/{id}} and {@code /report/targets/{id}.pdf}.
 * Rendering (HTML with its charts, PDF) runs on a worker thread; a bad query is a 4xx problem.
 */
public final class ReportRoutes implements Routes {
  private static final String HTML = "text/html; charset=utf-8";

  private final ReportService reports;

  public ReportRoutes(ReportService reports) {
    this.reports = reports;
  }

  @Override
  public void mount(Router router) {
    router.get("/").handler(ctx -> reports.places().compose(p -> reports.blocking(() -> reports.landing(p)))
        .onSuccess(html -> send(ctx, HTML, Buffer.buffer(html))).onFailure(ctx::fail));
    router.get("/report").handler(ctx -> report(ctx).compose(r -> reports.blocking(() -> reports.html(r)))
        .onSuccess(html -> send(ctx, HTML, Buffer.buffer(html))).onFailure(e -> fail(ctx, e)));
    router.get("/report.pdf").handler(ctx -> report(ctx).compose(reports::pdf)
        .onSuccess(pdf -> send(ctx, "application/pdf", Buffer.buffer(pdf))).onFailure(e -> fail(ctx, e)));
    router.get("/report.json").handler(ctx -> report(ctx).onSuccess(r -> ApiJson.reply(ctx, 200, json(r)))
        .onFailure(e -> fail(ctx, e)));
    // the .pdf route first: the plain one would take "x.pdf" as an id
    router.get("/report/targets/:id.pdf").handler(ctx -> target(ctx).compose(reports::pdf)
        .onSuccess(pdf -> send(ctx, "application/pdf", Buffer.buffer(pdf))).onFailure(e -> fail(ctx, e)));
    router.get("/report/targets/:id").handler(ctx -> target(ctx).compose(t -> reports.blocking(() -> reports.html(t)))
        .onSuccess(html -> send(ctx, HTML, Buffer.buffer(html))).onFailure(e -> fail(ctx, e)));
  }

  private Future<TargetReport> target(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return reports.target(id).compose(t -> t.isPresent() ? Future.succeededFuture(t.get())
        : Future.failedFuture(Problem.status(404, "no target '" + id + "'")));
  }

  /** Reads the query parameters (already checked against openapi.yaml by the gate) and builds the report. */
  private Future<Report> report(RoutingContext ctx) {
    String area = ctx.request().getParam("area");
    String since = ctx.request().getParam("since");
    List<String> groups = list(ctx.request().getParam("group"));
    List<String> teams = list(ctx.request().getParam("team"));
    String sort = ctx.request().getParam("sort");
    Future<Instant> from;
    if (since == null || since.isBlank()) {
      from = Future.succeededFuture(null);
    } else if (since.trim().matches("\\d{1,18}")) {
      from = reports.sinceEvaluation(Long.parseLong(since.trim()));
    } else {
      try {
        from = Future.succeededFuture(Instant.parse(since.trim()));
      } catch (DateTimeParseException e) {
        return Future.failedFuture(Problem.parameter("since", "since must be an instant such as "
            + "2026-01-31T12:00:00Z or an evaluation id, got '" + since + "'"));
      }
    }
    return from.compose(t -> reports.build(new ReportQuery(area, t, groups, teams, sort)));
  }

  private static List<String> list(String value) {
    return value == null || value.isBlank() ? List.of()
        : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof ReportQueryException q) {
      Problem p = q.status() == 400 ? Problem.parameter(q.parameter(), q.getMessage())
          : Problem.status(q.status(), q.getMessage());
      ctx.fail(p);
    } else {
      ctx.fail(e);
    }
  }

  private static void send(RoutingContext ctx, String type, Buffer body) {
    ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache").end(body);
  }

  /** The report as data: every target as {@code /api/targets/{id}} shows it (one mapping), and the rest. */
  static Map<String, Object> json(Report r) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("area", r.area());
    j.put("areaName", r.areaName());
    j.put("since", r.since());
    j.put("generatedAt", r.generatedAt());
    j.put("groups", r.query().groups());
    j.put("teams", r.query().teams());
    j.put("sort", r.query().sort() == null ? Report.SORTS.get(0) : r.query().sort());
    j.put("deterioratedCount", r.deterioratedCount());
    j.put("improvedCount", r.improvedCount());
    j.put("headline", r.headline());
    j.put("deteriorated", changes(r.deteriorated()));
    j.put("improved", changes(r.improved()));
    JsonArray targets = new JsonArray();
    for (Report.TargetRow t : r.targets()) {
      targets.add(EvaluationJson.targetState(t.state()).put("statusAtSince", t.statusBefore())
          .put("indicatorName", t.indicatorName()).put("unit", t.unit()));
    }
    j.put("targets", targets);
    JsonArray spine = new JsonArray();
    for (Report.SpineRow s : r.spine()) {
      spine.add(new JsonObject().put("id", s.target().id()).put("period", s.period()).put("value", s.value())
          .put("england", s.england()).put("lowest", s.min()).put("q25", s.q25()).put("q75", s.q75())
          .put("highest", s.max()).put("areas", s.areas()));
    }
    j.put("spine", spine);
    j.put("alerts", r.alerts());
    j.put("feeds", r.feeds());
    j.put("places", r.places());
    return j;
  }

  private static JsonArray changes(List<Report.Change> list) {
    JsonArray out = new JsonArray();
    for (Report.Change c : list) {
      out.add(new JsonObject().put("id", c.target().id()).put("name", c.target().name())
          .put("status", c.target().status()).put("statusAtSince", c.target().statusBefore())
          .put("reasons", new JsonArray(c.reasons())).put("explanation", c.explanation()));
    }
    return out;
  }
}
