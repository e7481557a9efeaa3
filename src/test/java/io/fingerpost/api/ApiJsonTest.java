package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.alert.AlertQueries;
import io.fingerpost.strategy.PlaceQueries;
import io.fingerpost.digest.DigestHistory;
import io.fingerpost.store.StoreReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The repositories' records serialise to exactly the fields {@code openapi.yaml} gives their schemas (one
 * mapping, no hand-built JSON), instants as ISO-8601 text; and a failure with internal text answers a bare
 * "internal error" problem.
 */
class ApiJsonTest {
  static final Instant T = Instant.parse("2026-01-31T12:00:00.5Z");

  static Set<String> schemaFields(String schema) {
    JsonObject s = ApiSpec.load().document().getJsonObject("components").getJsonObject("schemas").getJsonObject(schema);
    Set<String> fields = new TreeSet<>();
    if (s.containsKey("allOf")) {
      for (Object part : s.getJsonArray("allOf")) {
        JsonObject p = (JsonObject) part;
        if (p.containsKey("$ref")) {
          String ref = p.getString("$ref");
          fields.addAll(schemaFields(ref.substring(ref.lastIndexOf('/') + 1)));
        } else {
          fields.addAll(p.getJsonObject("properties").fieldNames());
        }
      }
    }
    if (s.containsKey("properties")) {
      fields.addAll(s.getJsonObject("properties").fieldNames());
    }
    return fields;
  }

  static JsonObject json(Object record) {
    return new JsonObject(io.vertx.core.json.Json.encode(record));
  }

  @Test
  void recordsHaveTheContractsFieldNames() {
    StoreReader.ObservationValue o = new StoreReader.ObservationValue("2020/21", 2020.25, 2021.25, 1.5, 1.0, 2.0,
        null, null, 25.0, 200.0, null, "push", 1, T, T);
    Object[][] cases = {
        {"Indicator", new StoreReader.IndicatorSummary("90366", "LE", "years", "other", "HIGH_IS_GOOD", 2)},
        {"Area", new StoreReader.AreaSummary("E08000027", "Dudley", "UA", "E12000005")},
        {"Series", new StoreReader.SeriesSummary(1, "90366", "LE", "E08000027", "Dudley", "Male", "All ages", "", "", 3,
            "2020")},
        {"Observation", o},
        {"Revision", new StoreReader.Revision(o, T)},
        {"FeedStatus", new StoreReader.FeedSummary("f", "tidy-csv", "x.csv", "OK", T, T, T, T, null, null, 0, 1L, 1L,
            0L, 0L, 0L, T)},
        {"Rejection", new StoreReader.RejectionEntry("f", "x.csv", 3L, "bad", "a,b", T)},
        {"Alert", new AlertQueries.AlertSummary("0123456789abcdef", "off_trajectory", "firing", "critical",
            new JsonObject().put("team", "t"), new JsonObject(), T, null, true, 7L, null,
            new AlertQueries.Acknowledgement("ana", T, null))},
        {"AlertDetail", new AlertQueries.AlertDetail(new AlertQueries.AlertSummary("0123456789abcdef", "r", "firing",
            "warning", new JsonObject(), new JsonObject(), T, null, true, null, null, null), List.of(), List.of())},
        {"Silence", new AlertQueries.SilenceEntry(1L, new JsonArray(), T, T, "ana", "why", false, null, null)},
        {"WorstTarget", new PlaceQueries.WorstTarget("le-male@E08000025", "LE", "OFF_TRACK", "2023 - 25", 77.1, 0.01,
            "Worse")},
        {"PlaceSummary", new PlaceQueries.PlaceSummary("E08000025", "Birmingham", 1, Map.of("OFF_TRACK", 1),
            List.of())},
        {"CompareRow", new PlaceQueries.CompareRow("le-male", "LE", "E08000027", "Dudley", "90366", "LE", "Years",
            "Male", "<1 yr", "", "", "2023 - 25", 79.0, 78.5, 79.5, 79.7, null, null, "Worse", "WORSE", "No change",
            "NO_SIGNIFICANT_CHANGE", "AT_RISK")},
        {"DigestRun", new DigestHistory.DigestRun("weekly", T, T, null, "E08000027", List.of(), List.of("t"), T, 1, 2,
            "s", "http://x/report?area=E08000027", false, List.of())},
        {"DigestDelivery", new DigestHistory.DigestDelivery("mail", "delivered", 1, T, null)},
        {"IndicatorDetail", new StoreReader.IndicatorDetail(
            new StoreReader.IndicatorSummary("93356", "Campylobacter", "per 100,000", "Crude rate", "LOW_IS_GOOD", 1),
            "metadata", new StoreReader.MetadataView("fingertips-api:phof", "Campylobacter", "Rate of …", "per 100,000",
                "Crude rate", "Calendar", "RAG - Low is good", null, null, null, java.util.Map.of(), T))},
        {"IndicatorMetadata", new StoreReader.MetadataView("fingertips-api:phof", "Campylobacter", "Rate of …",
            "per 100,000", "Crude rate", "Calendar", "RAG - Low is good", null, null, null, java.util.Map.of(), T)},
        {"FeedDetail", new StoreReader.FeedDetail(new StoreReader.FeedSummary("f", "fingertips-api", "u", "OK", T, T,
            T, T, null, null, 0, 1L, 1L, 0L, 0L, 0L, T), java.util.List.of())},
        {"IndicatorFetch", new StoreReader.IndicatorFetch("93356", T, T, T, T, 852L, java.util.List.of(), null)},
        {"ClusterMember", new io.fingerpost.cluster.ClusterMembers.Member("m", "http://h:1", "h:5701", true, true, T,
            0.5, List.of("f"), List.of("r"), List.of("s"))},
        {"ClusterLease", new io.fingerpost.cluster.ClusterMembers.LeaseState("feed:f", "m", 2, 1, 0.1, 4, false)},
        {"ClusterState", new io.fingerpost.cluster.ClusterMembers.ClusterState(true, "m", 15, List.of(), List.of())},
    };
    for (Object[] c : cases) {
      JsonObject j = json(c[1]);
      assertEquals(schemaFields((String) c[0]), new TreeSet<>(j.fieldNames()), (String) c[0]);
    }
    JsonObject obs = json(o);
    assertEquals("2026-01-31T12:00:00.500Z", obs.getString("firstSeen"));
    assertTrue(obs.containsKey("lowerCi998") && obs.getValue("lowerCi998") == null, "nulls are kept");
    assertEquals(25.0, obs.getDouble("count"));
    JsonObject alert = json(cases[7][1]);
    assertEquals("t", alert.getJsonObject("labels").getString("team"));
    assertEquals("ana", alert.getJsonObject("acknowledgement").getString("by"));
  }

  @Test
  void aFailureAnswersInternalErrorWithoutItsText() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      new RequestGate(ApiSpec.load(), () -> "t").mount(router);
      router.get("/api/indicators").handler(ctx -> ctx.fail(
          new IllegalStateException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00 (SQLSTATE 22021)")));
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      HttpResponse<Buffer> r = WebClient.create(vertx).get(server.actualPort(), "127.0.0.1", "/api/indicators")
          .send().await();
      assertEquals(500, r.statusCode());
      assertEquals(Problem.CONTENT_TYPE, r.getHeader("Content-Type"));
      assertEquals("internal error", r.bodyAsJsonObject().getString("detail"));
      assertFalse(r.bodyAsString().contains("SQLSTATE"));
    } finally {
      vertx.close().await();
    }
  }
}
