package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The request contract of {@code openapi.yaml}, walked operation by operation on the running service:
 * every path and query parameter given a NUL byte, an invalid UTF-8 percent-escape, a malformed escape or an
 * overlong value; every operation given an unknown and a repeated query parameter. Each answer must be a 400
 * problem naming the parameter, with no database or exception text, and the service must log no stack trace.
 * Token routes refuse a missing or wrong token with 401 and {@code WWW-Authenticate}; an overlong URI is a 414
 * problem, oversized headers a 431 problem.
 */
@ExtendWith(VertxExtension.class)
class RequestGateTest {
  static final String TOKEN = "gate-token-456";
  static final List<String> BAD_VALUES = List.of("%00", "a%00b", "%FF", "%C3%28", "%ED%A0%80", "%ZZ", "%4",
      "x".repeat(2000));
  /** Text that would mean an internal error reached the client. */
  static final List<String> LEAKS = List.of("ERROR:", "SQLSTATE", "postgres", "Exception", "io.vertx", "at io.",
      "internal error", "invalid byte sequence");

  static App app;
  static WebClient web;
  static ApiSpec spec;
  static ListAppender<ILoggingEvent> log;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    String yaml = """
        http: {port: 0, host: 127.0.0.1}
        database: {url: "%s"}
        push: {token: "${PUSH_TOKEN}"}
        """.formatted(db.url());
    ConfigLoader.Loaded loaded = ConfigLoader.parse(yaml, ConfigFile.of(Path.of("gate.yaml")),
        Map.of("PUSH_TOKEN", TOKEN));
    app = App.start(vertx, loaded).await(60, TimeUnit.SECONDS);
    web = WebClient.create(vertx, new WebClientOptions().setMaxInitialLineLength(64 * 1024));
    spec = ApiSpec.load();
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    app.stop().await(60, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> send(HttpMethod method, String uri, String auth) throws Exception {
    HttpRequest<Buffer> req = web.request(method, app.httpPort(), "127.0.0.1", uri);
    if (auth != null) {
      req.putHeader("Authorization", auth);
    }
    return req.send().await(30, TimeUnit.SECONDS);
  }

  /** A value the parameter's schema accepts. */
  static String validValue(ApiSpec.Parameter p) {
    JsonObject s = p.schema();
    if (s.containsKey("enum")) {
      return s.getJsonArray("enum").getString(0);
    }
    if (s.getString("pattern", "").contains("0-9a-f")) {
      return "0123456789abcdef";
    }
    return switch (s.getString("type", "string")) {
      case "integer" -> "1";
      case "boolean" -> "true";
      default -> p.name().equals("since") ? "0" : p.name().equals("status") ? "ON_TRACK" : "x";
    };
  }

  /** The operation's URI with every path parameter valid and the given query. */
  static String uri(ApiSpec.Operation op, String badParam, String badValue, String query) {
    String path = op.path();
    for (ApiSpec.Parameter p : op.parameters()) {
      if (p.inPath()) {
        path = path.replace("{" + p.name() + "}", p.name().equals(badParam) ? badValue : validValue(p));
      }
    }
    return query == null ? path : path + "?" + query;
  }

  static void assertProblemNaming(HttpResponse<Buffer> r, String parameter, String what) {
    assertEquals(400, r.statusCode(), what + ": " + r.bodyAsString());
    assertEquals(Problem.CONTENT_TYPE, r.getHeader("Content-Type"), what);
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(400, body.getInteger("status"), what);
    assertEquals(parameter, body.getString("parameter"), what + ": " + body.encode());
    assertTrue(body.getString("detail").contains(parameter), what + ": " + body.encode());
    for (String leak : LEAKS) {
      assertFalse(r.bodyAsString().contains(leak), what + " leaks '" + leak + "': " + r.bodyAsString());
    }
  }

  @Test
  void everyParameterOfEveryOperationRefusesBadTextByName() throws Exception {
    int checked = 0;
    for (ApiSpec.Operation op : spec.operations()) {
      for (ApiSpec.Parameter p : op.parameters()) {
        for (String bad : BAD_VALUES) {
          String what = op.id() + " " + p.in() + " " + p.name() + "=" + bad.substring(0, Math.min(bad.length(), 12));
          String uri;
          if (p.inPath()) {
            uri = uri(op, p.name(), bad, null);
          } else {
            List<String> query = new ArrayList<>();
            for (ApiSpec.Parameter q : op.parameters()) {
              if (!q.inPath() && q.required() && !q.name().equals(p.name())) {
                query.add(q.name() + "=" + validValue(q));
              }
            }
            query.add(p.name() + "=" + bad);
            uri = uri(op, null, null, String.join("&", query));
          }
          assertProblemNaming(send(op.method(), uri, "Bearer " + TOKEN), p.name(), what);
          checked++;
        }
      }
      assertProblemNaming(send(op.method(), uri(op, null, null, "bogus=1"), "Bearer " + TOKEN), "bogus",
          op.id() + " unknown parameter");
      op.parameters().stream().filter(p -> !p.inPath()).findFirst().ifPresent(p -> {
        try {
          String twice = p.name() + "=" + validValue(p) + "&" + p.name() + "=" + validValue(p);
          assertProblemNaming(send(op.method(), uri(op, null, null, twice), "Bearer " + TOKEN), p.name(),
              op.id() + " repeated " + p.name());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
    assertTrue(checked > 200, "only " + checked + " cases");
    List<ILoggingEvent> traces = log.list.stream()
        .filter(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
    assertTrue(traces.isEmpty(), "bad requests made the service log errors or stack traces: "
        + traces.stream().map(ILoggingEvent::getFormattedMessage).toList());
  }

  @Test
  void typedParametersAreCheckedAgainstTheirSchema() throws Exception {
    assertProblemNaming(send(HttpMethod.GET, "/api/evaluations?since=99999999999999999999", null), "since", "since");
    assertProblemNaming(send(HttpMethod.GET, "/api/evaluations?since=yesterday", null), "since", "since");
    assertEquals(200, send(HttpMethod.GET, "/api/evaluations?since=2026-01-31T12:00:00Z", null).statusCode());
    assertProblemNaming(send(HttpMethod.GET, "/api/series?limit=10001", null), "limit", "limit");
    assertProblemNaming(send(HttpMethod.GET, "/api/series?offset=-1", null), "offset", "offset");
    assertProblemNaming(send(HttpMethod.GET, "/api/series/99999999999999999999", null), "id", "series id");
    assertProblemNaming(send(HttpMethod.GET, "/api/alerts?state=burning", null), "state", "state");
    assertProblemNaming(send(HttpMethod.GET, "/api/alerts/nope", null), "fingerprint", "fingerprint");
    assertProblemNaming(send(HttpMethod.GET, "/api/targets?colour=red", null), "colour", "targets");
    assertProblemNaming(send(HttpMethod.GET, "/api/alerts?colour=red", null), "colour", "alerts");
    assertProblemNaming(send(HttpMethod.GET, "/api/observations?indicator=1", null), "area", "required");
    // valid text passes, '+' and escapes decoded as in any query
    assertEquals(200, send(HttpMethod.GET, "/api/targets?group=ICS+long%20term&status=on_track,no_data", null)
        .statusCode());
    assertEquals(404, send(HttpMethod.GET, "/api/areas/E08%C3%A9", null).statusCode());
  }

  @Test
  void bodiesOfTheAlertApiRefuseTextTheDatabaseCannotHold() throws Exception {
    String fp = "/api/alerts/0123456789abcdef/ack";
    assertProblemNaming(sendJson(HttpMethod.POST, fp, "{\"who\":\"a\\u0000b\"}"), "who", "ack who");
    assertProblemNaming(sendJson(HttpMethod.POST, fp, "{\"who\":\"ana\",\"comment\":\"\\ud800\"}"), "comment",
        "ack comment");
    String until = java.time.Instant.now().plusSeconds(3600).toString();
    assertProblemNaming(sendJson(HttpMethod.POST, "/api/silences", "{\"matchers\":[{\"name\":\"team\",\"value\":"
        + "\"x\\u0000\"}],\"until\":\"" + until + "\",\"who\":\"ana\",\"why\":\"work\"}"), "matchers[0].value",
        "silence matcher");
    assertProblemNaming(sendJson(HttpMethod.POST, "/api/silences", "{\"matchers\":{\"te\\u0000am\":\"x\"},"
        + "\"until\":\"" + until + "\",\"who\":\"ana\",\"why\":\"work\"}"), "matchers.te\\u0000am", "matcher name");
    // tabs and line breaks are text
    HttpResponse<Buffer> ok = sendJson(HttpMethod.POST, "/api/silences", "{\"matchers\":{\"team\":\"x\"},\"until\":\""
        + until + "\",\"who\":\"ana\",\"why\":\"planned\\nwork\"}");
    assertEquals(201, ok.statusCode(), ok.bodyAsString());
  }

  static HttpResponse<Buffer> sendJson(HttpMethod method, String uri, String json) throws Exception {
    return web.request(method, app.httpPort(), "127.0.0.1", uri).putHeader("Authorization", "Bearer " + TOKEN)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json)).await(30, TimeUnit.SECONDS);
  }

  @Test
  void aRouteMissingFromTheFileIsFound(Vertx vertx) {
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
    RequestGate gate = new RequestGate(spec, () -> TOKEN);
    gate.mount(router);
    router.get("/api/series/:id").handler(ctx -> ctx.end());
    router.post("/api/silences").handler(ctx -> ctx.end());
    assertEquals(List.of(), gate.undescribed(router));
    router.get("/api/secret").handler(ctx -> ctx.end());
    router.delete("/api/series/:id").handler(ctx -> ctx.end());
    router.route("/api/anything").handler(ctx -> ctx.end());
    assertEquals(List.of("GET /api/secret", "DELETE /api/series/:id", "* /api/anything"), gate.undescribed(router));
  }

  @Test
  void tokenRoutesNeedTheBearerToken() throws Exception {
    for (ApiSpec.Operation op : spec.operations()) {
      HttpResponse<Buffer> none = send(op.method(), uri(op, null, null, null), null);
      if (op.bearer()) {
        assertEquals(401, none.statusCode(), op.id());
        assertEquals(Problem.CONTENT_TYPE, none.getHeader("Content-Type"), op.id());
        assertNotNull(none.getHeader("WWW-Authenticate"), op.id());
        HttpResponse<Buffer> wrong = send(op.method(), uri(op, null, null, null), "Bearer not-" + TOKEN);
        assertEquals(401, wrong.statusCode(), op.id());
        assertTrue(wrong.getHeader("WWW-Authenticate").contains("invalid_token"), op.id());
      } else {
        assertTrue(none.statusCode() != 401 && none.statusCode() != 403, op.id() + " is open: " + none.statusCode());
      }
    }
  }

  @Test
  void anOverlongUriOrHeaderIsAProblem() throws Exception {
    HttpResponse<Buffer> r = send(HttpMethod.GET, "/api/areas?type=" + "x".repeat(ApiVerticle.MAX_REQUEST_LINE), null);
    assertEquals(414, r.statusCode());
    assertEquals(Problem.CONTENT_TYPE, r.getHeader("Content-Type"));
    assertEquals(414, r.bodyAsJsonObject().getInteger("status"));
    HttpResponse<Buffer> h = web.get(app.httpPort(), "127.0.0.1", "/api/areas").putHeader("X-Big", "x".repeat(20_000))
        .send().await(30, TimeUnit.SECONDS);
    assertEquals(431, h.statusCode());
    assertEquals(Problem.CONTENT_TYPE, h.getHeader("Content-Type"));
  }
}
