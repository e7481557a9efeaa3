package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that miss the cache together share one read (a real HTTP server and client on 127.0.0.1): the
 * handler behind the cache runs once for many concurrent requests, all get its answer; a read that does not
 * answer 200 lets every waiting request read for itself, but a read that fails for a busy pool gives its 503 to
 * them all (each reading again only adds load); an invalidation starts a new read for later requests.
 */
class ApiCacheSharedReadTest {
  private static final int CLIENTS = 12;
  private Vertx vertx;
  private HttpServer server;
  private WebClient web;
  private ApiCache cache;
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger status = new AtomicInteger(200);
  private volatile boolean busy;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    cache = new ApiCache(true);
    Router router = Router.router(vertx);
    cache.mount(router);
    // the read behind the cache: slow (a big list from the database), so concurrent requests overlap it
    router.get("/api/targets").handler(ctx -> {
      int n = reads.incrementAndGet();
      vertx.setTimer(300, t -> {
        if (busy) {
          ctx.fail(new io.vertx.core.VertxException("Timeout waiting for connection", true)); // the pool's wait
        } else {
          ApiJson.reply(ctx, status.get(), new JsonObject().put("read", n));
        }
      });
    });
    // a read that finds nothing, the two ways the API says so: a problem written (TargetsApi: /api/targets/{id}) or
    // failed into the failure handler (ApiJson.found: /api/series/{id}/observations)
    router.get("/api/targets/:id").handler(ctx -> {
      reads.incrementAndGet();
      vertx.setTimer(300, t -> Problem.send(ctx, 404, "no target '" + ctx.pathParam("id") + "'"));
    });
    router.get("/api/series/:id/observations").handler(ctx -> {
      reads.incrementAndGet();
      vertx.setTimer(300, t -> ctx.fail(Problem.status(404, "no series " + ctx.pathParam("id"))));
    });
    router.route().failureHandler(new ProblemFailureHandler());
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    web = WebClient.create(vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(CLIENTS));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private List<HttpResponse<Buffer>> burst() throws Exception {
    return burst("/api/targets");
  }

  private List<HttpResponse<Buffer>> burst(String path) throws Exception {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      all.add(web.get(server.actualPort(), "127.0.0.1", path).send());
    }
    Future.all(all).await(30, TimeUnit.SECONDS);
    return all.stream().map(Future::result).toList();
  }

  @Test
  void concurrentMissesShareOneRead() throws Exception {
    List<HttpResponse<Buffer>> answers = burst();
    assertEquals(1, reads.get(), "one read for " + CLIENTS + " concurrent requests");
    for (HttpResponse<Buffer> r : answers) {
      assertEquals(200, r.statusCode());
      assertEquals(1, r.bodyAsJsonObject().getInteger("read"));
      assertTrue(List.of("miss", "shared", "hit").contains(r.getHeader("X-Cache")), r.getHeader("X-Cache"));
    }
    assertEquals(1, answers.stream().filter(r -> "miss".equals(r.getHeader("X-Cache"))).count());

    // an event: the next requests read again (once), the stored answer is the new one
    vertx.runOnContext(v -> cache.invalidate());
    List<HttpResponse<Buffer>> after = burst();
    assertEquals(2, reads.get());
    after.forEach(r -> assertEquals(2, r.bodyAsJsonObject().getInteger("read")));
  }

  @Test
  void aReadThatFailsLetsEveryWaitingRequestReadForItself() throws Exception {
    status.set(503);
    List<HttpResponse<Buffer>> answers = burst();
    answers.forEach(r -> assertEquals(503, r.statusCode()));
    assertEquals(CLIENTS, reads.get(), "nothing shared or stored from an answer that is not 200");
  }

  @Test
  void aReadThatWaitedOutTheBusyPoolGivesItsAnswerToTheWaiting() throws Exception {
    busy = true;
    List<HttpResponse<Buffer>> answers = burst();
    for (HttpResponse<Buffer> r : answers) {
      assertEquals(503, r.statusCode());
      assertEquals("application/problem+json", r.getHeader("Content-Type"));
      assertEquals("1", r.getHeader("Retry-After"));
    }
    assertEquals(1, reads.get(), "one read: the waiting requests did not read again on a busy pool");
    // the next request reads again (nothing stored)
    busy = false;
    assertEquals(200, web.get(server.actualPort(), "127.0.0.1", "/api/targets").send().await(10, TimeUnit.SECONDS)
        .statusCode());
    assertEquals(2, reads.get());
  }

  @Test
  void whenTheReadingClientGivesUpTheOthersStillGetItsRead() throws Exception {
    // the first request starts the read, then its client gives up (as wrk does after 2 s) before the answer
    Future<HttpResponse<Buffer>> leaver = web.get(server.actualPort(), "127.0.0.1", "/api/targets").timeout(100).send();
    Thread.sleep(50);
    List<HttpResponse<Buffer>> answers = burst();
    leaver.transform(ar -> Future.succeededFuture()).await(10, TimeUnit.SECONDS); // timed out: not the point
    answers.forEach(r -> assertEquals(200, r.statusCode()));
    assertEquals(1, reads.get(), "the waiting requests kept the read under way instead of each starting one");
  }

  @Test
  void whenTheReadingClientGivesUpANotFoundStillReachesTheWaiting() throws Exception {
    for (String path : List.of("/api/targets/no-such-target", "/api/series/999999/observations")) {
      reads.set(0);
      Future<HttpResponse<Buffer>> leaver = web.get(server.actualPort(), "127.0.0.1", path).timeout(100).send();
      Thread.sleep(50);
      List<HttpResponse<Buffer>> answers = burst(path);
      leaver.transform(ar -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
      for (HttpResponse<Buffer> r : answers) {
        assertEquals(404, r.statusCode(), path + ": " + r.bodyAsString());
        assertEquals("application/problem+json", r.getHeader("Content-Type"), path);
        JsonObject problem = r.bodyAsJsonObject();
        assertEquals(404, problem.getInteger("status"));
        assertEquals(path, problem.getString("instance"));
        assertTrue(problem.getString("detail").startsWith("no "), problem.encode());
      }
      // nothing stored from a 404: the next request reads again
      assertEquals(404, web.get(server.actualPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS).statusCode());
      assertTrue(reads.get() >= 2, path + ": " + reads.get() + " reads");
    }
  }
}
