package io.fingerpost.api;

import io.fingerpost.engine.Trajectory;
import io.fingerpost.engine.TrajectoryPoint;
import io.fingerpost.engine.TrajectorySpec;
import io.fingerpost.model.Observation;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetResolver;
import io.fingerpost.strategy.TargetStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The targets part of the REST API (see {@code openapi.yaml}):
 * <ul>
 *   <li>{@code GET /api/targets} — every active target with its current status (the latest evaluation),
 *       filterable by {@code status} (ON_TRACK, AT_RISK, OFF_TRACK, NOT_ENOUGH_DATA, NO_DATA; comma-separated
 *       for several), {@code group}, {@code team}, {@code area};
 *   <li>{@code GET /api/targets/{id}} — definition, trajectory points, observations with their expected
 *       values, projection, and the history of evaluations;
 *   <li>{@code GET /api/evaluations?since=…} — evaluations after an instant (ISO-8601) or after an
 *       evaluation id, oldest first, at most {@code limit} (default 1000).
 * </ul>
 * Bad input gets {@code application/problem+json} with a 4xx status.
 */
public final class TargetsApi {

  static final Set<String> STATUSES = Set.of("ON_TRACK", "AT_RISK", "OFF_TRACK", "NOT_ENOUGH_DATA", "NO_DATA");
  static final int MAX_LIMIT = 10_000;

  private final Pool pool;
  private final TargetStore store;
  private final Map<String, TargetDefinition> targets = new LinkedHashMap<>();

  public TargetsApi(Pool pool, List<TargetDefinition> targets) {
    this.pool = pool;
    this.store = new TargetStore(pool);
    targets.forEach(t -> this.targets.put(t.id(), t));
  }

  /** Adds the routes to a router. */
  public void mount(Router router) {
    router.get("/api/targets").handler(this::list);
    router.get("/api/targets/:id").handler(this::one);
    router.get("/api/evaluations").handler(this::evaluations);
  }

  private static final String LATEST = """
      SELECT t.*, e.id AS evaluation_id, e.evaluated_at, e.status, e.status_by_tolerance, e.not_significant,
             e.period, e.value, e.lower_ci95, e.upper_ci95, e.expected, e.deviation, e.amber_tolerance,
             e.red_tolerance, e.projection, e.projection_lower, e.projection_upper, e.probability_of_meeting,
             e.compared_to_england, e.compared_to_region, e.recent_trend, e.spc_point_type, e.spc_assurance,
             e.explanation
      FROM target t
      LEFT JOIN LATERAL (SELECT * FROM evaluation WHERE target_id = t.id ORDER BY id DESC LIMIT 1) e ON true
      """;

  private void list(RoutingContext ctx) {
    List<String> statuses = new ArrayList<>();
    String status = ctx.request().getParam("status");
    if (status != null) {
      for (String s : status.split(",")) {
        String v = s.trim().toUpperCase(java.util.Locale.ROOT);
        if (!STATUSES.contains(v)) {
          Problem.send(ctx, 400, "status '" + s.trim() + "' is not one of "
              + String.join(", ", STATUSES.stream().sorted().toList()));
          return;
        }
        statuses.add(v);
      }
    }
    pool.preparedQuery(LATEST + """
        WHERE t.active
          AND (cardinality($1::text[]) = 0 OR coalesce(e.status, 'NO_DATA') = ANY($1::text[]))
          AND ($2::text IS NULL OR t.strategy_group = $2)
          AND ($3::text IS NULL OR t.team = $3)
          AND ($4::text IS NULL OR t.area_code = $4)
        ORDER BY t.strategy_group NULLS LAST, t.id
        """).execute(Tuple.of(statuses.toArray(String[]::new), ctx.request().getParam("group"),
            ctx.request().getParam("team"), ctx.request().getParam("area")))
        .onSuccess(rs -> {
          JsonArray list = new JsonArray();
          rs.forEach(r -> list.add(summary(r)));
          json(ctx, new JsonObject().put("targets", list));
        })
        .onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Future<RowSet<Row>> row = pool.preparedQuery(LATEST + " WHERE t.id = $1").execute(Tuple.of(id));
    row.compose(rs -> {
      if (rs.size() == 0) {
        Problem.send(ctx, 404, "no target '" + id + "'");
        return Future.succeededFuture();
      }
      Row r = rs.iterator().next();
      JsonObject body = summary(r);
      body.put("definition", r.getJsonObject("definition"));
      Future<Void> history = pool.preparedQuery("""
          SELECT id, evaluated_at, initial_load, period, status, not_significant, value, expected, deviation,
                 projection, projection_lower, projection_upper, probability_of_meeting, explanation
          FROM evaluation WHERE target_id = $1 ORDER BY id DESC LIMIT 500
          """).execute(Tuple.of(id)).map(h -> {
            JsonArray list = new JsonArray();
            for (Row e : h) {
              list.add(new JsonObject().put("id", e.getLong("id"))
                  .put("evaluatedAt", instant(e.getOffsetDateTime("evaluated_at")))
                  .put("initialLoad", e.getBoolean("initial_load")).put("period", e.getString("period"))
                  .put("status", e.getString("status")).put("notSignificant", e.getBoolean("not_significant"))
                  .put("value", e.getDouble("value")).put("expected", e.getDouble("expected"))
                  .put("deviation", e.getDouble("deviation")).put("projection", e.getDouble("projection"))
                  .put("projectionLower", e.getDouble("projection_lower"))
                  .put("projectionUpper", e.getDouble("projection_upper"))
                  .put("probabilityOfMeeting", e.getDouble("probability_of_meeting"))
                  .put("explanation", e.getString("explanation")));
            }
            body.put("history", list);
            return null;
          });
      TargetDefinition def = targets.get(id);
      Future<Void> series = def == null ? Future.succeededFuture() : store.load(def).map(loaded -> {
        trajectory(def, loaded, body);
        return null;
      });
      return Future.all(history, series).onSuccess(v -> json(ctx, body));
    }).onFailure(ctx::fail);
  }

