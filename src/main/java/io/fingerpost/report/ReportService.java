package io.fingerpost.report;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.engine.Trajectory;
import io.fingerpost.engine.TrajectoryPoint;
import io.fingerpost.model.Observation;
import io.fingerpost.store.StoreReader;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetQueries;
import io.fingerpost.strategy.TargetResolver;
import io.fingerpost.strategy.TargetStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The surveillance report (issue 11): {@link #build} reads a place's targets, their state at {@code since},
 * alerts and feeds into a {@link Report}; {@link #html} draws it as one self-contained XHTML page (inline CSS
 * and SVG); {@link #pdf} renders that same XHTML as PDF (openhtmltopdf) on a worker thread. Reads only.
 */
public final class ReportService {
  /** The default {@code since}: this long before now. */
  public static final Duration DEFAULT_SINCE = Duration.ofDays(30);

  private final Vertx vertx;
  private final TargetQueries queries;
  private final TargetStore store;
  private final ReportReads reads;
  private final AlertQueries alerts;
  private final StoreReader reader;
  private final Map<String, TargetDefinition> targets = new LinkedHashMap<>();
  private final String grafanaUrl;
  private final Duration staleAfter;
  private final Clock clock;

  public ReportService(Vertx vertx, Pool pool, List<TargetDefinition> targets, FingerpostConfig config, Clock clock) {
    this.vertx = vertx;
    this.queries = new TargetQueries(pool);
    this.store = new TargetStore(pool);
    this.reads = new ReportReads(pool);
    this.alerts = new AlertQueries(pool);
    this.reader = new StoreReader(pool);
    // one target per place, as the evaluator has them (places: lists; `childrenOf` places join once stored)
    io.fingerpost.strategy.Places.expand(targets, Map.of()).forEach(t -> this.targets.put(t.id(), t));
    this.grafanaUrl = config.grafana() == null ? null : config.grafana().url();
    this.staleAfter = config.alerts().rules().feedStale().staleAfter();
    this.clock = clock;
  }

  /** Area codes of the targets, in the order the targets files name them (the first is the default place). */
  public List<String> areas() {
    Set<String> out = new LinkedHashSet<>();
    targets.values().forEach(t -> out.add(t.series().areaCode()));
    return List.copyOf(out);
  }

  /** The instant of an evaluation id given as {@code since}; fails with a 400 for an unknown id. */
  public Future<Instant> sinceEvaluation(long id) {
    return reads.evaluatedAt(id).map(t -> t.orElseThrow(() ->
        new ReportQueryException(400, "since", "no evaluation " + id)));
  }

  /** Builds the report; fails with a {@link ReportQueryException} for an unknown area, group, team or sort. */
  public Future<Report> build(ReportQuery q) {
    List<String> areas = areas();
    String area = q.area() == null || q.area().isBlank() ? (areas.isEmpty() ? null : areas.get(0)) : q.area();
    if (area == null || !areas.contains(area)) {
      return Future.failedFuture(new ReportQueryException(404, "area", "no targets for area '" + area
          + "'; places: " + String.join(", ", areas)));
    }
    for (String g : q.groups()) {
      if (targets.values().stream().noneMatch(t -> g.equals(t.group()))) {
        return Future.failedFuture(new ReportQueryException(400, "group", "no strategy group '" + g + "'"));
      }
    }
    for (String team : q.teams()) {
      if (targets.values().stream().noneMatch(t -> team.equals(t.team()))) {
        return Future.failedFuture(new ReportQueryException(400, "team", "no team '" + team + "'"));
      }
    }
    if (q.sort() != null && !Report.SORTS.contains(q.sort())) {
      return Future.failedFuture(new ReportQueryException(400, "sort", "sort must be one of "
          + String.join(", ", Report.SORTS)));
    }
    Instant now = clock.instant();
    Instant since = q.since() == null ? now.minus(DEFAULT_SINCE) : q.since();
    return queries.current(new TargetQueries.Filter(null, null, null, area)).compose(all -> {
      List<TargetQueries.TargetState> filtered = all.stream()
          .filter(s -> q.groups().isEmpty() || q.groups().contains(s.target().group()))
          .filter(s -> q.teams().isEmpty() || q.teams().contains(s.target().team())).toList();
      return atUntil(filtered, q.until());
    }).compose(states -> {
      List<String> ids = states.stream().map(s -> s.target().id()).toList();
      var before = reads.asOf(ids, since);
      var meta = reads.meta(ids);
      var observations = reads.observations(ids);
      var peers = reads.peers(ids, q.until());
      var firing = alerts.list("firing", null, null, null, 1000);
      var feeds = reader.feeds();
      var names = reads.areaNames(areas);
      return Future.all(List.of(before, meta, observations, peers, firing, feeds, names)).map(v -> {
        List<Report.TargetRow> rows = new ArrayList<>();
        for (TargetQueries.TargetState s : states) {
          String id = s.target().id();
          rows.add(ReportBuilder.row(s, before.result().get(id), meta.result().get(id),
              observations.result().get(id)));
        }
        String areaType = meta.result().values().stream().map(ReportReads.Meta::areaType).filter(t -> t != null)
            .findFirst().orElse(null);
        List<Report.Place> places = new ArrayList<>();
        for (String a : areas) {
          int n = (int) targets.values().stream().filter(t -> t.series().areaCode().equals(a)).count();
          places.add(new Report.Place(a, names.result().getOrDefault(a, a), n));
        }
        return new Report(new ReportQuery(area, since, q.groups(), q.teams(), q.sort(), q.until()), area,
            names.result().getOrDefault(area, area), since, now, grafanaUrl, places, ReportBuilder.headline(rows),
            ReportBuilder.deteriorated(rows), ReportBuilder.improved(rows), ReportBuilder.sort(rows, q.sort()),
            ReportBuilder.spine(rows, peers.result(), areaType),
            ReportBuilder.alerts(firing.result(), area, q.teams()),
            ReportBuilder.feeds(feeds.result(), staleAfter, now));
      });
    });
  }

  /**
   * The states as they were at {@code until}: each target's newest evaluation at or before it (what
   * {@code current_evaluation} was then); unchanged when {@code until} is null (the present).
   */
  private Future<List<TargetQueries.TargetState>> atUntil(List<TargetQueries.TargetState> states, Instant until) {
    if (until == null) {
      return Future.succeededFuture(states);
    }
    return reads.asOf(states.stream().map(s -> s.target().id()).toList(), until).map(then -> states.stream()
        .map(s -> new TargetQueries.TargetState(s.target(), then.get(s.target().id()), s.seriesExists())).toList());
  }

  /** One target's page data; empty for an unknown target. */
  public Future<Optional<TargetReport>> target(String id) {
    return queries.current(id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      TargetQueries.TargetState s = found.get();
      String area = s.target().areaCode();
      TargetDefinition def = targets.get(id);
      var meta = reads.meta(List.of(id));
      var observations = reads.observations(List.of(id));
      var history = queries.history(id, 500);
      var england = reads.series(id, TargetStore.ENGLAND);
      var parent = reads.parent(area);
      var region = parent.compose(p -> p.isEmpty() ? Future.succeededFuture(List.<Report.Point>of())
          : reads.series(id, p.get()[0]));
      var trajectory = def == null ? Future.succeededFuture(List.<TargetReport.Knot>of())
          : store.load(def).map(loaded -> knots(def, loaded));
      return Future.all(List.of(meta, observations, history, england, parent, region, trajectory)).map(v -> {
        Report.TargetRow row = ReportBuilder.row(s, null, meta.result().get(id), observations.result().get(id));
        ReportReads.Meta m = meta.result().get(id);
        return Optional.of(new TargetReport(row, m == null ? area : m.areaName(), trajectory.result(),
            england.result(), parent.result().map(p -> p[1]).orElse(null), region.result(), history.result(),
            grafanaUrl));
      });
    });
  }

  /** The trajectory's knots as the evaluator resolves them (baseline and goal values looked up when not given). */
  private static List<TargetReport.Knot> knots(TargetDefinition def, TargetStore.Loaded loaded) {
    if (loaded.seriesId() == null) {
      return List.of();
    }
    TargetResolver.Resolved resolved = TargetResolver.resolve(def, (key, label) -> {
      List<Observation> source = key.equals(def.series()) ? loaded.observations() : loaded.benchmark();
      return source.stream().filter(o -> o.period().label().equals(label) && o.value() != null)
          .map(Observation::value).findFirst().orElse(null);
    });
    if (resolved.spec() == null) {
      return List.of();
    }
    List<TrajectoryPoint> points = new Trajectory(resolved.spec()).points();
    List<String> labels = new ArrayList<>();
    labels.add(def.baseline().period().label());
    def.milestones().forEach(m -> labels.add(m.period().label()));
    labels.add(def.goal().period().label());
    List<TargetReport.Knot> out = new ArrayList<>();
    for (int i = 0; i < points.size() && i < labels.size(); i++) {
      String kind = i == 0 ? "baseline" : i == points.size() - 1 ? "target" : "milestone";
      out.add(new TargetReport.Knot(kind, labels.get(i), points.get(i).t(), points.get(i).value()));
    }
    return out;
  }

  /** The report as one self-contained XHTML document (CPU work: call off the event loop). */
  public String html(Report r) {
    return ReportHtml.render(r);
  }

  /**
   * The report with absolute links against {@code baseUrl} (the service's external URL), for a copy sent away
   * from the service, such as a digest's email (CPU work: call off the event loop).
   */
  public String html(Report r, String baseUrl) {
    return Xhtml.absolute(ReportHtml.render(r), baseUrl);
  }

  /** A target's page as XHTML (CPU work: call off the event loop). */
  public String html(TargetReport r) {
    return TargetHtml.render(r);
  }

  /** The landing page: places and their reports. */
  public String landing(List<Report.Place> places) {
    return TargetHtml.landing(places, grafanaUrl);
  }

  /** Places (areas with targets) with their names. */
  public Future<List<Report.Place>> places() {
    List<String> areas = areas();
    return reads.areaNames(areas).map(names -> areas.stream().map(a -> new Report.Place(a, names.getOrDefault(a, a),
        (int) targets.values().stream().filter(t -> t.series().areaCode().equals(a)).count())).toList());
  }

  /** The report rendered as PDF from the same XHTML as {@link #html(Report)}, on a worker thread. */
  public Future<byte[]> pdf(Report r) {
    return vertx.executeBlocking(() -> Pdf.render(html(r)), false);
  }

  /** A target's page as PDF, on a worker thread. */
  public Future<byte[]> pdf(TargetReport r) {
    return vertx.executeBlocking(() -> Pdf.render(html(r)), false);
  }

  /** Renders a document on a worker thread (for callers that already hold the XHTML). */
  public Future<byte[]> pdf(String xhtml) {
    return vertx.executeBlocking(() -> Pdf.render(xhtml), false);
  }

  /** Runs a rendering on a worker thread. */
  public <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
