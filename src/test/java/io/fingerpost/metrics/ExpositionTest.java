package io.fingerpost.metrics;

import io.fingerpost.meters.FingerpostMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdict;
import io.fingerpost.strategy.Verdicts;
import io.fingerpost.strategy.Verdicts.Comparison;
import io.fingerpost.strategy.TargetContext;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The /metrics exposition: indicator state rendered with the documented names, labels and codes, served over
 * real HTTP (plain and gzip) together with the service meters, and accepted by {@code promtool check metrics}.
 */
class ExpositionTest {

  static IndicatorState state(String targetId, TargetStatus status, TargetStatus previous, Comparison england) {
    return new IndicatorState(new TargetContext(targetId, "Life expectancy at birth - male", "90366",
        "Life expectancy at birth", "Years", "E08000027", "Dudley", "Male", "All ages", "", "", "ICS long term",
        "Population health", "2033", 80.0, "10", "increase"),
        new Evaluation(targetId, 1L, "2018 - 20", 2019.5, 1,
            new Evaluation.Trajectory(status, status, false, 78.1, -0.26, 0.25, 0.5, 76.0, 80.0),
            new Evaluation.Observed(77.84, 77.5, 78.2),
            new Verdicts(Verdict.of(england), Verdict.of(Comparison.SIMILAR), Verdict.of(Verdicts.Trend.DECREASING_GETTING_WORSE),
                new Verdict<>(Verdicts.SpcPoint.SPECIAL_CAUSE_CONCERN, "Special Cause - Concern"),
                new Verdict<>(Verdicts.Assurance.INCONSISTENT, "Hit and miss")),
            null, new Evaluation.Projection(78.9, 77.9, 79.9, 0.41), "Explained.", null, null),
        previous, Instant.ofEpochSecond(1_700_000_000));
  }

  @Test
  void rendersDocumentedFamiliesCodesAndOneHotStatus() throws Exception {
    var rendered = IndicatorStateExposition.render(List.of(
        state("dudley-le-male", TargetStatus.AT_RISK, TargetStatus.ON_TRACK, Comparison.WORSE),
        state("dudley \"quoted\"\nname", TargetStatus.OFF_TRACK, null, Comparison.NOT_COMPARED)));
    String text = new String(rendered.text(), StandardCharsets.UTF_8);
    assertEquals(2, rendered.states());
    // value samples: identifying labels only (empty ones left out); the descriptive ones once, on the info sample
    String labels = "{target_id=\"dudley-le-male\",indicator_id=\"90366\",area_code=\"E08000027\",sex=\"Male\",age=\"All ages\"}";
    assertTrue(text.contains("fingerpost_indicator_value" + labels + " 77.84\n"), text);
    assertTrue(text.contains("fingerpost_target_info{target_id=\"dudley-le-male\",indicator_id=\"90366\",area_code=\"E08000027\","
        + "sex=\"Male\",age=\"All ages\",target_name=\"Life expectancy at birth - male\",group=\"ICS long term\","
        + "horizon_years=\"10\",team=\"Population health\",indicator_name=\"Life expectancy at birth\",area_name=\"Dudley\","
        + "unit=\"Years\",direction=\"increase\",period=\"2018 - 20\"} 1\n"), text);
    for (String line : text.lines().filter(l -> !l.startsWith("#") && !l.startsWith("fingerpost_target_info{")).toList()) {
      for (String descriptive : IndicatorStateExposition.DESCRIPTIVE) {
        assertFalse(line.contains("," + descriptive + "=\"") || line.contains("{" + descriptive + "=\""), line);
      }
    }
    String t = "target_id=\"dudley-le-male\"";
    assertEquals("2", sample(text, "fingerpost_target_status_code", t));
    assertEquals("1", sample(text, "fingerpost_target_previous_status_code", t));
    assertEquals("1", sample(text, "fingerpost_target_status", t, "status=\"AT_RISK\""));
    assertEquals("0", sample(text, "fingerpost_target_status", t, "status=\"ON_TRACK\""));
    assertEquals("0", sample(text, "fingerpost_target_status", t, "status=\"OFF_TRACK\""));
    assertEquals("0", sample(text, "fingerpost_target_status", t, "status=\"NOT_ENOUGH_DATA\""));
    assertEquals("-1", sample(text, "fingerpost_indicator_benchmark_comparison", t, "benchmark=\"england\"", "comparison=\"Worse\""));
    assertEquals("0", sample(text, "fingerpost_indicator_benchmark_comparison", t, "benchmark=\"region\"", "comparison=\"Similar\""));
    assertEquals("-1", sample(text, "fingerpost_indicator_spc_point_type", t, "point_type=\"Special Cause - Concern\""));
    assertEquals("0", sample(text, "fingerpost_indicator_spc_assurance", t, "assurance=\"Hit and miss\""));
    assertEquals("-1", sample(text, "fingerpost_indicator_recent_trend", t, "trend=\"Decreasing and getting worse\""));
    assertEquals("2019.5", sample(text, "fingerpost_indicator_period_year", t));
    assertEquals("0.41", sample(text, "fingerpost_target_probability_of_meeting_ratio", t));
    assertEquals("1", sample(text, "fingerpost_target_info", t, "period=\"2018 - 20\"", "target_name=\"Life expectancy at birth - male\"", "unit=\"Years\""));
    // the label value with a quote and a newline is escaped, the untargeted "Not compared" has no comparison sample
    assertTrue(text.contains("target_id=\"dudley \\\"quoted\\\"\\nname\""), text);
    assertEquals(1, text.lines().filter(l -> l.startsWith("fingerpost_indicator_benchmark_comparison{") && l.contains("england")).count(), text);
    // absent numbers are left out, never NaN
    assertFalse(text.contains("NaN"), text);
    assertFalse(text.contains("fingerpost_indicator_sii{"), text);
    // gzip member holds the same text
    assertEquals(text, new String(new GZIPInputStream(new ByteArrayInputStream(rendered.gzip())).readAllBytes(), StandardCharsets.UTF_8));
    assertPromtoolAccepts(text);
  }

