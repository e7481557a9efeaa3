package io.fingerpost.api;

import io.fingerpost.event.Events;
import io.fingerpost.event.EvaluationsCreated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.store.Database;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetEvaluatorVerticle;
import io.fingerpost.strategy.TargetsLoader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The targets endpoints over real HTTP on a real (embedded) PostgreSQL. */
@ExtendWith(VertxExtension.class)
class TargetsApiTest {

  @Test
  void targetsAndEvaluations(Vertx vertx) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('92901', 'Inequality in life expectancy at birth', 'Years', NULL, 'LOW_IS_GOOD')");
    db.execute("INSERT INTO area (code, name, type) VALUES ('E08000027', 'Dudley', 'UA')");
    db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('92901', 'E08000027', 'Male',"
        + " '<1 yr')");
    String[] periods = {"2017 - 19", "2018 - 20", "2019 - 21", "2020 - 22", "2021 - 23"};
    double[] values = {9.0, 9.4, 10.2, 10.5, 11.0};
    for (int i = 0; i < periods.length; i++) {
      int start = Integer.parseInt(periods[i].substring(0, 4));
      db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
          + " SELECT id, '" + periods[i] + "', " + start + ", " + (start + 3) + ", " + values[i] + ", 'test'"
          + " FROM series");
    }
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      List<TargetDefinition> targets = TargetsLoader.loadResource(
          "fingerpost/default/targets/dudley-2023-2033.yaml").stream()
          .filter(t -> List.of("inequality-le-birth-male", "le-65-male").contains(t.id())).toList();
      LinkedBlockingQueue<EvaluationsCreated> events = new LinkedBlockingQueue<>();
      Events.consumer(vertx, EvaluationsCreated.ADDRESS, events::add);
      vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets)).await(30, TimeUnit.SECONDS);
      assertNotNull(events.poll(10, TimeUnit.SECONDS));

      Router router = Router.router(vertx);
      new TargetsApi(database.pool(), targets).mount(router);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      WebClient client = WebClient.create(vertx);
      int port = server.actualPort();

      // Direction-only decrease, b = 9.20 printed (2018 - 20), tolerance 0.75/1.5. Latest 2021 - 23: 11.0,
      // d = −(11.0 − 9.2) = −1.8 < −1.5 → OFF_TRACK.
      JsonObject all = get(client, port, "/api/targets").bodyAsJsonObject();
      JsonArray list = all.getJsonArray("targets");
      assertEquals(2, list.size());
      JsonObject ineq = find(list, "inequality-le-birth-male");
      assertEquals("OFF_TRACK", ineq.getString("status"));
      assertEquals(-1.8, ineq.getDouble("deviation"), 1e-9);
      assertEquals(9.2, ineq.getDouble("expected"), 1e-12);
      assertEquals("DIRECTION_ONLY", ineq.getString("form"));
      assertTrue(ineq.getString("explanation").startsWith("Dudley, Inequality in life expectancy at birth, male"
          + " (years) 2021 - 23: 11 years, 1.8 above its baseline 9.2 of 2018 - 20, to decrease by 2031 - 33"
          + " (red, tolerance 1.5); projected "), ineq.getString("explanation"));
      JsonObject noData = find(list, "le-65-male");
      assertEquals("NO_DATA", noData.getString("status"));
      // le-65-male has only its printed baseline since issue 13 (no noData mark): without that series, its
      // warning names what is missing
      assertTrue(noData.getString("warning").startsWith("indicator dudley-his.le-65 appears in no feed"),
          noData.getString("warning"));

      // filters
      assertEquals(1, get(client, port, "/api/targets?status=OFF_TRACK").bodyAsJsonObject()
          .getJsonArray("targets").size());
      assertEquals(1, get(client, port, "/api/targets?status=on_track,no_data").bodyAsJsonObject()
          .getJsonArray("targets").size());
      assertEquals(2, get(client, port, "/api/targets?group=ICS%20long%20term&team=public-health&area=E08000027")
          .bodyAsJsonObject().getJsonArray("targets").size());
      assertEquals(0, get(client, port, "/api/targets?team=nobody").bodyAsJsonObject()
          .getJsonArray("targets").size());
      // pages: the same order as the whole list, with the total and the next page's offset
      JsonObject first = get(client, port, "/api/targets?limit=1").bodyAsJsonObject();
      assertEquals(1, first.getJsonArray("targets").size());
      assertEquals(list.getJsonObject(0), first.getJsonArray("targets").getJsonObject(0));
      assertEquals(2, first.getLong("total"));
      assertEquals(1, first.getLong("nextOffset"));
      JsonObject second = get(client, port, "/api/targets?limit=1&offset=1").bodyAsJsonObject();
      assertEquals(list.getJsonObject(1), second.getJsonArray("targets").getJsonObject(0));
      assertTrue(second.containsKey("nextOffset") && second.getValue("nextOffset") == null, second.encode());
      assertEquals(1, get(client, port, "/api/targets?status=OFF_TRACK&offset=0").bodyAsJsonObject().getLong("total"));
      // a page past the end still says how many match (no row of the page carries the total); none match: 0
      JsonObject past = get(client, port, "/api/targets?offset=5").bodyAsJsonObject();
      assertEquals(0, past.getJsonArray("targets").size());
      assertEquals(2, past.getLong("total"));
      assertTrue(past.containsKey("nextOffset") && past.getValue("nextOffset") == null, past.encode());
      JsonObject none = get(client, port, "/api/targets?team=nobody&limit=10").bodyAsJsonObject();
      assertEquals(0, none.getLong("total"));
      assertTrue(none.containsKey("nextOffset") && none.getValue("nextOffset") == null, none.encode());
      assertEquals(1, get(client, port, "/api/targets?status=OFF_TRACK&limit=1&offset=0").bodyAsJsonObject()
          .getLong("total"));
      assertFalse(all.containsKey("total"), "the whole list keeps its form");
      for (String badPage : List.of("limit=0", "limit=10001", "offset=-1", "limit=x")) {
        HttpResponse<Buffer> refused = get(client, port, "/api/targets?" + badPage);
        assertEquals(400, refused.statusCode(), badPage);
        assertEquals("application/problem+json", refused.getHeader("Content-Type"));
      }
      HttpResponse<Buffer> bad = get(client, port, "/api/targets?status=GREEN");
      assertEquals(400, bad.statusCode());
      assertEquals("application/problem+json", bad.getHeader("Content-Type"));
      assertTrue(bad.bodyAsJsonObject().getString("detail").startsWith("status 'GREEN' is not one of"));

      // one target: definition, trajectory points, observations, projection, history
      JsonObject one = get(client, port, "/api/targets/inequality-le-birth-male").bodyAsJsonObject();
      assertEquals("decrease", one.getJsonObject("definition").getString("direction"));
      JsonArray points = one.getJsonArray("trajectory");
      assertEquals("baseline", points.getJsonObject(0).getString("kind"));
      assertEquals(9.2, points.getJsonObject(0).getDouble("value"));
      assertEquals("2031 - 33", points.getJsonObject(1).getString("period"));
      assertEquals(5, one.getJsonArray("observations").size());
      assertEquals(9.2, one.getJsonArray("observations").getJsonObject(4).getDouble("expected"));
      assertNotNull(one.getJsonObject("projection").getDouble("probabilityOfMeeting"));
      assertEquals(1, one.getJsonArray("history").size());
      HttpResponse<Buffer> missing = get(client, port, "/api/targets/nope");
      assertEquals(404, missing.statusCode());
      assertEquals("application/problem+json", missing.getHeader("Content-Type"));

      // evaluations since
      JsonObject ev = get(client, port, "/api/evaluations?since=2000-01-01T00:00:00Z").bodyAsJsonObject();
      assertEquals(1, ev.getJsonArray("evaluations").size());
      long last = ev.getLong("lastId");
      assertEquals(0, get(client, port, "/api/evaluations?since=" + last).bodyAsJsonObject()
          .getJsonArray("evaluations").size());
      assertEquals(400, get(client, port, "/api/evaluations?since=yesterday").statusCode());
      assertEquals(400, get(client, port, "/api/evaluations?limit=0").statusCode());
      server.close().await(10, TimeUnit.SECONDS);
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<Buffer> get(WebClient client, int port, String uri) throws Exception {
    return client.get(port, "127.0.0.1", uri).send().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject find(JsonArray list, String id) {
    for (int i = 0; i < list.size(); i++) {
      if (list.getJsonObject(i).getString("id").equals(id)) {
        return list.getJsonObject(i);
      }
    }
    throw new AssertionError("no target " + id + " in " + list.encode());
  }
}
