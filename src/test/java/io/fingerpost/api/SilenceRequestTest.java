package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.alert.AlertQueries;
import io.fingerpost.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reliability issue, item 12: {@code POST /api/silences} over real HTTP on a real database refuses a matcher
 * value that is not a string (1, null, true), an {@code until} beyond 10 years (the year 1000000000), and
 * other mistyped members, each with a 400 problem naming the member, and stores nothing for them.
 */
class SilenceRequestTest {
  static final String TOKEN = "silence-token";
  static Vertx vertx;
  static Database database;
  static HttpServer server;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
    new RequestGate(ApiSpec.load(), () -> TOKEN).mount(router);
    new AlertsRoutes(new AlertQueries(database.pool()), Clock.systemUTC()).mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static JsonObject valid() {
    return new JsonObject()
        .put("matchers", new JsonArray().add(new JsonObject().put("name", "team").put("value", "ops")))
        .put("until", Instant.now().plus(Duration.ofDays(7)).toString()).put("who", "ana").put("why", "planned work");
  }

  static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/api/silences"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void refused(JsonObject body, String member) throws Exception {
    HttpResponse<String> r = post(body.encode());
    assertEquals(400, r.statusCode(), body.encode() + " -> " + r.body());
    assertEquals(Problem.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
    JsonObject p = new JsonObject(r.body());
    assertEquals(member, p.getString("parameter"), r.body());
    assertTrue(p.getString("detail").contains(member), r.body());
  }

  static JsonObject withMatcher(JsonObject matcher) {
    return valid().put("matchers", new JsonArray().add(new JsonObject().put("name", "team").put("value", "ops"))
        .add(matcher));
  }

  @Test
  void mistypedMembersAndFarTimesAreRefusedNamingTheMember() throws Exception {
    refused(withMatcher(new JsonObject().put("name", "severity").put("value", 1)), "matchers[1].value");
    refused(withMatcher(new JsonObject().put("name", "severity").putNull("value")), "matchers[1].value");
    refused(withMatcher(new JsonObject().put("name", "severity").put("value", true)), "matchers[1].value");
    refused(withMatcher(new JsonObject().put("name", "severity")), "matchers[1].value");
    refused(withMatcher(new JsonObject().put("name", 7).put("value", "x")), "matchers[1].name");
    refused(withMatcher(new JsonObject().put("name", "a").put("value", "x").put("isRegex", "yes")),
        "matchers[1].isRegex");
    refused(withMatcher(new JsonObject().put("name", "a").put("value", "(").put("isRegex", true)), "matchers[1].value");
    refused(withMatcher(new JsonObject().put("name", "a").put("value", "x").put("isEqual", false)),
        "matchers[1].isEqual");
    refused(valid().put("matchers", new JsonObject().put("team", 1)), "matchers.team");
    refused(valid().put("matchers", new JsonObject().putNull("team")), "matchers.team");
    refused(valid().put("matchers", new JsonArray()), "matchers");
    refused(valid().put("matchers", "team=ops"), "matchers");

    refused(valid().put("until", "+1000000000-01-01T00:00:00Z"), "until");
    refused(valid().put("until", Instant.now().plus(Duration.ofDays(3660)).toString()), "until");
    refused(valid().put("until", Instant.now().minusSeconds(60).toString()), "until");
    refused(valid().put("until", 1767225600), "until");
    refused(valid().put("until", "tomorrow"), "until");
    refused(valid().put("startsAt", "-1000000000-01-01T00:00:00Z"), "startsAt");
    refused(valid().put("who", 42), "who");
    refused(valid().put("endOnResolve", "yes"), "endOnResolve");
    assertEquals(0, database.pool().query("SELECT count(*) FROM silence").execute().await(10, TimeUnit.SECONDS)
        .iterator().next().getLong(0), "nothing stored for a refused request");

    // within bounds: stored as given, values as text
    HttpResponse<String> ok = post(valid().put("until", Instant.now().plus(Duration.ofDays(3650)).toString())
        .put("matchers", new JsonObject().put("severity", "1")).encode());
    assertEquals(201, ok.statusCode(), ok.body());
    JsonObject m = new JsonObject(ok.body()).getJsonArray("matchers").getJsonObject(0);
    assertEquals("1", m.getString("value"));
    HttpResponse<String> regex = post(withMatcher(new JsonObject().put("name", "area").put("value", "E08.*")
        .put("isRegex", true)).encode());
    assertEquals(201, regex.statusCode(), regex.body());
  }
}
