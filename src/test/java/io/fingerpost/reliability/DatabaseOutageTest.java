package io.fingerpost.reliability;

import io.fingerpost.ServiceConfigs;

import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 7 (losing the database), with real processes: the service runs as a child JVM on
 * its own embedded PostgreSQL; the test kills the postmaster with SIGKILL (its pid from
 * {@code postmaster.pid}). Within 5 s {@code /ready} and the API answer 503 (with {@code Retry-After}, no
 * internal text); the service restarts the database by itself; a push made after recovery is stored,
 * evaluated and alerted (a webhook on 127.0.0.1 gets the notification); the value pushed before the kill is
 * still there; the log has one outage warning, one recovery line and no stack trace.
 */
class DatabaseOutageTest {
  static final String TOKEN = "outage-token";

  @TempDir
  Path dir;

  @Test
  void killedPostmasterIsRestartedAndNothingIsLost() throws Exception {
    List<String> notifications = new CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/alerts", ex -> {
      notifications.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hook.start();
    Path dataDir = dir.resolve("pgdata");
    ProcessHandle postmaster = null;
    ChildService service = null;
    try {
      Path config = ServiceConfigs.lifeExpectancyWithWebhook(dir, TOKEN, "http://127.0.0.1:" + hook.getAddress().getPort() + "/alerts");
      service = ChildService.start(dir, "service", List.of("--config", config.toString()),
          Map.of("FINGERPOST_DATA_DIR", dataDir.toString()), ChildService.freePort());
      service.awaitReady(Duration.ofSeconds(120));
      ChildService s = service;
      waitUntil("le-birth-male evaluated", Duration.ofSeconds(60), () -> rated(s, "le-birth-male"));

      // accepted before the outage: must survive it
      assertEquals(200, push(service, "Male", 78.0).statusCode());
      waitUntil("the male push alerted", Duration.ofSeconds(60),
          () -> notifications.stream().anyMatch(n -> n.contains("le-birth-male")));

      postmaster = livePostmaster(dataDir).orElseThrow();
      postmaster.destroyForcibly(); // SIGKILL: the database is gone, the service is not told
      waitUntil("/ready 503 within 5 s of the kill", Duration.ofSeconds(5), () -> s.status("/ready") == 503);
      HttpResponse<String> api = service.get("/api/targets", null);
      if (api.statusCode() != 503) {
        assertEquals(200, service.status("/ready"), "the API is not 503 only once the database is back: " + api.body());
      } else {
        assertEquals("5", api.headers().firstValue("Retry-After").orElse(null), "Retry-After on " + api);
        assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertFalse(api.body().toLowerCase().contains("refused"), "no internal text: " + api.body());
      }

      waitUntil("the service brings the database back", Duration.ofSeconds(60), () -> s.status("/ready") == 200);
      ProcessHandle old = postmaster;
      postmaster = livePostmaster(dataDir).orElseThrow();
      assertTrue(postmaster.pid() != old.pid(), "a new postmaster runs");
      assertEquals(200, service.get("/api/targets", null).statusCode());

      HttpResponse<String> pushed = push(service, "Female", 79.0);
      assertEquals(200, pushed.statusCode(), pushed.body());
      assertEquals(1, new JsonObject(pushed.body()).getInteger("inserted"), pushed.body());
      waitUntil("the female push (after recovery) evaluated and alerted", Duration.ofSeconds(60),
          () -> notifications.stream().anyMatch(n -> n.contains("le-birth-female")));
      assertEquals(78.0, value(service, "Male", "2024 - 26"), "the push accepted before the kill is kept");
      assertEquals(79.0, value(service, "Female", "2024 - 26"));

      service.close();
      String log = Files.readString(service.log);
      assertEquals(1, count(log, "Database unreachable"), "one outage warning:\n" + log);
      assertEquals(1, count(log, "Database reachable again"), "one recovery line:\n" + log);
      assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
      assertEquals(0, count(log, " ERROR "), "no error logged:\n" + log);
    } finally {
      if (service != null) {
        service.close();
        // kept for a failure's post-mortem (the temporary directory goes)
        Files.copy(service.log, Path.of("target", "DatabaseOutageTest-service.log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      hook.stop(0);
      // the service stops its database; should it not have, stop the one it left (by pid)
      Optional<ProcessHandle> left = livePostmaster(dataDir);
      if (left.isPresent()) {
        left.get().destroy();
        left.get().onExit().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean rated(ChildService s, String target) throws Exception {
    HttpResponse<String> r = s.get("/api/targets/" + target, null);
    return r.statusCode() == 200 && new JsonObject(r.body()).getLong("evaluationId") != null;
  }

  private static HttpResponse<String> push(ChildService s, String sex, double value) throws Exception {
    return s.post("/api/observations", TOKEN, "[{\"indicatorId\": \"90366\", \"areaCode\": \"E08000027\", \"sex\": \""
        + sex + "\", \"age\": \"<1 yr\", \"period\": \"2024 - 26\", \"value\": " + value + "}]");
  }

  private static Double value(ChildService s, String sex, String period) throws Exception {
    HttpResponse<String> r = s.get("/api/observations?indicator=90366&area=E08000027&sex=" + sex
        + "&age=%3C1%20yr", null);
    assertEquals(200, r.statusCode(), r.body());
    for (Object o : new JsonArray(r.body())) {
      JsonObject j = (JsonObject) o;
      if (period.equals(j.getString("period"))) {
        return j.getDouble("value");
      }
    }
    return null;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  static Optional<ProcessHandle> livePostmaster(Path dataDir) throws Exception {
    Path pid = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pid)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pid);
    return lines.isEmpty() ? Optional.empty()
        : ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive);
  }
}
