package io.fingerpost.bench;

import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.Events;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Latency from a push to the webhook receiving the alert, on loopback (a measurement, not a test):
 * the service on its bundled default configuration (embedded PostgreSQL of {@link TestDatabase}), its alert
 * receivers pointed at a webhook in this JVM. Each of N pushes (default 100) adds a new period to Dudley's
 * male life expectancy, alternately a year behind its trajectory and ahead of it, so every push fires or
 * resolves the off-trajectory alert; the time from sending the push to its first evaluation (the evaluator's
 * {@link EvaluationsCreated}, in this JVM) and to the webhook request is recorded.
 * References measured in the same run: the push request's own round trip (store only) and a bare POST to
 * the webhook server. Run with {@code bench/alerts.sh [N]}.
 */
public final class AlertLatencyBenchmark {
  private static final java.util.Set<String> LE_MALE = java.util.Set.of("le-birth-male", "wm-le-birth-male@E08000027");

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Vertx vertx = Vertx.vertx();
    LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
    HttpServer hook = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      if (req.path().equals("/alerts")) {
        arrivals.add(System.nanoTime());
      }
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await();
    String token = "bench";
    TestDatabase.Db db = TestDatabase.newDatabase();
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of("FINGERPOST_PUSH_TOKEN", token,
        "FINGERPOST_ALERT_RECEIVER", "webhook",
        "FINGERPOST_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + hook.actualPort() + "/alerts"));
    FingerpostConfig cfg = def.config().withDatabase(db.config()).withHttpPort(0);
    App app = App.start(vertx, new ConfigLoader.Loaded(cfg, def.file())).await(120, TimeUnit.SECONDS);
    WebClient web = WebClient.create(vertx);
    int port = app.httpPort();
    // the push's first evaluation: the evaluator's event after the commit (Dudley's strategy target or the boroughs')
    LinkedBlockingQueue<Long> evaluated = new LinkedBlockingQueue<>();
    Events.consumer(vertx, EvaluationsCreated.ADDRESS, e -> {
      if (!e.initialLoad() && e.targetIds().stream().anyMatch(LE_MALE::contains)) {
        evaluated.add(System.nanoTime());
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!ready(web, port)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("service not ready");
      }
      Thread.sleep(200);
    }
    Thread.sleep(15_000); // let the evaluation of the history settle (it notifies nobody)
    arrivals.clear();
    evaluated.clear();

    long[] endToEnd = new long[n];
    long[] firstEvaluation = new long[n];
    long[] pushOnly = new long[n];
    long[] bare = new long[n];
    for (int i = 0; i < n; i++) {
      int y = 2024 + i;
      double value = i % 2 == 0 ? 78.0 : 79.6; // behind (red) / ahead of the trajectory
      JsonArray body = new JsonArray().add(new JsonObject().put("indicatorId", "90366").put("areaCode", "E08000027")
          .put("sex", "Male").put("age", "<1 yr").put("period", y + " - " + (y + 2)).put("value", value));
      long t0 = System.nanoTime();
      int status = web.post(port, "127.0.0.1", "/api/observations").putHeader("Authorization", "Bearer " + token)
          .sendJson(body).await(30, TimeUnit.SECONDS).statusCode();
      long t1 = System.nanoTime();
      if (status != 200) {
        throw new IllegalStateException("push answered " + status);
      }
      Long got = arrivals.poll(30, TimeUnit.SECONDS);
      if (got == null) {
        throw new IllegalStateException("no notification for push " + i);
      }
      Long ev = evaluated.poll(30, TimeUnit.SECONDS);
      if (ev == null) {
        throw new IllegalStateException("no evaluation for push " + i);
      }
      firstEvaluation[i] = ev - t0;
      endToEnd[i] = got - t0;
      pushOnly[i] = t1 - t0;
      Thread.sleep(50);
      arrivals.clear();
      evaluated.clear();
      long b0 = System.nanoTime();
      web.post(hook.actualPort(), "127.0.0.1", "/bare").sendJson(body).await(10, TimeUnit.SECONDS);
      bare[i] = System.nanoTime() - b0;
    }
    report("push -> first evaluation", firstEvaluation);
    report("push -> webhook receipt", endToEnd);
    report("push request round trip (reference)", pushOnly);
    report("bare loopback POST (reference)", bare);
    System.out.printf("ratio p50 push->first evaluation / push round trip: %.1f%n",
        pct(firstEvaluation, 50) / pct(pushOnly, 50));
    // the bound TargetsAppTest used to assert (a timed unit test): a pushed value is evaluated within a second
    System.out.printf("push->first evaluation p99 under 1 s: %s%n", pct(firstEvaluation, 99) < 1000 ? "yes" : "NO");
    System.out.printf("ratio p50 push->webhook / push round trip: %.1f%n", pct(endToEnd, 50) / pct(pushOnly, 50));
    System.out.printf("ratio p50 push->webhook / bare POST: %.1f%n", pct(endToEnd, 50) / pct(bare, 50));
    app.stop().await(60, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  /** Whether /ready answers 200 (a request that times out on a loaded machine is asked again). */
  private static boolean ready(WebClient web, int port) throws Exception {
    try {
      return web.get(port, "127.0.0.1", "/ready").send().await(10, TimeUnit.SECONDS).statusCode() == 200;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  private static void report(String what, long[] ns) {
    System.out.printf("%-40s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", what, ns.length, pct(ns, 50), pct(ns, 99),
        pct(ns, 100));
  }

  /** Nearest-rank percentile, in milliseconds. */
  private static double pct(long[] ns, double p) {
    long[] s = ns.clone();
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
  }
}
