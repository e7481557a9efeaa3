package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fingerpost.App;
import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API against its OpenAPI description: every operation in {@code openapi.yaml} is called on the
 * running service (real database, real feed) and each answer is validated against the contract, errors
 * included. Also the push endpoint's token check.
 */
@ExtendWith(VertxExtension.class)
class ApiContractTest {

  static final String TOKEN = "test-token-123";
  static App app;
  static WebClient web;
  static OpenAPIContract contract;
  static JsonObject rawContract;
  static ResponseValidator validator;
  static final Set<String> covered = new HashSet<>();
  static final Set<String> BACKBONE_OPERATIONS = Set.of("health", "ready", "openapi", "listIndicators", "getIndicator",
      "listAreas", "getArea", "listSeries", "getSeries", "getSeriesObservations", "getSeriesRevisions",
      "getObservations", "pushObservations", "listFeeds", "getFeed", "getFeedRejections");

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Path export = Path.of(System.getProperty("fingerpost.shared"),
        "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv");
    Path targets = java.nio.file.Files.createTempFile("fingerpost-contract-targets", ".yaml");
    targets.toFile().deleteOnExit();
    java.nio.file.Files.writeString(targets, """
        targets:
          - {id: dudley-campylobacter, indicator: "93356", area: E08000027, sex: Persons, age: All ages,
             direction: decrease, baseline: {period: "2015"}, target: {period: "2020", reach: {area: E92000001}},
             tolerance: {amber: 10%, red: 20%}}
        """);
    String yaml = """
        http: {port: 0, host: 127.0.0.1}
        database: {url: "%s"}
        push: {token: "${PUSH_TOKEN}"}
        targets: {files: ["%s"]}
        feeds:
          - {name: campylobacter, type: fingertips-csv, source: "%s", interval: 1h,
             indicators: [{id: "93356", unit: "per 100,000", polarity: LOW_IS_GOOD}]}
        """.formatted(db.url(), targets, export);
    ConfigLoader.Loaded loaded = ConfigLoader.parse(yaml, ConfigFile.of(Path.of("test.yaml")),
        Map.of("PUSH_TOKEN", TOKEN));
    app = App.start(vertx, loaded).await(60, TimeUnit.SECONDS);
    web = WebClient.create(vertx);
    rawContract = openApi();
    contract = OpenAPIContract.from(vertx, validatable(rawContract)).await(30, TimeUnit.SECONDS);
    validator = ResponseValidator.create(vertx, contract);
    long deadline = System.currentTimeMillis() + 30_000;
    while (send(HttpMethod.GET, "/ready", null, null).statusCode() != 200 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
  }

  static JsonObject openApi() throws Exception {
    try (var in = ApiContractTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      assertTrue(in != null, "openapi.yaml is not on the classpath");
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
      return new JsonObject(tree);
    }
  }

  /**
   * vertx-openapi 5.0 validates only some media types (not application/problem+json, application/yaml,
   * text/csv). The contract is validated with those renamed to the JSON / text types that share their
   * syntax; the test checks the real Content-Type against the original names itself.
   */
  static JsonObject validatable(JsonObject contract) {
    JsonObject copy = contract.copy();
    // vertx-openapi refuses a path parameter with a literal suffix (/report/targets/{id}.pdf), which OpenAPI
    // allows; the report's own test calls those operations
    copy.getJsonObject("paths").fieldNames().removeIf(p -> p.matches(".*\\}[^/].*"));
    rename(copy);
    return copy;
  }

