package io.fingerpost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The service on its bundled default configuration: every feed loads, Dudley's series are served. */
@ExtendWith(VertxExtension.class)
class AppTest {

  @Test
  void bundledDefaultServesDudleyLifeExpectancy(Vertx vertx) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    App app = BundledDefault.start(vertx, db, Map.of());
    try {
      WebClient web = WebClient.create(vertx);
      int port = app.httpPort();
      int ready = BundledDefault.awaitReady(web, port, java.time.Duration.ofSeconds(120)); // as BundledStrategyCoverageTest
      assertEquals(200, ready, "every feed finished its first poll");

      HttpResponse<Buffer> r = web.get(port, "127.0.0.1", "/api/observations?indicator=90366&area=E08000027&sex=Male")
          .send().await(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonArray obs = r.bodyAsJsonArray();
      assertEquals(9, obs.size());
      assertEquals("2015 - 17", obs.getJsonObject(0).getString("period"));
      assertEquals(78.9, obs.getJsonObject(0).getDouble("value"));
      assertTrue(obs.getJsonObject(8).getDouble("value") > 70);

      JsonArray feeds = web.get(port, "127.0.0.1", "/api/feeds").send().await(10, TimeUnit.SECONDS).bodyAsJsonArray();
      assertEquals(25, feeds.size()); // 11 before issue 13's regional data, 24 before the Health Index inputs
      for (Object o : feeds) {
        JsonObject f = (JsonObject) o;
        assertEquals("OK", f.getString("state"), f.encode());
        assertEquals(f.getLong("rowsRead"), f.getLong("rowsInserted") + f.getLong("rowsRejected"), f.encode());
      }
      JsonObject wm = web.get(port, "127.0.0.1", "/api/areas/E12000005").send().await(10, TimeUnit.SECONDS)
          .bodyAsJsonObject();
      assertEquals("West Midlands region", wm.getString("name"));
      JsonObject dudley = web.get(port, "127.0.0.1", "/api/areas/E08000027").send().await(10, TimeUnit.SECONDS)
          .bodyAsJsonObject();
      assertEquals("E12000005", dudley.getString("parentCode"));
    } finally {
      app.stop().await(60, TimeUnit.SECONDS);
    }
  }
}