  /** Trajectory points and observations with their expected values (the trajectory as the evaluator sees it). */
  private static void trajectory(TargetDefinition def, TargetStore.Loaded loaded, JsonObject body) {
    JsonArray observations = new JsonArray();
    Trajectory trajectory = null;
    if (loaded.seriesId() != null) {
      TargetResolver.Resolved resolved = TargetResolver.resolve(def, (key, label) -> {
        List<Observation> source = key.equals(def.series()) ? loaded.observations() : loaded.benchmark();
        return source.stream().filter(o -> o.period().label().equals(label) && o.value() != null)
            .map(Observation::value).findFirst().orElse(null);
      });
      trajectory = resolved.spec() == null ? null : new Trajectory(resolved.spec());
    }
    JsonArray points = new JsonArray();
    if (trajectory != null) {
      TrajectorySpec spec = trajectory.spec();
      if (spec.sense() == TrajectorySpec.Sense.WITHIN) {
        body.put("band", new JsonObject().put("lower", spec.bandLower()).put("upper", spec.bandUpper()));
      }
      List<TrajectoryPoint> knots = trajectory.points();
      List<String> labels = new ArrayList<>();
      labels.add(def.baseline().period().label());
      def.milestones().forEach(m -> labels.add(m.period().label()));
      labels.add(def.goal().period().label());
      for (int i = 0; i < knots.size(); i++) {
        String kind = i == 0 ? "baseline" : i == knots.size() - 1 ? "target" : "milestone";
        points.add(new JsonObject().put("kind", kind).put("period", labels.get(i)).put("t", knots.get(i).t())
            .put("value", knots.get(i).value()));
      }
    }
    for (Observation o : loaded.observations()) {
      JsonObject j = new JsonObject().put("period", o.period().label()).put("t", o.period().t())
          .put("value", o.value()).put("lowerCi95", o.lowerCi95()).put("upperCi95", o.upperCi95())
          .put("revision", loaded.revisions().get(o.period().label()));
      if (trajectory != null && trajectory.spec().sense() != TrajectorySpec.Sense.WITHIN) {
        j.put("expected", trajectory.expected(o.period().t()));
      }
      observations.add(j);
    }
    body.put("trajectory", points);
    body.put("observations", observations);
  }

