package io.fingerpost.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.App;
import io.fingerpost.BundledDefault;
import io.fingerpost.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The bundled default service on a test database, on a free 127.0.0.1 port, ready (first polls evaluated). */
final class BundledService implements AutoCloseable {
  static final String TOKEN = "report-token";

  final Vertx vertx = Vertx.vertx();
  final App app;
  final WebClient web;
  final int port;

  BundledService() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    app = BundledDefault.start(vertx, db, Map.of("FINGERPOST_PUSH_TOKEN", TOKEN));
    web = WebClient.create(vertx);
    port = app.httpPort();
    assertEquals(200, BundledDefault.awaitReady(web, port, java.time.Duration.ofSeconds(90)), "ready");
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  HttpResponse<Buffer> get(String url) {
    return await(web.get(port, "127.0.0.1", url).putHeader("Cache-Control", "no-cache").send());
  }

  static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 60 s", e);
    }
  }

  HttpResponse<Buffer> ok(String url) {
    HttpResponse<Buffer> r = get(url);
    assertEquals(200, r.statusCode(), url + ": " + r.bodyAsString());
    return r;
  }

  /** The targets of /api/targets. */
  JsonArray targets() {
    return ok("/api/targets").bodyAsJsonObject().getJsonArray("targets");
  }

  HttpResponse<Buffer> push(JsonArray rows) {
    return await(web.post(port, "127.0.0.1", "/api/observations").putHeader("Authorization", "Bearer " + TOKEN)
        .putHeader("Content-Type", "application/json").sendBuffer(rows.toBuffer()));

  }

  JsonObject target(String id) {
    return ok("/api/targets/" + id).bodyAsJsonObject();
  }

  @Override
  public void close() throws Exception {
    app.stop().await(60, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