  @Test
  void servesServiceMetersAndIndicatorStateOverHttp() throws Exception {
    FingerpostMetrics metrics = FingerpostMetrics.create();
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    try {
      metrics.bind(vertx);
      FingerpostMetrics.of(vertx).feedConfigured("fingertips", Duration.ofHours(6));
      FingerpostMetrics.of(vertx).feedPolled("fingertips", Duration.ofMillis(1200), true, 1705, 3);
      FingerpostMetrics.of(vertx).feedPolled("fingertips", Duration.ofMillis(300), false, 0, 0);
      FingerpostMetrics.of(vertx).storeBatch("fingertips", Duration.ofMillis(80), 1700, 2, 0);
      FingerpostMetrics.of(vertx).evaluationBatch(Duration.ofMillis(40), 46, 0);
      FingerpostMetrics.of(vertx).alertTransition("off_trajectory", "critical", "Population health", "firing");
      FingerpostMetrics.of(vertx).alertsFiring(Map.of(List.of("critical", "Population health"), 3L));
      FingerpostMetrics.of(vertx).delivery("ops-webhook", Duration.ofMillis(12), true);
      FingerpostMetrics.of(vertx).outbox(4, Duration.ofSeconds(30));
      metrics.indicatorState(IndicatorStateExposition.render(List.of(state("dudley-le-male", TargetStatus.ON_TRACK, null, Comparison.BETTER))), 0);

      Router router = Router.router(vertx);
      router.get("/metrics").handler(new MetricsHandler(metrics));
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> plain = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, plain.statusCode());
      assertEquals(MetricsHandler.CONTENT_TYPE, plain.headers().firstValue("content-type").orElse(""));
      String body = plain.body();
      for (String expected : List.of(
          "fingerpost_feed_poll_duration_seconds_bucket{feed=\"fingertips\",outcome=\"success\",le=\"2.5\"} 1",
          "fingerpost_feed_polls_total{feed=\"fingertips\",outcome=\"failure\"} 1",
          "fingerpost_feed_rows_read_total{feed=\"fingertips\"} 1705",
          "fingerpost_feed_rows_rejected_total{feed=\"fingertips\"} 3",
          "fingerpost_feed_consecutive_failures{feed=\"fingertips\"} 1",
          "fingerpost_feed_expected_interval_seconds{feed=\"fingertips\"} 21600",
          "fingerpost_feed_last_success_timestamp_seconds{feed=\"fingertips\"} ",
          "fingerpost_store_observations_total{feed=\"fingertips\",result=\"inserted\"} 1700",
          "fingerpost_store_batch_duration_seconds_count{feed=\"fingertips\"} 1",
          "fingerpost_evaluation_batch_duration_seconds_count 1",
          "fingerpost_evaluations_total 46",
          "fingerpost_alert_transitions_total{rule=\"off_trajectory\",severity=\"critical\",state=\"firing\",team=\"Population health\"} 1",
          "fingerpost_alerts_firing{severity=\"critical\",team=\"Population health\"} 3",
          "fingerpost_deliveries_total{outcome=\"success\",receiver=\"ops-webhook\"} 1",
          "fingerpost_outbox_depth 4",
          "fingerpost_outbox_oldest_age_seconds 30",
          "fingerpost_metrics_state_series 1",
          "jvm_memory_used_bytes{",
          "process_cpu_usage",
          "vertx_http_server_requests_total{",
          "fingerpost_target_status_code{")) {
        if (!expected.startsWith("vertx_http_server_requests_total")) assertTrue(body.contains(expected), expected + " in\n" + body);
      }
      // Vert.x HTTP server metrics appear once a request has completed
      String second = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(second.contains("vertx_http_server_requests_total{"), second);

      HttpResponse<byte[]> gz = client.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip")
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(""));
      String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(unzipped.contains("fingerpost_feed_polls_total{feed=\"fingertips\",outcome=\"success\"} 1"), unzipped);
      assertTrue(unzipped.contains("fingerpost_target_status{"), unzipped);
      assertPromtoolAccepts(unzipped);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The value of the one sample of {@code metric} whose labels contain every given {@code name="value"}. */
  static String sample(String text, String metric, String... labels) {
    List<String> lines = text.lines()
        .filter(l -> l.startsWith(metric + "{"))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .toList();
    assertEquals(1, lines.size(), metric + " " + String.join(",", labels) + " in\n" + text);
    String line = lines.get(0);
    return line.substring(line.lastIndexOf(' ') + 1);
  }

  /** {@code promtool check metrics} parses the exposition and lints names (exit 0: no parse error, no lint problem). */
  static void assertPromtoolAccepts(String exposition) throws Exception {
    File in = File.createTempFile("exposition", ".txt");
    try {
      Files.writeString(in.toPath(), exposition);
      Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(in).redirectErrorStream(true).start();
      try {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> ours = out.lines().filter(l -> l.startsWith("fingerpost_") || l.contains("error")).toList();
        assertTrue(ours.isEmpty(), "promtool check metrics:\n" + out);
        assertTrue(p.exitValue() == 0 || p.exitValue() == 3, "promtool exit " + p.exitValue() + ":\n" + out);
      } finally {
        p.destroyForcibly();
      }
    } finally {
      in.delete();
    }
  }
}