  private void evaluations(RoutingContext ctx) {
    String since = ctx.request().getParam("since");
    String limitParam = ctx.request().getParam("limit");
    int limit = 1000;
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        Problem.send(ctx, 400, "limit must be a whole number from 1 to " + MAX_LIMIT
            + ", got '" + limitParam + "'");
        return;
      }
    }
    long afterId = 0;
    OffsetDateTime afterTime = OffsetDateTime.parse("1970-01-01T00:00:00Z");
    if (since != null && !since.isBlank()) {
      String s = since.trim();
      if (s.matches("\\d+")) {
        afterId = Long.parseLong(s);
      } else {
        try {
          afterTime = Instant.parse(s).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
          Problem.send(ctx, 400, "since must be an instant such as 2026-01-31T12:00:00Z or an"
              + " evaluation id, got '" + since + "'");
          return;
        }
      }
    }
    long fromId = afterId;
    pool.preparedQuery("""
        SELECT e.*, t.name AS target_name FROM evaluation e JOIN target t ON t.id = e.target_id
        WHERE e.id > $1 AND e.evaluated_at > $2 ORDER BY e.id LIMIT $3
        """).execute(Tuple.of(afterId, afterTime, limit))
        .onSuccess(rs -> {
          JsonArray list = new JsonArray();
          long last = fromId;
          for (Row e : rs) {
            list.add(evaluation(e));
            last = Math.max(last, e.getLong("id"));
          }
          json(ctx, new JsonObject().put("evaluations", list).put("lastId", last));
        })
        .onFailure(ctx::fail);
  }

  private static JsonObject evaluation(Row e) {
    return new JsonObject().put("id", e.getLong("id")).put("targetId", e.getString("target_id"))
        .put("targetName", e.getString("target_name")).put("seriesId", e.getLong("series_id"))
        .put("period", e.getString("period")).put("periodT", e.getDouble("period_t"))
        .put("observationRevision", e.getInteger("observation_revision"))
        .put("evaluatedAt", instant(e.getOffsetDateTime("evaluated_at")))
        .put("initialLoad", e.getBoolean("initial_load")).put("status", e.getString("status"))
        .put("statusByTolerance", e.getString("status_by_tolerance"))
        .put("notSignificant", e.getBoolean("not_significant")).put("value", e.getDouble("value"))
        .put("lowerCi95", e.getDouble("lower_ci95")).put("upperCi95", e.getDouble("upper_ci95"))
        .put("expected", e.getDouble("expected")).put("deviation", e.getDouble("deviation"))
        .put("amberTolerance", e.getDouble("amber_tolerance")).put("redTolerance", e.getDouble("red_tolerance"))
        .put("projection", e.getDouble("projection")).put("projectionLower", e.getDouble("projection_lower"))
        .put("projectionUpper", e.getDouble("projection_upper"))
        .put("probabilityOfMeeting", e.getDouble("probability_of_meeting"))
        .put("comparedToEngland", e.getString("compared_to_england"))
        .put("comparedToRegion", e.getString("compared_to_region"))
        .put("recentTrend", e.getString("recent_trend")).put("spcPointType", e.getString("spc_point_type"))
        .put("spcAssurance", e.getString("spc_assurance")).put("explanation", e.getString("explanation"))
        .put("verdicts", e.getJsonObject("verdicts"));
  }

  /** A target and its current state (latest evaluation, if any). */
  private static JsonObject summary(Row r) {
    Long evaluationId = r.getLong("evaluation_id");
    JsonObject j = new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
        .put("indicatorId", r.getString("indicator_id")).put("areaCode", r.getString("area_code"))
        .put("sex", r.getString("sex")).put("age", r.getString("age"))
        .put("categoryType", r.getString("category_type")).put("category", r.getString("category"))
        .put("group", r.getString("strategy_group")).put("horizonYears", r.getInteger("horizon_years"))
        .put("team", r.getString("team")).put("direction", r.getString("direction"))
        .put("form", r.getString("form")).put("baselinePeriod", r.getString("baseline_period"))
        .put("baselineValue", r.getDouble("baseline_value")).put("targetPeriod", r.getString("target_period"))
        .put("targetValue", r.getDouble("target_value")).put("source", r.getString("source"))
        .put("file", r.getString("file")).put("noData", r.getString("no_data"))
        .put("warning", r.getString("warning"))
        .put("status", evaluationId == null ? "NO_DATA" : r.getString("status"));
    if (evaluationId != null) {
      j.put("evaluationId", evaluationId).put("evaluatedAt", instant(r.getOffsetDateTime("evaluated_at")))
          .put("statusByTolerance", r.getString("status_by_tolerance"))
          .put("notSignificant", r.getBoolean("not_significant")).put("period", r.getString("period"))
          .put("value", r.getDouble("value")).put("lowerCi95", r.getDouble("lower_ci95"))
          .put("upperCi95", r.getDouble("upper_ci95")).put("expected", r.getDouble("expected"))
          .put("deviation", r.getDouble("deviation")).put("amberTolerance", r.getDouble("amber_tolerance"))
          .put("redTolerance", r.getDouble("red_tolerance"))
          .put("projection", r.getDouble("projection") == null ? null : new JsonObject()
              .put("period", r.getString("target_period")).put("value", r.getDouble("projection"))
              .put("lower", r.getDouble("projection_lower")).put("upper", r.getDouble("projection_upper"))
              .put("probabilityOfMeeting", r.getDouble("probability_of_meeting")))
          .put("comparedToEngland", r.getString("compared_to_england"))
          .put("comparedToRegion", r.getString("compared_to_region"))
          .put("recentTrend", r.getString("recent_trend")).put("spcPointType", r.getString("spc_point_type"))
          .put("spcAssurance", r.getString("spc_assurance")).put("explanation", r.getString("explanation"));
    }
    return j;
  }

  private static String instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
