package io.fingerpost.reliability;

import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service stopped by SIGTERM (its shutdown hook, as in a container) while requests are under way: they are
 * answered 200, new connections are refused from the moment the stop begins, and the process exits. The requests
 * are made slow by a lock the test holds on the table they read (no sleeps in the service).
 */
class GracefulStopTest {

  @TempDir
  Path dir;

  @Test
  void sigtermLetsTheRequestsUnderWayFinishThenExits() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    try (ChildService service = ChildService.start(dir, "service", List.of(),
        Map.of("FINGERPOST_DATABASE_URL", db.url()), ChildService.freePort())) {
      service.awaitReady(Duration.ofMinutes(3));
      List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
      try (Connection lock = db.lockTable("indicator")) {
        for (int i = 0; i < 3; i++) {
          slow.add(service.http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port
              + "/api/indicators")).header("Cache-Control", "no-cache").timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString()));
        }
        waitUntil("the requests waiting in the database", Duration.ofSeconds(30),
            () -> db.waitingForLock("FROM indicator i LEFT JOIN series s") == slow.size());
        service.process.destroy(); // SIGTERM
        waitUntil("new connections refused", Duration.ofSeconds(20), () -> !service.acceptsConnections());
        assertTrue(service.process.isAlive(), "the service exited with requests under way");
        assertTrue(slow.stream().noneMatch(CompletableFuture::isDone), "a request under way was cut");
        lock.rollback();
      }
      for (CompletableFuture<HttpResponse<String>> r : slow) {
        HttpResponse<String> answer = r.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
      }
      assertTrue(service.process.waitFor(30, TimeUnit.SECONDS), "the service did not exit: " + service.output());
    }
  }
}
