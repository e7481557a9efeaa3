package io.fingerpost.api;

import io.fingerpost.alert.AlertQueries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
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
    return queries.list(q.get("state"), q.get("team"), q.get("severity"), q.get("rule"), q.get("area"), 1000)
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
    SilenceBody s;
    try {
      s = SilenceBody.read(JsonBody.object(ctx), clock.instant());
    } catch (Problem p) {
      Problem.send(ctx, p);
      return;
    }
    queries.createSilence(s.matchers(), s.from(), s.until(), s.who(), s.why(), s.endOnResolve())
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
