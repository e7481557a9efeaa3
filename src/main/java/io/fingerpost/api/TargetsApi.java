package io.fingerpost.api;

import io.fingerpost.engine.Trajectory;
import io.fingerpost.engine.TrajectoryPoint;
import io.fingerpost.engine.TrajectorySpec;
import io.fingerpost.model.Observation;
import io.fingerpost.strategy.Places;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetQueries;
import io.fingerpost.strategy.TargetResolver;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.TargetStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
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
 *   <li>{@code GET /api/targets} — every active target with its current status (its row of the
 *       {@code current_evaluation} view, the same the metrics export),
 *       filterable by {@code status} (ON_TRACK, AT_RISK, OFF_TRACK, NOT_ENOUGH_DATA, PENDING, NO_DATA; comma-separated
 *       for several), {@code group}, {@code team}, {@code area}; paged with {@code limit} and {@code offset};
 *   <li>{@code GET /api/targets/{id}} — definition, trajectory points, observations with their expected
 *       values, projection, and the history of evaluations;
 *   <li>{@code GET /api/evaluations?since=…} — evaluations after an instant (ISO-8601) or after an
 *       evaluation id, oldest first, at most {@code limit} (default 1000).
 * </ul>
 * Bad input gets {@code application/problem+json} with a 4xx status. The rows come as records from
 * {@link TargetQueries}; {@link EvaluationJson} is their one JSON mapping.
 */
public final class TargetsApi {

  /** The statuses a target can have: an evaluation's, or PENDING (series stored) / NO_DATA (no series) before its first. */
  static final Set<String> STATUSES = java.util.stream.Stream.concat(
      java.util.Arrays.stream(TargetStatus.values()).map(Enum::name), java.util.stream.Stream.of(EvaluationJson.NO_DATA, EvaluationJson.PENDING))
      .collect(java.util.stream.Collectors.toUnmodifiableSet());
  static final int MAX_LIMIT = 10_000;

  private final TargetQueries queries;
  private final TargetStore store;
  private final Map<String, TargetDefinition> targets = new LinkedHashMap<>();

  public TargetsApi(Pool pool, List<TargetDefinition> targets) {
    this.queries = new TargetQueries(pool);
    this.store = new TargetStore(pool);
    targets.forEach(t -> this.targets.put(t.id(), t));
  }

  /** Adds the routes to a router. */
  public void mount(Router router) {
    router.get("/api/targets").handler(this::list);
    router.get("/api/targets/:id").handler(this::one);
    router.get("/api/evaluations").handler(this::evaluations);
  }

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
    TargetQueries.Filter filter = new TargetQueries.Filter(statuses, ctx.request().getParam("group"),
        ctx.request().getParam("team"), ctx.request().getParam("area"));
    String limit = ctx.request().getParam("limit");
    String offset = ctx.request().getParam("offset");
    if (limit != null || offset != null) {
      page(ctx, filter, limit, offset);
      return;
    }
    queries.current(filter)
        // mapping every target to JSON grows with their number (16,900 nationally): on a worker, with the encoding
        .onSuccess(states -> ApiJson.replyBuilt(ctx, 200, () -> {
          JsonArray list = new JsonArray();
          states.forEach(s -> list.add(EvaluationJson.targetState(s)));
          return new JsonObject().put("targets", list);
        }))
        .onFailure(ctx::fail);
  }

  /**
   * A page of the list (the gate has checked both numbers against openapi.yaml): {@code limit} targets (default and
   * most {@link #MAX_LIMIT}) from {@code offset}, with {@code total} (all matching) and {@code nextOffset} (null on
   * the last page). At national scale the whole list is tens of MB; a page is what a client can show.
   */
  private void page(RoutingContext ctx, TargetQueries.Filter filter, String limitParam, String offsetParam) {
    int limit;
    long offset;
    try {
      limit = limitParam == null ? MAX_LIMIT : Integer.parseInt(limitParam.trim());
      offset = offsetParam == null ? 0 : Long.parseLong(offsetParam.trim());
    } catch (NumberFormatException e) {
      limit = -1;
      offset = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
      Problem.send(ctx, Problem.parameter(limitParam != null && (limit < 1 || limit > MAX_LIMIT) ? "limit" : "offset",
          "limit must be a whole number from 1 to " + MAX_LIMIT + " and offset one from 0"));
      return;
    }
    long from = offset;
    int size = limit;
    queries.current(filter, limit, offset)
        .onSuccess(page -> ApiJson.replyBuilt(ctx, 200, () -> {
          JsonArray list = new JsonArray();
          page.targets().forEach(s -> list.add(EvaluationJson.targetState(s)));
          long next = from + size;
          return new JsonObject().put("targets", list).put("total", page.total())
              .put("nextOffset", next < page.total() ? next : null);
        }))
        .onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    queries.current(id).compose(found -> {
      if (found.isEmpty()) {
        Problem.send(ctx, 404, "no target '" + id + "'");
        return Future.succeededFuture();
      }
      JsonObject body = EvaluationJson.targetState(found.get());
      String definition = found.get().target().definitionJson();
      body.put("definition", definition == null ? null : new JsonObject(definition));
      // its place now: the two reads below finish in either order, and the body (and its ETag) must not vary
      body.put("history", new JsonArray());
      Future<Void> history = queries.history(id, 500).map(h -> {
        JsonArray list = new JsonArray();
        h.forEach(e -> list.add(EvaluationJson.evaluation(e, null)));
        body.put("history", list);
        return null;
      });
      TargetDefinition def = definition(id, found.get().target().areaCode());
      Future<Void> series = def == null ? Future.succeededFuture() : store.load(def).map(loaded -> {
        trajectory(def, loaded, body);
        return null;
      });
      return Future.all(history, series).onSuccess(v -> json(ctx, body));
    }).onFailure(ctx::fail);
  }

  /** The definition of a target, also of one made for a place ({@code id@area}: README "Targets for many places"). */
  private TargetDefinition definition(String id, String areaCode) {
    TargetDefinition written = targets.get(Places.writtenId(id));
    if (written == null || written.places() == null) {
      return id.equals(Places.writtenId(id)) ? written : null;
    }
    return written.atPlace(areaCode, id.equals(Places.writtenId(id)));
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
    queries.since(afterId, afterTime, limit)
        .onSuccess(rows -> ApiJson.replyBuilt(ctx, 200, () -> { // up to 10,000: on a worker
          JsonArray list = new JsonArray();
          long last = fromId;
          for (TargetQueries.NamedEvaluation e : rows) {
            list.add(EvaluationJson.evaluation(e.stored(), e.targetName()));
            last = Math.max(last, e.stored().id());
          }
          return new JsonObject().put("evaluations", list).put("lastId", last);
        }))
        .onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ApiJson.reply(ctx, 200, body);
  }
}
