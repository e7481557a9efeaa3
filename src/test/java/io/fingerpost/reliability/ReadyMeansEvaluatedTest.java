package io.fingerpost.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 14: {@code /ready} answers 200 only once the first polls are stored and evaluated.
 * The bundled default runs as a child JVM on a fresh embedded PostgreSQL; {@code /ready} is polled every 50 ms
 * and, at its first 200, {@code /api/targets} already shows the 20 targets the bundled data rates (11 before
 * issue 13), and none
 * PENDING or without a status.
 */
class ReadyMeansEvaluatedTest {

  @TempDir
  Path dir;

  @Test
  void firstReadyShowsTheRatedTargets() throws Exception {
    try (ChildService service = ChildService.start(dir, "default", List.of(),
        Map.of("FINGERPOST_DATA_DIR", dir.resolve("pgdata").toString()), ChildService.freePort())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      int status;
      while ((status = service.status("/ready")) != 200) {
        assertTrue(service.process.isAlive(), "the service exited: " + service.output());
        assertTrue(System.nanoTime() < deadline, "not ready within 150 s (last status " + status + ")");
        Thread.sleep(50);
      }
      HttpResponse<String> r = service.get("/api/targets", null);
      assertEquals(200, r.statusCode(), r.body());
      Map<String, Integer> byStatus = new TreeMap<>();
      Map<String, Integer> regional = new TreeMap<>(); // the seven boroughs' file: wm-<measure>[@<area>]
      for (Object o : new JsonObject(r.body()).getJsonArray("targets", new JsonArray())) {
        JsonObject t = (JsonObject) o;
        (t.getString("id").startsWith("wm-") ? regional : byStatus).merge(t.getString("status"), 1, Integer::sum);
      }
      assertEquals(168, regional.values().stream().mapToInt(Integer::intValue).sum(), "7 boroughs x 24: " + regional);
      assertEquals(0, regional.getOrDefault("PENDING", 0), "nothing pending once ready: " + regional);
      int rated = byStatus.getOrDefault("ON_TRACK", 0) + byStatus.getOrDefault("AT_RISK", 0)
          + byStatus.getOrDefault("OFF_TRACK", 0);
      assertEquals(23, rated, "rated targets at the first /ready 200 (20 before the Health Index series): " + byStatus);
      assertEquals(0, byStatus.getOrDefault("PENDING", 0), "nothing pending once ready: " + byStatus);
      assertEquals(55, byStatus.values().stream().mapToInt(Integer::intValue).sum(), byStatus.toString());
    }
  }
}
