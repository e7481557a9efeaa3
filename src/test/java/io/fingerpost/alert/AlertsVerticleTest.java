package io.fingerpost.alert;

import io.fingerpost.config.AlertsConfig;
import io.fingerpost.config.DeliveryConfig;
import io.fingerpost.config.ReceiverConfig;
import io.fingerpost.config.RouteConfig;
import java.util.ArrayList;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.event.Events;
import io.fingerpost.event.EvaluationsCreated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.api.AlertsRoutes;
import io.fingerpost.api.ApiSpec;
import io.fingerpost.api.RequestGate;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alerts verticle on PostgreSQL: evaluation rows in, one webhook notification per real change out; the
 * alert API over HTTP.
 */
class AlertsVerticleTest {
  private static final String TOKEN = "s3cret";
  private static TestDatabase.Db db;
  private static Vertx vertx;
  private static Pool pool;
  private static HttpServer hook;
  private static HttpServer api;
  private static WebClient client;
  private static AlertsVerticle verticle;
  private static final List<JsonObject> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void setUp() {
    db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit) VALUES ('90366', 'Life expectancy at birth', 'years')");
    db.execute("INSERT INTO area (code, name) VALUES ('E08000027', 'Dudley')");
    Evaluations.insertTarget(db, "le-male", "Life expectancy (male)", "90366", "E08000027", "Male",
        "Children and young people", "ICS long term", "2033", 80);
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(db.connectOptions()).using(vertx).build();
    client = WebClient.create(vertx);
    hook = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      received.add(b.toJsonObject().put("_key", req.getHeader("Idempotency-Key")));
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await();
    AlertsConfig cfg = new AlertsConfig(true, "http://127.0.0.1:8080", null, null,
        Map.of("cyp", new ReceiverConfig("webhook", "http://127.0.0.1:" + hook.actualPort() + "/", null, null, null, null, null),
            "log", new ReceiverConfig("log", null, null, null, null, null, null)),
        List.of(new RouteConfig(Map.of("team", "Children and young people"), null, List.of("cyp"), false)),
        List.of("log"), null, new DeliveryConfig(Duration.ofMillis(50), Duration.ofMillis(500), null, null, null, null));
    verticle = new AlertsVerticle(cfg, pool, Clock.systemUTC());
    vertx.deployVerticle(verticle).await();
    Router router = Router.router(vertx);
    new RequestGate(ApiSpec.load(), () -> TOKEN).mount(router); // token and parameters, as in the service
    new AlertsRoutes(new AlertQueries(pool), Clock.systemUTC()).mount(router);
    api = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static long evaluation(String period, String status, double value, boolean initial) {
    String sql = "INSERT INTO evaluation (target_id, series_id, period, period_t, observation_revision, evaluated_at,"
        + " initial_load, status, not_significant, value, lower_ci95, upper_ci95, expected, deviation, amber_tolerance,"
        + " red_tolerance, explanation, verdicts, fingerprint) VALUES ('le-male', NULL, $1, 2020.5, 1, now(), $2, $3,"
        + " false, $4, $4 - 0.3, $4 + 0.3, 78, $4 - 78, 0.5, 1, 'Held against the strategy trajectory.', '{}', $1)"
        + " RETURNING id";
    return pool.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(period, initial, status, value)).await()
        .iterator().next().getLong(0);
  }

  private static String alertState(String fingerprint) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/alerts/" + fingerprint, null, TOKEN);
    return r.statusCode() == 200 ? r.bodyAsJsonObject().getString("state") : null;
  }

  private static long initialTransitions() {
    return pool.query("SELECT count(*) FROM alert_transition WHERE initial_load").execute().await()
        .iterator().next().getLong(0);
  }

  private static void created(boolean initial, long... ids) {
    List<Long> a = new ArrayList<>();
    for (long id : ids) {
      a.add(id);
    }
    Events.publish(vertx, new EvaluationsCreated(initial, a, List.of("le-male")));
  }

  private static FeedStatus feedStatus(String feed, boolean ok, String lastError) {
    return new FeedStatus(feed, "fingertips-csv", "test", ok, true, ok ? 0 : 1, null, lastError, null);
  }

  private static HttpResponse<Buffer> call(HttpMethod m, String path, JsonObject body, String token) {
    var req = client.request(m, api.actualPort(), "127.0.0.1", path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  @Test
  void historyIsSilentThenOneNotificationPerChangeAndTheApiShowsIt() throws Exception {
    long h1 = evaluation("2017", "OFF_TRACK", 76.0, true);
    long h2 = evaluation("2018", "ON_TRACK", 78.0, true);
    created(true, h1, h2);
    // The event reaches the verticle asynchronously: idle() alone can resolve before the round has begun.
    OutboxDeliveryTest.waitUntil(() -> initialTransitions() >= 2, Duration.ofSeconds(10));
    verticle.idle().await();
    Thread.sleep(300);
    assertEquals(0, received.size(), "history notifies nobody");
    assertEquals(2L, initialTransitions());

    long live = evaluation("2019", "OFF_TRACK", 76.5, false);
    created(false, live);
    created(false, live); // the same evaluation announced twice
    verticle.idle().await();
    OutboxDeliveryTest.waitUntil(() -> received.size() >= 1, Duration.ofSeconds(10));
    Thread.sleep(300);
    assertEquals(1, received.size());
    JsonObject n = received.get(0);
    assertEquals("4", n.getString("version"));
    assertEquals("cyp", n.getString("receiver"));
    assertEquals("firing", n.getString("status"));
    JsonObject alert = n.getJsonArray("alerts").getJsonObject(0);
    assertEquals("critical", alert.getJsonObject("labels").getString("severity"));
    assertEquals("le-male", alert.getJsonObject("labels").getString("target"));
    assertTrue(alert.getJsonObject("annotations").getString("description")
        .startsWith("Life expectancy at birth in Dudley (Male) was 76.5 years in 2019"), alert.encode());
    String fp = alert.getString("fingerprint");

    // API: reading is open, acknowledging needs the token (401 problem); list, filter, detail, ack
    assertEquals(200, call(HttpMethod.GET, "/api/alerts", null, null).statusCode());
    HttpResponse<Buffer> denied = call(HttpMethod.POST, "/api/alerts/" + fp + "/ack",
        new JsonObject().put("who", "ana"), null);
    assertEquals(401, denied.statusCode());
    assertEquals("application/problem+json", denied.getHeader("Content-Type"));
    assertEquals(400, call(HttpMethod.GET, "/api/alerts?severity=loud", null, TOKEN).statusCode());
    JsonArray firing = call(HttpMethod.GET, "/api/alerts?state=firing&team=Children%20and%20young%20people&rule=off_trajectory",
        null, TOKEN).bodyAsJsonObject().getJsonArray("alerts");
    assertEquals(1, firing.size());
    assertEquals(fp, firing.getJsonObject(0).getString("fingerprint"));
    assertEquals(0, call(HttpMethod.GET, "/api/alerts?severity=warning", null, TOKEN).bodyAsJsonObject()
        .getJsonArray("alerts").size());
    // by place (the area label): Dudley's, and none of Birmingham's
    assertEquals(fp, call(HttpMethod.GET, "/api/alerts?area=E08000027", null, TOKEN).bodyAsJsonObject()
        .getJsonArray("alerts").getJsonObject(0).getString("fingerprint"));
    assertEquals(0, call(HttpMethod.GET, "/api/alerts?area=E08000025", null, TOKEN).bodyAsJsonObject()
        .getJsonArray("alerts").size());
    assertEquals(400, call(HttpMethod.POST, "/api/alerts/" + fp + "/ack", new JsonObject(), TOKEN).statusCode());
    HttpResponse<Buffer> acked = call(HttpMethod.POST, "/api/alerts/" + fp + "/ack",
        new JsonObject().put("who", "ana").put("comment", "on it"), TOKEN);
    assertEquals(200, acked.statusCode());
    assertEquals("ana", acked.bodyAsJsonObject().getJsonObject("acknowledgement").getString("by"));
    assertEquals(404, call(HttpMethod.GET, "/api/alerts/ffffffffffffffff", null, TOKEN).statusCode());
    OutboxDeliveryTest.waitUntil(() -> "delivered".equals(call(HttpMethod.GET, "/api/alerts/" + fp, null, TOKEN)
        .bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0).getString("status")), Duration.ofSeconds(5));
    JsonObject detail = call(HttpMethod.GET, "/api/alerts/" + fp, null, TOKEN).bodyAsJsonObject();
    assertEquals(List.of("fired", "resolved", "fired"), detail.getJsonArray("history").stream()
        .map(o -> ((JsonObject) o).getString("reason")).toList());
    assertEquals(live, detail.getJsonArray("history").getJsonObject(2).getLong("evaluationId"));
    JsonObject delivery = detail.getJsonArray("deliveries").getJsonObject(0);
    assertEquals(n.getString("_key"), delivery.getString("idempotencyKey"));
    assertEquals(1, delivery.getJsonArray("log").size());

    // silence: bad input is a problem, a good one holds back the next firing of this team
    assertEquals(400, call(HttpMethod.POST, "/api/silences", new JsonObject().put("who", "ana"), TOKEN).statusCode());
    HttpResponse<Buffer> s = call(HttpMethod.POST, "/api/silences", new JsonObject()
        .put("matchers", new JsonObject().put("team", "Children and young people"))
        .put("until", java.time.Instant.now().plusSeconds(3600).toString()).put("who", "ana").put("why", "planned work")
        .put("endOnResolve", false), TOKEN);
    assertEquals(201, s.statusCode(), s.bodyAsString());
    long silenceId = s.bodyAsJsonObject().getLong("id");

    long recovered = evaluation("2020", "ON_TRACK", 78.2, false);
    created(false, recovered);
    verticle.idle().await();
    OutboxDeliveryTest.waitUntil(() -> received.size() >= 2, Duration.ofSeconds(10));
    assertEquals("resolved", received.get(1).getString("status"), "a resolution of an announced alert is sent");
    assertEquals(204, call(HttpMethod.DELETE, "/api/silences/" + silenceId, null, TOKEN).statusCode());
    assertEquals(404, call(HttpMethod.DELETE, "/api/silences/" + silenceId, null, TOKEN).statusCode());
    assertNotNull(detail.getJsonObject("annotations").getString("link"));
  }

  @Test
  void aFailingFeedFiresAndItsNextSuccessResolves() throws Exception {
    String fp = Fingerprints.forFeed(Rule.FEED_STALE, "life-expectancy");
    Events.publish(vertx, feedStatus("life-expectancy", false, "HTTP 503 from the source"));
    Events.publish(vertx, feedStatus("life-expectancy", false, "HTTP 503 from the source"));
    // bounded wait for the round the events start (idle() alone can resolve before it has begun)
    OutboxDeliveryTest.waitUntil(() -> "firing".equals(alertState(fp)), Duration.ofSeconds(10));
    verticle.idle().await();
    JsonObject a = call(HttpMethod.GET, "/api/alerts/" + fp, null, TOKEN).bodyAsJsonObject();
    assertEquals("firing", a.getString("state"));
    assertTrue(a.getJsonObject("annotations").getString("description").contains("HTTP 503 from the source"));
    assertEquals("log", a.getJsonArray("deliveries").getJsonObject(0).getString("receiver"), "the default route");
    Events.publish(vertx, feedStatus("life-expectancy", true, null));
    OutboxDeliveryTest.waitUntil(() -> "resolved".equals(alertState(fp)), Duration.ofSeconds(10));
    verticle.idle().await();
    JsonObject after = call(HttpMethod.GET, "/api/alerts/" + fp, null, TOKEN).bodyAsJsonObject();
    assertEquals("resolved", after.getString("state"));
    assertEquals(2, after.getJsonArray("history").size(), "fired once, resolved once");
  }
}
