package io.fingerpost.bench;

import io.fingerpost.App;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Rendering {@code /report} (HTML with its charts, over real HTTP) for N targets (default 500) with 10 observations
 * each, next to {@code /api/targets} (JSON of the same targets, read from the database: {@code Cache-Control:
 * no-cache}) in the same run, alternately; prints the medians and their ratio. A service with an embedded
 * PostgreSQL in a temporary directory, targets generated, observations pushed. Run with {@code bench/report.sh}.
 */
public final class ReportBenchmark {
  private ReportBenchmark() {}

  public static void main(String[] args) throws Exception {
    int targets = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path dir = Files.createTempDirectory("fingerpost-report-bench");
    StringBuilder yaml = new StringBuilder("defaults:\n  area: E08000027\n  sex: Persons\n  age: All ages\n"
        + "  group: ICS long term\n  team: public-health\n  horizonYears: 10\n  tolerance: {amber: 1, red: 2}\n"
        + "targets:\n");
    for (int i = 0; i < targets; i++) {
      yaml.append("  - {id: bench-").append(i).append(", name: \"Bench indicator ").append(i)
          .append("\", indicator: \"bench-").append(i).append("\", direction: increase, baseline: {period: \"2014\"},")
          .append(" target: {period: \"2030\", value: 80}}\n");
    }
    Files.writeString(dir.resolve("targets.yaml"), yaml);
    String config = """
        http: {port: 0, host: 127.0.0.1}
        database: {dataDir: "%s"}
        push: {token: bench-token}
        targets: {files: ["%s"]}
        """.formatted(dir.resolve("pgdata"), dir.resolve("targets.yaml"));
    ConfigLoader.Loaded loaded = ConfigLoader.parse(config, ConfigFile.of(dir.resolve("config.yaml")), Map.of());
    Vertx vertx = Vertx.vertx();
    App app = App.start(vertx, loaded).await(120, TimeUnit.SECONDS);
    try {
      String base = "http://127.0.0.1:" + app.httpPort();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      SplittableRandom random = new SplittableRandom(42);
      JsonArray rows = new JsonArray();
      for (int i = 0; i < targets; i++) {
        for (int p = 0; p < 10; p++) {
          double v = 60 + p * 0.8 + random.nextDouble(-1.5, 1.5);
          rows.add(new JsonObject().put("indicatorId", "bench-" + i).put("indicatorName", "Bench indicator " + i)
              .put("areaCode", "E08000027").put("areaName", "Dudley").put("sex", "Persons").put("age", "All ages")
              .put("period", String.valueOf(2014 + p)).put("value", v).put("lowerCi95", v - 1.2)
              .put("upperCi95", v + 1.2));
        }
      }
      HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create(base + "/api/observations"))
          .header("Authorization", "Bearer bench-token").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(rows.encode())).timeout(Duration.ofMinutes(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (pushed.statusCode() != 200) {
        throw new IllegalStateException("push: " + pushed.statusCode() + " " + pushed.body());
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      int evaluated;
      do {
        Thread.sleep(500);
        JsonArray list = new JsonObject(get(http, base + "/api/targets").body()).getJsonArray("targets");
        evaluated = (int) list.stream().filter(o -> ((JsonObject) o).getValue("evaluationId") != null).count();
      } while (evaluated < targets && System.nanoTime() < deadline);
      System.out.printf("%d targets, %d evaluated, 10 observations each%n", targets, evaluated);
      // warm-up (discarded): JIT, the renderers' classes and fonts
      for (int i = 0; i < 5; i++) {
        get(http, base + "/report");
        get(http, base + "/api/targets");
      }
      List<Long> report = new ArrayList<>();
      List<Long> json = new ArrayList<>();
      long reportBytes = 0;
      long jsonBytes = 0;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        reportBytes = get(http, base + "/report").body().length();
        long t1 = System.nanoTime();
        jsonBytes = get(http, base + "/api/targets").body().length();
        long t2 = System.nanoTime();
        report.add(t1 - t0);
        json.add(t2 - t1);
      }
      double r = median(report) / 1e6;
      double j = median(json) / 1e6;
      System.out.printf("GET /report        median %8.1f ms  (%d chars)%n", r, reportBytes);
      System.out.printf("GET /api/targets  median %8.1f ms  (%d chars, no-cache)%n", j, jsonBytes);
      System.out.printf("ratio report/json %.2fx over %d rounds%n", r / j, rounds);
      // the PDF of the same report (same XHTML, openhtmltopdf): fewer rounds, it is much slower
      List<Long> pdf = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        get(http, base + "/report.pdf");
        pdf.add(System.nanoTime() - t0);
      }
      System.out.printf("GET /report.pdf   median %8.1f ms  (%.1fx the JSON, 3 rounds)%n", median(pdf) / 1e6,
          median(pdf) / 1e6 / j);
    } finally {
      app.stop().await(60, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Cache-Control", "no-cache")
        .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
    }
    return r;
  }

  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    return sorted.get(sorted.size() / 2);
  }
}
