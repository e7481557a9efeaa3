package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension ({@code @RegisterExtension static final ApiServiceBed bed = new ApiServiceBed();}) with what
 * the whole-service tests of the API feeds share: one Vert.x and web client, the service started on its own
 * database with one feed and the Cheshire East target ({@link #TARGETS}), the wait for the target's first
 * evaluation, and a search of the API's JSON. The client's retry backoff is shortened to 20 ms meanwhile.
 */
final class ApiServiceBed implements BeforeAllCallback, AfterAllCallback {

  /** Cheshire East's campylobacter rate: 173 per 100,000 in 2017, England 96.6 (both with 95% CIs). */
  static final String TARGETS = """
      targets:
        - id: campy-cheshire-east
          name: Campylobacter incidence, Cheshire East
          indicator: "93356"
          area: E06000049
          sex: Persons
          age: All ages
          group: test
          horizonYears: 10
          team: public-health
          direction: decrease
          baseline: {period: "2015"}
          target: {period: "2025", value: 100}
          tolerance: {amber: 10, red: 20}
      """;

  Vertx vertx;
  WebClient web;
  private Path dir;

  /** A running service: its database and HTTP port. */
  record Service(App app, TestDatabase.Db db, int port) {}

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    System.setProperty("fingerpost.fingertips.backoffMs", "20");
    dir = Files.createTempDirectory("fingerpost-api-service");
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  /**
   * Starts the service on a database of its own with {@link #TARGETS} and one feed, {@code feedYaml}: a YAML list
   * item indented by two spaces ({@code "  - name: phof\n    type: …"}).
   */
  Service service(String feedYaml) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Path targets = dir.resolve("targets-" + db.name() + ".yaml");
    Files.writeString(targets, TARGETS);
    String yaml = """
        http: {port: 0, host: 127.0.0.1}
        database: {url: "%s"}
        targets: {files: ["%s"]}
        feeds:
        %s""".formatted(db.url(), targets, feedYaml);
    App app = App.start(vertx, ConfigLoader.parse(yaml, ConfigFile.of(dir.resolve("test.yaml")), Map.of()))
        .await(60, TimeUnit.SECONDS);
    return new Service(app, db, app.httpPort());
  }

  /** The target as the API answers it once it is compared with England (bounded: 40 s from now). */
  JsonObject evaluatedTarget(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (true) {
      var r = web.get(port, "127.0.0.1", "/api/targets/campy-cheshire-east").send().await(10, TimeUnit.SECONDS);
      JsonObject target = r.statusCode() == 200 ? r.bodyAsJsonObject() : null;
      // evaluated, not only stored: the body's observations carry comparedToEnglandCode before the evaluation
      // (status PENDING) under load
      if (target != null && find(target, "comparedToEnglandCode") != null
          && !java.util.List.of("PENDING", "NO_DATA").contains(target.getString("status"))) {
        return target;
      }
      assertTrue(System.nanoTime() < deadline, "no evaluation within 40 s: " + r.bodyAsString());
      Thread.sleep(100);
    }
  }

  /** A JSON answer of the service. */
  JsonObject get(int port, String path) throws Exception {
    return web.get(port, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  /** The first non-null value of {@code key} anywhere in {@code json} (depth first), or null. */
  static Object find(Object json, String key) {
    if (json instanceof JsonObject o) {
      if (o.containsKey(key) && o.getValue(key) != null) {
        return o.getValue(key);
      }
      for (String k : o.fieldNames()) {
        Object f = find(o.getValue(k), key);
        if (f != null) {
          return f;
        }
      }
    } else if (json instanceof JsonArray a) {
      for (Object v : a) {
        Object f = find(v, key);
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    System.clearProperty("fingerpost.fingertips.backoffMs");
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
