package io.fingerpost.api;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.alert.Silence;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The alert endpoints: {@code GET /api/alerts} and {@code GET /api/alerts/{fingerprint}} are open (like
 * the targets); {@code POST /api/alerts/{fingerprint}/ack}, {@code GET|POST /api/silences} and
 * {@code DELETE /api/silences/{id}} need the bearer token (the push token). The token and the parameters are
 * checked by the {@link RequestGate} from {@code openapi.yaml} (mount it first); bodies are checked here.
 * Errors are {@code application/problem+json} (RFC 9457).
 */
public final class AlertsRoutes implements Routes {
  private final AlertQueries queries;
  private final Clock clock;

  public AlertsRoutes(AlertQueries queries, Clock clock) {
    this.queries = queries;
    this.clock = clock;
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = BodyHandler.create().setBodyLimit(64 * 1024);
    router.get("/api/alerts").handler(ApiJson.handler(this::list));
    router.get("/api/alerts/:fingerprint").handler(ApiJson.handler(ctx -> ApiJson.found(
        queries.get(ctx.pathParam("fingerprint")), "no alert with fingerprint '" + ctx.pathParam("fingerprint") + "'")));
    router.post("/api/alerts/:fingerprint/ack").handler(body).handler(this::ack);
    router.get("/api/silences").handler(ApiJson.handler(ctx -> queries.silences().map(a -> Map.of("silences", a))));
    router.post("/api/silences").handler(body).handler(this::createSilence);
    router.delete("/api/silences/:id").handler(this::deleteSilence);
  }

  /** Values are checked against the enums of {@code openapi.yaml} by the gate. */
  private Future<Map<String, Object>> list(RoutingContext ctx) {
    var q = ctx.queryParams();
    return queries.list(q.get("state"), q.get("team"), q.get("severity"), q.get("rule"), 1000)
        .map(a -> Map.of("alerts", a));
  }

  private void ack(RoutingContext ctx) {
    JsonObject b;
    try {
      b = JsonBody.object(ctx);
    } catch (Problem p) {
      Problem.send(ctx, p);
      return;
    }
    String who = b.getValue("who") instanceof String s ? s.trim() : null;
    if (who == null || who.isEmpty()) {
      Problem.send(ctx, 400, "'who' is required: the person acknowledging");
      return;
    }
    String comment = b.getValue("comment") instanceof String s ? s : null;
    String fp = ctx.pathParam("fingerprint");
    queries.acknowledge(fp, who, comment, clock.instant()).compose(outcome -> switch (outcome) {
      case NOT_FOUND -> Problem.fail(404, "no alert with fingerprint '" + fp + "'");
      case RESOLVED -> Problem.fail(409, "alert '" + fp + "' is resolved; only a firing alert can be acknowledged");
      default -> queries.get(fp);
    }).onSuccess(a -> ApiJson.reply(ctx, 200, a)).onFailure(ctx::fail);
  }

  private void createSilence(RoutingContext ctx) {
    JsonObject b;
    try {
      b = JsonBody.object(ctx);
    } catch (Problem p) {
      Problem.send(ctx, p);
      return;
    }
    List<Silence.Matcher> matchers;
    try {
      Object m = b.getValue("matchers");
      if (m instanceof JsonObject map) { // shorthand {"team": "x"}
        JsonArray a = new JsonArray();
        map.forEach(e -> a.add(new JsonObject().put("name", e.getKey()).put("value", String.valueOf(e.getValue()))));
        m = a;
      }
      if (!(m instanceof JsonArray a)) {
        throw new IllegalArgumentException("'matchers' is required: [{\"name\", \"value\", \"isRegex\"}] or {label: value}");
      }
      matchers = Silence.matchersFromJson(a);
    } catch (IllegalArgumentException | ClassCastException e) {
      Problem.send(ctx, 400, e.getMessage());
      return;
    }
    Instant now = clock.instant();
    Instant until;
    Instant from;
    try {
      String u = b.getValue("until") instanceof String s ? s : b.getValue("endsAt") instanceof String s2 ? s2 : null;
      if (u == null) {
        Problem.send(ctx, 400, "'until' is required: an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        return;
      }
      until = Instant.parse(u);
      from = b.getValue("startsAt") instanceof String s ? Instant.parse(s) : now;
    } catch (DateTimeParseException e) {
      Problem.send(ctx, 400, "not an ISO-8601 instant: '" + e.getParsedString() + "'");
      return;
    }
    if (!until.isAfter(now) || !until.isAfter(from)) {
      Problem.send(ctx, 400, "'until' must be in the future and after 'startsAt'");
      return;
    }
    String who = b.getValue("who") instanceof String s ? s.trim() : "";
    String why = b.getValue("why") instanceof String s ? s.trim() : "";
    if (who.isEmpty() || why.isEmpty()) {
      Problem.send(ctx, 400, "'who' and 'why' are required");
      return;
    }
    boolean endOnResolve = Boolean.TRUE.equals(b.getValue("endOnResolve"));
    queries.createSilence(matchers, from, until, who, why, endOnResolve)
        .onSuccess(silence -> ApiJson.reply(ctx, 201, silence)).onFailure(ctx::fail);
  }

  private void deleteSilence(RoutingContext ctx) {
    long id = Long.parseLong(ctx.pathParam("id")); // an integer: checked by the gate
    String who = ctx.queryParams().get("who");
    queries.endSilence(id, who == null || who.isBlank() ? "api" : who, clock.instant()).onSuccess(ended -> {
      if (ended) {
        ctx.response().setStatusCode(204).end();
      } else {
        Problem.send(ctx, 404, "no silence " + id + " in force");
      }
    }).onFailure(ctx::fail);
  }
}
