package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * A local stand-in for the FingertipsNext API (127.0.0.1, a free port), answering as its OpenAPI definition says
 * (dhsc-govuk/FingertipsNext, {@code api/definition/indicators/}): {@code GET /api/indicators/{id}} an
 * {@code Indicator} ({@code indicator_id, title, definition, period_types}); {@code GET /api/indicators/{id}/data}
 * an {@code IndicatorWithHealthDataForArea}: {@code areaHealthData[]} of {@code {areaCode, areaName,
 * indicatorSegments[{sex{value,isAggregate}, age{value,isAggregate}, reportingPeriod, isAggregate,
 * healthData[{datePeriod{type,from,to}, count, value, lowerCi, upperCi, trend, isAggregate, deprivation{sequence,
 * value, type, isAggregate}}]}]}}. The figures are the real export bundled with Fingerpost (indicator 93356, the
 * same file {@link FingertipsApiServer} serves), each row turned into the data point the new service gives for it:
 * the calendar year as a {@code Calendar} date period, the 95% interval as {@code lowerCi/upperCi}
 * ({@code benchmarkMethod: CIOverlappingReferenceValue95}), the deprivation decile as a non-aggregate
 * {@code deprivation}. Other ids get the same data under their id. Answers carry an {@code ETag} and answer 304 to
 * a matching {@code If-None-Match}. Faults per indicator: 500; a body cut in the middle (the connection closes).
 */
final class FingertipsNextServer implements AutoCloseable {

  record Seen(String path, String query, int status) {}

  private static final Pattern DATA = Pattern.compile("/api/indicators/(\\d+)/data");
  private static final Pattern INDICATOR = Pattern.compile("/api/indicators/(\\d+)");

  private final List<CSVRecord> export;
  final Map<String, String> polarity = new ConcurrentHashMap<>();
  final Set<String> fail500 = ConcurrentHashMap.newKeySet();
  final Set<String> cut = ConcurrentHashMap.newKeySet();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final Vertx vertx;

  FingertipsNextServer(Vertx vertx) throws Exception {
    this.vertx = vertx;
    String shared = System.getProperty("fingerpost.shared");
    if (shared == null) {
      fail("system property fingerpost.shared is not set (surefire sets it to src/test/resources/shared)");
    }
    String csv = Files.readString(Path.of(shared, "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv"),
        StandardCharsets.UTF_8);
    export = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setAllowMissingColumnNames(true)
        .build().parse(new StringReader(csv)).getRecords();
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/api";
  }

  long count(String suffix, int status) {
    return seen.stream().filter(s -> s.path().endsWith(suffix) && (status == 0 || s.status() == status)).count();
  }

  /** The data answer of an indicator, built from the export (kept per id and polarity: a stable ETag). */
  byte[] dataOf(String id) {
    String pol = polarity.getOrDefault(id, "LowIsGood");
    return bodies.computeIfAbsent(id + "|" + pol, k -> {
      Map<String, JsonObject> areas = new LinkedHashMap<>();
      Map<String, JsonObject> segments = new LinkedHashMap<>();
      String name = null;
      for (CSVRecord r : export) {
        name = r.get("Indicator Name").strip();
        String code = r.get("Area Code");
        JsonObject area = areas.computeIfAbsent(code, c -> new JsonObject().put("areaCode", c)
            .put("areaName", r.get("Area Name")).put("indicatorSegments", new JsonArray()));
        String sex = r.get("Sex");
        String age = r.get("Age");
        JsonObject seg = segments.computeIfAbsent(code + "|" + sex + "|" + age, s -> {
          JsonObject o = new JsonObject().put("sex", new JsonObject().put("value", sex).put("isAggregate",
                  "Persons".equals(sex)))
              .put("age", new JsonObject().put("value", age).put("isAggregate", "All ages".equals(age)))
              .put("reportingPeriod", "Yearly").put("isAggregate", true).put("healthData", new JsonArray());
          area.getJsonArray("indicatorSegments").add(o);
          return o;
        });
        String year = r.get("Time period");
        String category = r.get("Category");
        JsonObject point = new JsonObject()
            .put("datePeriod", new JsonObject().put("type", "Calendar").put("from", year + "-01-01")
                .put("to", year + "-12-31"))
            .put("count", number(r.get("Count"))).put("value", number(r.get("Value")))
            .put("lowerCi", number(r.get("Lower CI 95.0 limit"))).put("upperCi", number(r.get("Upper CI 95.0 limit")))
            .put("trend", "Not yet calculated").put("isAggregate", category.isEmpty())
            .put("deprivation", category.isEmpty()
                ? new JsonObject().put("sequence", 0).put("value", "All").put("type", "All").put("isAggregate", true)
                : new JsonObject().put("sequence", decile(category)).put("value", category)
                    .put("type", r.get("Category Type")).put("isAggregate", false));
        seg.getJsonArray("healthData").add(point);
      }
      JsonObject answer = new JsonObject().put("indicatorId", Integer.parseInt(id)).put("name", name)
          .put("polarity", pol).put("benchmarkMethod", "CIOverlappingReferenceValue95").put("frequency", "Annually")
          .put("areaHealthData", new JsonArray(List.copyOf(areas.values())));
      return answer.encode().getBytes(StandardCharsets.UTF_8);
    });
  }

  private static Double number(String s) {
    return s == null || s.isBlank() ? null : Double.valueOf(s.trim());
  }

  private static int decile(String category) {
    Matcher m = Pattern.compile("^(\\d+)").matcher(category);
    return m.find() ? Integer.parseInt(m.group(1)) : category.startsWith("Most") ? 1 : 10;
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    HttpServerResponse res = req.response();
    Matcher data = DATA.matcher(path);
    Matcher indicator = INDICATOR.matcher(path);
    String id = data.matches() ? data.group(1) : indicator.matches() ? indicator.group(1) : "";
    if (fail500.contains(id)) {
      seen.add(new Seen(path, req.query(), 500));
      res.setStatusCode(500).putHeader("Content-Type", "application/json").end("{\"message\":\"Internal error\"}");
      return;
    }
    if (data.matches()) {
      byte[] bytes = dataOf(id);
      String etag = "\"" + FingertipsApiServer.sha256(bytes).substring(0, 32) + "\"";
      if (etag.equals(req.getHeader("If-None-Match"))) {
        seen.add(new Seen(path, req.query(), 304));
        res.setStatusCode(304).putHeader("ETag", etag).end();
        return;
      }
      seen.add(new Seen(path, req.query(), 200));
      res.putHeader("Content-Type", "application/json").putHeader("ETag", etag)
          .putHeader("Last-Modified", "Tue, 05 Mar 2024 09:30:12 GMT")
          .putHeader("Content-Length", String.valueOf(bytes.length));
      if (cut.contains(id)) {
        res.write(Buffer.buffer(java.util.Arrays.copyOf(bytes, bytes.length / 2)))
            .onComplete(ar -> vertx.setTimer(20, t -> req.connection().close()));
        return;
      }
      res.end(Buffer.buffer(bytes));
    } else if (indicator.matches()) {
      seen.add(new Seen(path, req.query(), 200));
      res.putHeader("Content-Type", "application/json").end(new JsonObject().put("indicator_id", Integer.parseInt(id))
          .put("title", "Campylobacter incidence rate/100,000")
          .put("definition", "Rate of laboratory confirmed campylobacter cases per 100,000 population")
          .put("period_types", new JsonArray().add("Calendar")).encode());
    } else {
      seen.add(new Seen(path, req.query(), 404));
      res.setStatusCode(404).end();
    }
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
