package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.store.Database;
import io.fingerpost.strategy.TargetQueries;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole target list at national scale (tens of MB) costs time linear in its size. Read as one response, the
 * PostgreSQL client's decoder copied everything received so far every 16 network reads (store.CursorRead): a
 * list four times longer took far more than four times as long, and at 16,900 targets (bench-national --scale 1)
 * the reads kept the event loops and every pool connection busy for minutes. Here: 2,400 targets with ~20 KB
 * evaluations (~50 MB), real PostgreSQL, the list read whole and by one strategy group (a quarter of it) in the
 * same run: as one response the whole took 40 times the quarter (1,931 against 48 ms), in fetches 5.8 (309
 * against 54 ms; linear is 4). Then the same list over HTTP.
 */
class LargeTargetListTest {
  private static final int TARGETS = 2_400;
  private static final int GROUPS = 4;
  private static final int EXPLANATION_CHARS = 20_000;

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void theWholeListCostsTimeLinearInItsSize() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO target (id, name, indicator_id, area_code, strategy_group, team, direction,"
        + " baseline_period, target_period, target_value, definition, form)"
        + " SELECT 'nat-' || lpad(i::text, 5, '0'), 'Target ' || i, '95000', 'E' || lpad(i::text, 8, '0'),"
        + " 'g' || (i % " + GROUPS + "), 'team', 'decrease', '2013', '2028', 1.0, '{}', 'DIRECTION_ONLY'"
        + " FROM generate_series(1, " + TARGETS + ") i");
    // each evaluation's explanation differs (md5 of the id repeated), so nothing compresses it on the way
    db.execute("INSERT INTO evaluation (target_id, series_id, period, period_t, observation_revision, evaluated_at,"
        + " initial_load, status, not_significant, value, lower_ci95, upper_ci95, expected, deviation,"
        + " amber_tolerance, red_tolerance, explanation, verdicts, fingerprint)"
        + " SELECT id, NULL, '2022', 2022.5, 1, now(), true, 'OFF_TRACK', false, 10, 9, 11, 8, -2, 0.5, 1,"
        + " left(repeat(md5(id), " + (EXPLANATION_CHARS / 32 + 1) + "), " + EXPLANATION_CHARS + "), '{}', id"
        + " FROM target");
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      TargetQueries queries = new TargetQueries(database.pool());
      TargetQueries.Filter all = new TargetQueries.Filter(null, null, null, null);
      TargetQueries.Filter quarter = new TargetQueries.Filter(null, "g0", null, null);

      // warm-up (JIT, the server's caches), then the best of three of each, alternating
      List<TargetQueries.TargetState> whole = queries.current(all).await(60, TimeUnit.SECONDS);
      queries.current(quarter).await(60, TimeUnit.SECONDS);
      long bestWhole = Long.MAX_VALUE;
      long bestQuarter = Long.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        int n = queries.current(quarter).await(60, TimeUnit.SECONDS).size();
        bestQuarter = Math.min(bestQuarter, System.nanoTime() - t0);
        assertEquals(TARGETS / GROUPS, n);
        t0 = System.nanoTime();
        whole = queries.current(all).await(60, TimeUnit.SECONDS);
        bestWhole = Math.min(bestWhole, System.nanoTime() - t0);
      }
      assertEquals(TARGETS, whole.size());
      // the list's order: strategy group, then id
      for (int i = 1; i < whole.size(); i++) {
        var a = whole.get(i - 1).target();
        var b = whole.get(i).target();
        assertTrue(a.group().compareTo(b.group()) < 0
            || a.group().equals(b.group()) && a.id().compareTo(b.id()) < 0, a.id() + " before " + b.id());
      }
      assertEquals(EXPLANATION_CHARS, whole.get(0).current().evaluation().explanation().length());
      double ratio = (double) bestWhole / bestQuarter;
      System.out.printf("target list: whole (%d targets) %.0f ms, a quarter %.0f ms, ratio %.1f%n", TARGETS,
          bestWhole / 1e6, bestQuarter / 1e6, ratio);
      // linear: about 4 (5.8 seen: the whole list's 50 MB of strings cost some GC); as one response 40 was seen
      assertTrue(ratio < 12, "the whole list took " + ratio + " times a quarter of it: more than linear");

      // the same list over real HTTP, as the API serves it
      Router router = Router.router(vertx);
      new TargetsApi(database.pool(), List.of()).mount(router);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      WebClient client = WebClient.create(vertx);
      HttpResponse<Buffer> r = client.get(server.actualPort(), "127.0.0.1", "/api/targets").send()
          .await(60, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      JsonArray listed = r.bodyAsJsonObject().getJsonArray("targets");
      assertEquals(TARGETS, listed.size());
      assertEquals(whole.get(0).target().id(), listed.getJsonObject(0).getString("id"));
      assertEquals("OFF_TRACK", listed.getJsonObject(TARGETS - 1).getString("status"));
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
    }
  }
}
