package io.fingerpost.api;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.alert.Rule;
import io.fingerpost.alert.Silence;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The alert endpoints: {@code GET /api/alerts} and {@code GET /api/alerts/{fingerprint}} are open (like
 * the targets); {@code POST /api/alerts/{fingerprint}/ack}, {@code GET|POST /api/silences} and
 * {@code DELETE /api/silences/{id}} need the bearer token (the push token). Errors are
 * {@code application/problem+json} (RFC 9457); with no token configured those are refused (403).
 */
public final class AlertsRoutes implements Routes {
  private static final Set<String> STATES = Set.of("firing", "resolved");
  private static final Set<String> SEVERITIES = Set.of("warning", "critical");

  private final AlertQueries queries;
  private final Supplier<String> token;
  private final Clock clock;

  public AlertsRoutes(AlertQueries queries, Supplier<String> token, Clock clock) {
    this.queries = queries;
    this.token = token;
    this.clock = clock;
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = BodyHandler.create().setBodyLimit(64 * 1024);
    // Reading alerts is open like the targets they come from; changing them (ack, silences) needs the token.
    router.post("/api/alerts/*").handler(this::authorize);
    router.route("/api/silences*").handler(this::authorize);
    router.get("/api/alerts").handler(this::list);
    router.get("/api/alerts/:fingerprint").handler(this::get);
    router.post("/api/alerts/:fingerprint/ack").handler(body).handler(this::ack);
    router.get("/api/silences").handler(ctx -> reply(ctx, queries.silences().map(a -> new JsonObject().put("silences", a)), 200));
    router.post("/api/silences").handler(body).handler(this::createSilence);
    router.delete("/api/silences/:id").handler(this::deleteSilence);
  }

  private void authorize(RoutingContext ctx) {
    String expected = token.get();
    String header = ctx.request().getHeader("Authorization");
    if (expected == null || expected.isEmpty()) {
      Problem.send(ctx, 403, "no API token is configured (push.token); the alert API is closed");
      return;
    }
    String prefix = "Bearer ";
    if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())
        || !MessageDigest.isEqual(header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8),
            expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      Problem.send(ctx, 401, "a valid 'Authorization: Bearer <token>' header is required");
      return;
    }
    ctx.next();
  }

  private void list(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    String team = ctx.queryParams().get("team");
    String severity = ctx.queryParams().get("severity");
    String rule = ctx.queryParams().get("rule");
    if (state != null && !STATES.contains(state)) {
      Problem.send(ctx, 400, "state must be one of " + STATES + ", not '" + state + "'");
      return;
    }
    if (severity != null && !SEVERITIES.contains(severity)) {
      Problem.send(ctx, 400, "severity must be one of " + SEVERITIES + ", not '" + severity + "'");
      return;
    }
    if (rule != null) {
      try {
        rule = Rule.fromLabel(rule).label();
      } catch (IllegalArgumentException e) {
        Problem.send(ctx, 400, e.getMessage() + " (rules: "
            + java.util.Arrays.stream(Rule.values()).map(Rule::label).toList() + ")");
        return;
      }
    }
    reply(ctx, queries.list(state, team, severity, rule, 1000).map(a -> new JsonObject().put("alerts", a)), 200);
  }

  private void get(RoutingContext ctx) {
    String fp = ctx.pathParam("fingerprint");
    queries.get(fp).onComplete(ar -> {
      if (ar.failed()) {
        Problem.send(ctx, 500, ar.cause().getMessage());
      } else if (ar.result() == null) {
        Problem.send(ctx, 404, "no alert with fingerprint '" + fp + "'");
      } else {
        json(ctx, 200, ar.result());
      }
    });
  }

  private void ack(RoutingContext ctx) {
    JsonObject b = bodyObject(ctx);
    if (b == null) {
      return;
    }
    String who = b.getValue("who") instanceof String s ? s.trim() : null;
    if (who == null || who.isEmpty()) {
      Problem.send(ctx, 400, "'who' is required: the person acknowledging");
      return;
    }
    String comment = b.getValue("comment") instanceof String s ? s : null;
    String fp = ctx.pathParam("fingerprint");
    queries.acknowledge(fp, who, comment, clock.instant()).onComplete(ar -> {
      if (ar.failed()) {
        Problem.send(ctx, 500, ar.cause().getMessage());
        return;
      }
      switch (ar.result()) {
        case NOT_FOUND -> Problem.send(ctx, 404, "no alert with fingerprint '" + fp + "'");
        case RESOLVED -> Problem.send(ctx, 409, "alert '" + fp + "' is resolved; only a firing alert can be acknowledged");
        default -> reply(ctx, queries.get(fp), 200);
      }
    });
  }

  private void createSilence(RoutingContext ctx) {
    JsonObject b = bodyObject(ctx);
    if (b == null) {
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
    reply(ctx, queries.createSilence(matchers, from, until, who, why, endOnResolve), 201);
  }

  private void deleteSilence(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      Problem.send(ctx, 400, "'" + ctx.pathParam("id") + "' is not a number");
      return;
    }
    String who = ctx.queryParams().get("who");
    queries.endSilence(id, who == null || who.isBlank() ? "api" : who, clock.instant()).onComplete(ar -> {
      if (ar.failed()) {
        Problem.send(ctx, 500, ar.cause().getMessage());
      } else if (!ar.result()) {
        Problem.send(ctx, 404, "no silence " + id + " in force");
      } else {
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  private JsonObject bodyObject(RoutingContext ctx) {
    try {
      var body = ctx.body();
      JsonObject o = body == null || body.length() == 0 ? null : body.asJsonObject();
      if (o == null) {
        Problem.send(ctx, 400, "a JSON object body is required");
      }
      return o;
    } catch (DecodeException | ClassCastException e) {
      Problem.send(ctx, 400, "the body is not a JSON object: " + e.getMessage());
      return null;
    }
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> f, int status) {
    f.onComplete(ar -> {
      if (ar.failed()) {
        Problem.send(ctx, 500, ar.cause().getMessage());
      } else {
        json(ctx, status, ar.result());
      }
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject o) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(o.encode());
  }
}
