package io.fingerpost.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The observability stack for real: the service runs in this JVM on the bundled default configuration and a
 * TestDatabase database; a real Prometheus (Debian binary) scrapes it every second with the repository's
 * rules. Every rule evaluates without error; every dashboard panel's query (PromQL through Prometheus' HTTP
 * API, SQL against the real schema) returns data once the template variables are substituted with real values
 * (the variables' own queries are run to find them, in dashboard order). The delivery panels get their data
 * the way a user's would: the alert receivers point at a webhook in this test, and a deteriorating observation
 * pushed through {@code POST /api/observations} for a Dudley target is delivered to it before Prometheus starts.
 */
class ObservabilityEndToEndTest {
  static final Path PROJECT = Commands.project();
  static final String TOKEN = "observability-token";
  static TestDatabase.Db db;
  static Vertx vertx;
  static Vertx receiverVertx;
  static final List<JsonObject> received = new CopyOnWriteArrayList<>();
  static App app;
  static PrometheusServer prometheus;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.newDatabase();
    receiverVertx = Vertx.vertx();
    HttpServer hook = receiverVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      received.add(b.toJsonObject());
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    vertx = MetricsPart.newVertx();
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(Map.of("FINGERPOST_PUSH_TOKEN", TOKEN,
        "FINGERPOST_ALERT_RECEIVER", "webhook",
        "FINGERPOST_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + hook.actualPort() + "/alerts"));
    FingerpostConfig cfg = def.config().withDatabase(db.config()).withHttpPort(0);
    app = App.start(vertx, new ConfigLoader.Loaded(cfg, def.file())).await(120, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + app.httpPort());
    awaitTrue("the feeds' first polls and the evaluations in /metrics", Duration.ofSeconds(180), () -> {
      int ready = http.send(HttpRequest.newBuilder(base.resolve("/ready")).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
      String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return ready == 200 && metrics.contains("fingerpost_target_status_code{");
    });
    pushDeterioration(http, base);
    prometheus = PrometheusServer.start(PROJECT, app.httpPort());
    prometheus.await("scrapes and rule evaluations", Duration.ofSeconds(60), p ->
        !p.query("up{job=\"fingerpost\"} == 1").at("/data/result").isEmpty()
            && !p.query("group_horizon_status:fingerpost_target_status:sum").at("/data/result").isEmpty()
            && !p.query("result:fingerpost_store_observations:rate5m").at("/data/result").isEmpty()
            && !p.query("receiver_outcome:fingerpost_deliveries:rate5m").at("/data/result").isEmpty()
            && !p.query("count_over_time(up{job=\"fingerpost\"}[1m]) >= 5").at("/data/result").isEmpty());
  }

  /**
   * Once the bundled history is evaluated (and has notified nobody), pushes Dudley male life expectancy 78.0 in
   * {@code 2024 - 26}, a year behind its trajectory, and waits for its notification and its delivery row.
   */
  static void pushDeterioration(HttpClient http, URI base) throws Exception {
    awaitTrue("the history of le-birth-male evaluated and settled", Duration.ofSeconds(120), () ->
        count("SELECT count(*) FROM evaluation WHERE target_id = 'le-birth-male'") > 0 && settled());
    assertEquals(List.of(), received, "loading the history notifies nobody");
    String body = new JsonArray().add(new JsonObject().put("indicatorId", "90366").put("areaCode", "E08000027")
        .put("sex", "Male").put("age", "<1 yr").put("period", "2024 - 26").put("value", 78.0)).encode();
    HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(base.resolve("/api/observations"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, pushed.statusCode(), pushed.body());
    awaitTrue("the deterioration's notification at the webhook", Duration.ofSeconds(60), () -> !received.isEmpty());
    awaitTrue("its delivery recorded", Duration.ofSeconds(30), () -> count("SELECT count(*) FROM delivery WHERE ok") > 0);
    assertEquals("firing", received.get(0).getString("status"), received.get(0).encode());
  }

  private static String lastState = "";
  private static int stableFor;

  /** True once evaluations and alert transitions have not changed for four calls (two seconds) and nothing waits. */
  static boolean settled() throws Exception {
    String now = count("SELECT count(*) FROM evaluation") + "/" + count("SELECT count(*) FROM alert_transition")
        + "/" + count("SELECT count(*) FROM outbox WHERE status = 'pending'");
    stableFor = now.equals(lastState) ? stableFor + 1 : 0;
    lastState = now;
    return stableFor >= 4 && now.endsWith("/0");
  }

  static long count(String query) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) prometheus.close();
    if (app != null) app.stop().await(60, TimeUnit.SECONDS);
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
    if (receiverVertx != null) receiverVertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void everyRuleEvaluatesWithoutError() throws Exception {
    prometheus.await("every rule evaluated", Duration.ofSeconds(30), p -> {
      for (JsonNode group : p.api("rules").at("/data/groups")) {
        for (JsonNode rule : group.get("rules")) {
          if (rule.path("lastEvaluation").asText("").startsWith("0001")) return false;
        }
      }
      return true;
    });
    List<String> failures = new ArrayList<>();
    int rules = 0;
    for (JsonNode group : prometheus.api("rules").at("/data/groups")) {
      for (JsonNode rule : group.get("rules")) {
        rules++;
        String name = rule.has("name") ? rule.get("name").asText() : rule.path("alert").asText();
        if (!rule.get("health").asText().equals("ok")) failures.add(name + ": " + rule.path("lastError").asText());
        JsonNode r = prometheus.query(rule.get("query").asText());
        if (!r.get("status").asText().equals("success")) failures.add(name + ": " + r.path("error").asText());
      }
    }
    assertEquals(17, rules, "recording and alerting rules loaded");
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /**
   * Issue 14: the lean exposition. The service's real {@code /metrics} (plain and gzip) parsed sample by sample:
   * no sample but {@code fingerpost_target_info} carries {@code indicator_name} or {@code area_name}, no
   * indicator-state sample carries any descriptive label, and every target with value samples has exactly one
   * info sample with its names. Prometheus, having scraped it, agrees.
   */
  @Test
  void onlyTheInfoSampleCarriesDescriptiveLabels() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics");
    String plain = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(""));
    String unzipped = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    for (String text : List.of(plain, unzipped)) {
      java.util.Set<String> valued = new java.util.TreeSet<>();
      Map<String, Map<String, String>> info = new java.util.TreeMap<>();
      for (ExpositionLines.Sample s : ExpositionLines.parse(text)) {
        if (s.name().equals("fingerpost_target_info")) {
          assertEquals(null, info.put(s.labels().get("target_id"), s.labels()), "one info sample per target: " + s);
          continue;
        }
        assertFalse(s.labels().containsKey("indicator_name") || s.labels().containsKey("area_name"), s.toString());
        if (s.name().startsWith("fingerpost_indicator_") || s.name().startsWith("fingerpost_target_")) {
          for (String d : IndicatorStateExposition.DESCRIPTIVE) assertFalse(s.labels().containsKey(d), s.toString());
          assertTrue(s.labels().keySet().stream().allMatch(l -> IndicatorStateExposition.IDENTIFYING.contains(l)
              || List.of("benchmark", "comparison", "trend", "point_type", "assurance", "status").contains(l)), s.toString());
          valued.add(s.labels().get("target_id"));
        }
      }
      assertTrue(valued.size() >= 10, "targets with value samples (the bundled strategy's evaluated ones): " + valued);
      assertEquals(valued, info.keySet(), "every target with value samples has its info sample");
      assertEquals("Dudley", info.get("le-birth-male").get("area_name"));
      assertEquals("Life expectancy at birth", info.get("le-birth-male").get("indicator_name"));
      assertEquals("E08000027", info.get("le-birth-male").get("area_code"));
    }
    assertTrue(prometheus.query("{__name__=~\".+\", __name__!=\"fingerpost_target_info\", indicator_name!=\"\"}")
        .at("/data/result").isEmpty());
    assertTrue(prometheus.query("{__name__=~\".+\", __name__!=\"fingerpost_target_info\", area_name!=\"\"}")
        .at("/data/result").isEmpty());
    assertFalse(prometheus.query("fingerpost_target_info{area_name=\"Dudley\"}").at("/data/result").isEmpty());
  }

  /**
   * The database's two pools (the shared one and the watch's own connection) have meters of their own: under one
   * name the watch pool's gauges were dropped ("This Gauge has been already registered" at every start) and its
   * timings counted as the shared pool's.
   */
  @Test
  void eachDatabasePoolHasItsOwnMeters() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    java.util.Set<String> pools = new java.util.TreeSet<>();
    for (ExpositionLines.Sample s : ExpositionLines.parse(text)) {
      if (s.name().equals("vertx_pool_queue_pending") && "sql".equals(s.labels().get("pool_type"))) {
        pools.add(s.labels().get("pool_name"));
      }
    }
    assertTrue(pools.contains("database-watch") && pools.size() == 2, "the SQL pools' queue gauges: " + pools);
  }

  @Test
  void everyDashboardPanelQueryReturnsDataOnTheBundledData() throws Exception {
    List<String> report = new ArrayList<>();
    int queries = 0;
    try (Connection sql = DriverManager.getConnection(db.jdbcUrl())) {
      for (JsonNode dashboard : DeploymentFilesTest.dashboards()) {
        List<JsonNode> variables = new ArrayList<>();
        dashboard.at("/templating/list").forEach(variables::add);
        Search search = new Search(dashboard, variables, sql);
        List<String> failures = search.find(0, new LinkedHashMap<>());
        queries += search.queries;
        if (!failures.isEmpty()) {
          report.add(dashboard.get("title").asText() + " (variables " + search.bestValues + "):\n  "
              + String.join("\n  ", search.bestFailures));
        }
      }
    }
    assertTrue(report.isEmpty(), String.join("\n", report));
    assertTrue(queries >= 50, "queries run: " + queries);
  }

  /**
   * Chooses a real value for each variable in order (from the variable's own query, with the earlier ones
   * substituted) until every panel query returns data; remembers the closest attempt for the report.
   */
  static final class Search {
    final JsonNode dashboard;
    final List<JsonNode> variables;
    final Connection sql;
    int queries;
    int attempts;
    List<String> bestFailures = List.of("no attempt");
    Map<String, String> bestValues = Map.of();

    Search(JsonNode dashboard, List<JsonNode> variables, Connection sql) {
      this.dashboard = dashboard;
      this.variables = variables;
      this.sql = sql;
    }

    List<String> find(int index, Map<String, String> values) throws Exception {
      if (index == variables.size()) {
        attempts++;
        List<String> failures = runPanels(values);
        if (failures.size() < bestFailures.size() || bestValues.isEmpty()) {
          bestFailures = failures;
          bestValues = new LinkedHashMap<>(values);
        }
        return failures;
      }
      JsonNode v = variables.get(index);
      List<String> candidates = candidates(v, values);
      if (candidates.isEmpty()) {
        List<String> f = List.of("variable $" + v.get("name").asText() + " has no values");
        if (bestValues.isEmpty()) {
          bestFailures = f;
          bestValues = new LinkedHashMap<>(values);
        }
        return f;
      }
      List<String> last = null;
      for (String c : candidates.subList(0, Math.min(candidates.size(), 60))) {
        if (attempts >= 150) break;
        values.put(v.get("name").asText(), c);
        last = find(index + 1, values);
        if (last.isEmpty()) return last;
        values.remove(v.get("name").asText());
      }
      return last == null ? List.of("no attempt") : last;
    }

    List<String> candidates(JsonNode v, Map<String, String> values) throws Exception {
      List<String> out = new ArrayList<>();
      if (v.path("datasource").path("uid").asText().equals("fingerpost-postgres")) {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(substituteSql(v.get("query").asText(), values))) {
          while (rs.next()) out.add(rs.getString("__value"));
        }
        queries++;
        return out;
      }
      String q = substitutePromql(v.at("/query/query").asText(), values);
      Matcher m = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)").matcher(q);
      assertTrue(m.matches(), "variable query " + q);
      JsonNode r = prometheus.api("label/" + m.group(2) + "/values", "match[]", m.group(1));
      queries++;
      assertEquals("success", r.get("status").asText(), q + ": " + r);
      r.get("data").forEach(n -> out.add(n.asText()));
      return out;
    }

    List<String> runPanels(Map<String, String> values) throws Exception {
      List<String> failures = new ArrayList<>();
      for (JsonNode panel : DeploymentFilesTest.panels(dashboard)) {
        if (panel.get("type").asText().equals("row")) continue;
        for (JsonNode t : panel.get("targets")) {
          String where = "panel \"" + panel.get("title").asText() + "\" " + t.get("refId").asText();
          queries++;
          if (t.has("expr")) {
            String expr = substitutePromql(t.get("expr").asText(), values);
            JsonNode r = t.path("instant").asBoolean(false) ? prometheus.query(expr) : prometheus.queryRange(expr, 60);
            if (!r.get("status").asText().equals("success")) {
              failures.add(where + ": " + r.path("error").asText() + " in " + expr);
            } else if (r.at("/data/result").isEmpty()) {
              failures.add(where + ": no series for " + expr);
            }
          } else {
            String q = substituteSql(t.get("rawSql").asText(), values);
            try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(q)) {
              if (!rs.next()) {
                failures.add(where + ": no rows for\n" + q);
              }
            } catch (java.sql.SQLException e) {
              failures.add(where + ": " + e.getMessage() + "\n" + q);
            }
          }
        }
      }
      return failures;
    }

    private boolean multi(String name) {
      for (JsonNode v : variables) {
        if (v.get("name").asText().equals(name)) return v.path("multi").asBoolean() || v.path("includeAll").asBoolean();
      }
      throw new AssertionError("undefined $" + name);
    }

    /** Grafana's Prometheus interpolation: multi-value variables are regex-escaped. */
    String substitutePromql(String text, Map<String, String> values) {
      // inside a PromQL string literal the regex escape's backslash is itself escaped, as Grafana does
      return replace(text, values, (name, format) ->
          multi(name) ? regexEscape(values.get(name)).replace("\\", "\\\\") : values.get(name));
    }

    /** Grafana's SQL interpolation: {@code :sqlstring} and multi-value variables quoted, {@code :regex} escaped. */
    String substituteSql(String text, Map<String, String> values) {
      return replace(text, values, (name, format) -> {
        String v = values.get(name);
        if ("regex".equals(format)) return regexEscape(v);
        if ("sqlstring".equals(format) || (format == null && multi(name))) return "'" + v.replace("'", "''") + "'";
        return v;
      });
    }

    interface Formatter {
      String apply(String name, String format);
    }

    static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_]\\w*)(?::(\\w+))?}|\\$([A-Za-z_]\\w*)");

    static String replace(String text, Map<String, String> values, Formatter f) {
      Matcher m = VARIABLE.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1) != null ? m.group(1) : m.group(3);
        if (name.startsWith("__") || !values.containsKey(name)) {
          m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
          continue;
        }
        m.appendReplacement(out, Matcher.quoteReplacement(f.apply(name, m.group(2))));
      }
      return m.appendTail(out).toString();
    }

    static String regexEscape(String v) {
      return v.replaceAll("([\\\\^$.|?*+()\\[\\]{}/])", "\\\\$1");
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void awaitTrue(String what, Duration timeout, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (check.holds()) return;
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