  private static void rename(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("content") instanceof JsonObject content) {
        JsonObject renamed = new JsonObject();
        // text bodies are checked by type only: the validator cannot apply a schema to them
        content.forEach(e -> renamed.put(validatableType(e.getKey()),
            validatableType(e.getKey()).startsWith("text/") ? new JsonObject() : e.getValue()));
        o.put("content", renamed);
      }
      o.forEach(e -> rename(e.getValue()));
    } else if (node instanceof JsonArray a) {
      a.forEach(ApiContractTest::rename);
    }
  }

  static String validatableType(String mediaType) {
    return switch (mediaType) {
      case "application/problem+json" -> "application/json";
      case "application/yaml", "text/csv", "text/html" -> "text/plain";
      case "application/pdf" -> "application/octet-stream";
      default -> mediaType;
    };
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().await(60, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> send(HttpMethod method, String uri, String contentType, Buffer body) throws Exception {
    HttpRequest<Buffer> req = web.request(method, app.httpPort(), "127.0.0.1", uri);
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    return (body == null ? req.send() : req.sendBuffer(body)).await(30, TimeUnit.SECONDS);
  }

  /** Calls the API and validates the answer against the operation the contract gives for it. */
  static HttpResponse<Buffer> call(HttpMethod method, String uri, int expectedStatus, String auth, String contentType,
                                   Buffer body) throws Exception {
    HttpRequest<Buffer> req = web.request(method, app.httpPort(), "127.0.0.1", uri);
    if (auth != null) {
      req.putHeader("Authorization", auth);
    }
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    HttpResponse<Buffer> r = (body == null ? req.send() : req.sendBuffer(body)).await(30, TimeUnit.SECONDS);
    assertEquals(expectedStatus, r.statusCode(), method + " " + uri + ": " + r.bodyAsString());
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    Operation op = contract.findOperation(path, method);
    assertTrue(op != null, "no operation in openapi.yaml for " + method + " " + path);
    covered.add(op.getOperationId());
    String type = r.getHeader("Content-Type");
    JsonObject declared = rawContract.getJsonObject("paths").getJsonObject(op.getOpenAPIPath())
        .getJsonObject(method.name().toLowerCase()).getJsonObject("responses")
        .getJsonObject(String.valueOf(r.statusCode()));
    assertTrue(declared != null, method + " " + path + " does not declare status " + r.statusCode());
    if (declared.containsKey("$ref")) {
      String ref = declared.getString("$ref");
      declared = rawContract.getJsonObject("components").getJsonObject("responses")
          .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
    }
    assertTrue(declared.getJsonObject("content").containsKey(type), "Content-Type " + type + " of "
        + method + " " + path + " is not declared: " + declared.getJsonObject("content").fieldNames());
    ValidatableResponse vr = ValidatableResponse.create(r.statusCode(), r.body() == null ? Buffer.buffer() : r.body(),
        validatableType(type));
    validator.validate(vr, op.getOperationId()).await(10, TimeUnit.SECONDS);
    if (expectedStatus >= 400) {
      assertTrue(type.startsWith("application/problem+json"), type);
    }
    return r;
  }

  static HttpResponse<Buffer> get(String uri, int status) throws Exception {
    return call(HttpMethod.GET, uri, status, null, null, null);
  }

  @Test
  void everyOperationAnswersAsDescribed() throws Exception {
    get("/health", 200);
    get("/ready", 200);
    get("/openapi.yaml", 200);
    JsonArray indicators = get("/api/indicators", 200).bodyAsJsonArray();
    assertEquals("LOW_IS_GOOD", indicators.getJsonObject(0).getString("polarity"));
    get("/api/indicators/93356", 200);
    get("/api/indicators/nope", 404);
    get("/api/areas?type=Region", 200);
    get("/api/areas?colour=red", 400);
    get("/api/areas/E08000027", 200);
    get("/api/areas/E00000000", 404);
    JsonArray series = get("/api/series?indicator=93356&area=E08000027", 200).bodyAsJsonArray();
    assertEquals(2, series.size(), series.encode()); // all ages and 0-9 yrs
    get("/api/series?limit=0", 400);
    long id = series.stream().map(o -> (JsonObject) o).filter(o -> o.getString("age").equals("All ages"))
        .findFirst().orElseThrow().getLong("id");
    get("/api/series/" + id, 200);
    get("/api/series/x", 400);
    get("/api/series/999999", 404);
    JsonArray obs = get("/api/series/" + id + "/observations", 200).bodyAsJsonArray();
    assertEquals(3, obs.size());
    get("/api/series/999999/observations", 404);
    get("/api/series/" + id + "/revisions", 200);
    get("/api/series/999999/revisions", 404);
    JsonArray byKey = get("/api/observations?indicator=93356&area=E08000027&age=All%20ages", 200).bodyAsJsonArray();
    assertEquals(obs.size(), byKey.size());
    assertEquals(116.486270361485, byKey.getJsonObject(2).getDouble("value"), 1e-12);
    for (String field : new String[] {"period", "value", "lowerCi95", "upperCi95", "count", "denominator"}) {
      assertTrue(byKey.getJsonObject(2).containsKey(field), field);
    }
    get("/api/observations?indicator=93356&area=E08000027", 400); // two ages match
    get("/api/observations?indicator=93356", 400);
    get("/api/observations?indicator=93356&area=E99999999", 404);
    get("/api/feeds", 200);
    get("/api/cluster", 200); // one process: itself, no leases (the cluster: reliability.ClusterTest)
    get("/api/feeds/campylobacter", 200);
    get("/api/feeds/nope", 404);
    get("/api/feeds/campylobacter/rejections", 200);
    get("/api/feeds/nope/rejections", 404);
    long evaluatedBy = System.currentTimeMillis() + 10_000; // the evaluator follows the feed's first poll
    while (send(HttpMethod.GET, "/api/evaluations", null, null).bodyAsJsonObject().getJsonArray("evaluations")
        .isEmpty() && System.currentTimeMillis() < evaluatedBy) {
      Thread.sleep(100);
    }
    JsonArray targetList = get("/api/targets", 200).bodyAsJsonObject().getJsonArray("targets");
    assertEquals(1, targetList.size());
    assertEquals("OFF_TRACK", targetList.getJsonObject(0).getString("status"));
    get("/api/targets?status=GREEN", 400);
    get("/api/targets/dudley-campylobacter", 200);
    get("/api/targets/nope", 404);
    JsonArray places = get("/api/places", 200).bodyAsJsonObject().getJsonArray("places");
    assertEquals(1, places.size()); // Dudley, its one target off track
    assertEquals(1, places.getJsonObject(0).getJsonObject("counts").getInteger("OFF_TRACK"));
    assertEquals("dudley-campylobacter", places.getJsonObject(0).getJsonArray("worst").getJsonObject(0).getString("id"));
    assertEquals("E08000027", get("/api/compare?target=dudley-campylobacter", 200).bodyAsJsonObject()
        .getJsonArray("rows").getJsonObject(0).getString("areaCode"));
    get("/api/compare?indicator=93356", 200);
    get("/api/compare", 400);
    get("/api/compare?target=nope", 404);
    get("/api/evaluations?since=0", 200);
    get("/api/evaluations?since=yesterday", 400);
    // digests (issue 11): none configured here, so the list is empty; the gate checks the name
    assertEquals(0, get("/api/reports/digests", 200).bodyAsJsonObject().getJsonArray("digests").size());
    get("/api/reports/digests?name=" + "x".repeat(201), 400);

    // the push endpoint: token, JSON, CSV
    String json = "[{\"indicatorId\":\"local-1\",\"areaCode\":\"E08000027\",\"areaName\":\"Dudley\",\"sex\":\"Persons\","
        + "\"period\":\"2023/24\",\"value\":12.5,\"count\":25,\"denominator\":200},"
        + "{\"indicatorId\":\"local-1\",\"areaCode\":\"\",\"period\":\"2023/24\",\"value\":1},"
        + "{\"indicatorId\":\"local-1\",\"areaCode\":\"E08000027\",\"sex\":\"Persons\",\"period\":\"2024/25\",\"value\":\"x\"}]";
    Buffer body = Buffer.buffer(json);
    HttpResponse<Buffer> noToken = call(HttpMethod.POST, "/api/observations", 401, null, "application/json", body);
    assertTrue(noToken.getHeader("WWW-Authenticate").startsWith("Bearer"));
    call(HttpMethod.POST, "/api/observations", 401, "Bearer wrong", "application/json", body);
    call(HttpMethod.POST, "/api/observations", 401, "Basic " + TOKEN, "application/json", body);
    assertEquals(0, get("/api/indicators", 200).bodyAsJsonArray().stream()
        .filter(o -> ((JsonObject) o).getString("id").equals("local-1")).count(), "refused pushes store nothing");
    JsonObject pushed = call(HttpMethod.POST, "/api/observations", 200, "Bearer " + TOKEN, "application/json", body)
        .bodyAsJsonObject();
    assertEquals(3, pushed.getLong("rowsRead"));
    assertEquals(1, pushed.getLong("inserted"));
    assertEquals(2, pushed.getLong("rejected"));
    assertEquals(2, pushed.getJsonArray("rejections").getJsonObject(0).getLong("line"));
    assertTrue(pushed.getJsonArray("rejections").getJsonObject(1).getString("reason").contains("not a number"));
    String csv = "indicatorId,areaCode,sex,period,value,lowerCi95,upperCi95\nlocal-1,E08000027,Persons,2024/25,13.0,12,14\n";
    JsonObject pushedCsv = call(HttpMethod.POST, "/api/observations", 200, "Bearer " + TOKEN, "text/csv",
        Buffer.buffer(csv)).bodyAsJsonObject();
    assertEquals(1, pushedCsv.getLong("inserted"));
    JsonArray local = get("/api/observations?indicator=local-1&area=E08000027", 200).bodyAsJsonArray();
    assertEquals(2, local.size());
    assertEquals("2024/25", local.getJsonObject(1).getString("period"));
    call(HttpMethod.POST, "/api/observations", 400, "Bearer " + TOKEN, "application/json", Buffer.buffer("{\"a\":1}"));
    call(HttpMethod.POST, "/api/observations", 400, "Bearer " + TOKEN, "text/csv", Buffer.buffer("a,b\n1,2\n"));
    call(HttpMethod.POST, "/api/observations", 415, "Bearer " + TOKEN, "application/xml", Buffer.buffer("<a/>"));
    JsonArray pushRejections = get("/api/feeds/push/rejections", 200).bodyAsJsonArray();
    assertEquals(2, pushRejections.size());

    // The backbone's operations (the other parts test theirs): all in the contract, all called here.
    Set<String> all = new TreeSet<>(BACKBONE_OPERATIONS);
    contract.operations().forEach(o -> all.remove(o.getOperationId()));
    assertTrue(all.isEmpty(), "operations missing from openapi.yaml: " + all);
    Set<String> uncalled = new TreeSet<>(BACKBONE_OPERATIONS);
    uncalled.removeAll(covered);
    assertTrue(uncalled.isEmpty(), "operations never called: " + uncalled);
  }

  @Test
  void unknownPathsAndMethodsAreProblems() throws Exception {
    HttpResponse<Buffer> r = send(HttpMethod.GET, "/api/nothing-here", null, null);
    assertEquals(404, r.statusCode());
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertEquals(404, r.bodyAsJsonObject().getInteger("status"));
    HttpResponse<Buffer> m = send(HttpMethod.DELETE, "/api/indicators", null, null);
    assertEquals(405, m.statusCode());
    assertEquals("application/problem+json", m.getHeader("Content-Type"));
  }
}
