package io.fingerpost.feed.fingertips;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the classic Fingertips API (127.0.0.1, a free port), answering as its controllers do
 * (ukhsa-collaboration/fingertips-open, PholioVisualisationWS/ServicesWeb/Controllers): {@code all_data/csv/
 * by_indicator_id} serves the real export bundled with Fingerpost ({@code shared/data/fingertips-csv}, indicator
 * 93356, Counties &amp; UAs with England and the regions) for child area type 102 and parent 6 — other indicator
 * ids get the same rows under their own id (the export's first column rewritten); {@code indicator_metadata/csv/
 * by_indicator_id} the metadata CSV with the columns of MultipleIndicatorMetadataFileWriter and fingertipsR's
 * column list; {@code data_changes} {@code {LastUploadedAt, LastDeletedAt}} as Json.NET writes a DateTime. The
 * export answers carry an {@code ETag} and {@code Last-Modified} and answer 304 to a matching
 * {@code If-None-Match}. Faults per indicator: 500, 429 with {@code Retry-After}, a body cut in the middle (the
 * connection closes), a body with broken quoting.
 */
final class FingertipsApiServer implements AutoCloseable {

  /** One request as the server saw it. */
  record Seen(String path, String query, long atNanos, String userAgent, int status) {}

  static final String REAL_ID = "93356";
  static final int CHILD = 102;
  static final int PARENT = 6;

  final String export;
  final Map<String, String> polarity = new ConcurrentHashMap<>();
  final Map<String, String> uploadedAt = new ConcurrentHashMap<>();
  final Map<String, String> body = new ConcurrentHashMap<>();
  /** A body's bytes and ETag, computed once (the server shares the feed's event loops in tests). */
  private final Map<String, Object[]> encoded = new ConcurrentHashMap<>();
  final Set<String> fail500 = ConcurrentHashMap.newKeySet();
  final Set<String> cut = ConcurrentHashMap.newKeySet();
  final Set<String> brokenQuoting = ConcurrentHashMap.newKeySet();
  final Map<String, Integer> tooManyRequests = new ConcurrentHashMap<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  volatile long delayMs;
  /** While set, export requests wait for it (a download in flight until the test lets it go). */
  volatile io.vertx.core.Future<Void> holdExports;
  /** Export requests that waited for {@link #holdExports}. */
  final AtomicInteger held = new AtomicInteger();
  /** Answer 200 with the body even to a matching If-None-Match (a server without validators). */
  volatile boolean ignoreValidators;
  final java.util.concurrent.atomic.AtomicLong dataBytes = new java.util.concurrent.atomic.AtomicLong();
  private final Vertx vertx;
  private final HttpServer server;

  FingertipsApiServer(Vertx vertx) throws Exception {
    this.vertx = vertx;
    String shared = System.getProperty("fingerpost.shared");
    if (shared == null) {
      fail("system property fingerpost.shared is not set (surefire sets it to src/test/resources/shared)");
    }
    export = Files.readString(Path.of(shared, "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv"),
        StandardCharsets.UTF_8);
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/api";
  }

  /** The export of an indicator: the real one, its first column set to {@code id}. */
  String exportOf(String id) {
    return body.computeIfAbsent(id, k -> export.replaceAll("(?m)^" + REAL_ID + ",", k + ","));
  }

  long count(String path) {
    return seen.stream().filter(s -> s.path().endsWith(path)).count();
  }

  long count(String path, int status) {
    return seen.stream().filter(s -> s.path().endsWith(path) && s.status() == status).count();
  }

  private void handle(HttpServerRequest req) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    Runnable answer = () -> {
      try {
        answer(req);
      } finally {
        inFlight.decrementAndGet();
      }
    };
    io.vertx.core.Future<Void> hold = holdExports;
    if (hold != null && req.path().endsWith("/all_data/csv/by_indicator_id")) {
      held.incrementAndGet();
      hold.onComplete(v -> answer.run());
    } else if (delayMs > 0) {
      vertx.setTimer(delayMs, t -> answer.run());
    } else {
      answer.run();
    }
  }

  private void answer(HttpServerRequest req) {
    String path = req.path();
    String id = req.getParam("indicator_id", req.getParam("indicator_ids", ""));
    HttpServerResponse res = req.response();
    int[] status = {200};
    Runnable record = () -> seen.add(new Seen(path, req.query(), System.nanoTime(), req.getHeader("User-Agent"),
        status[0]));
    if (fail500.contains(id)) {
      status[0] = 500;
      record.run();
      res.setStatusCode(500).end("Internal server error");
      return;
    }
    if (path.endsWith("/all_data/csv/by_indicator_id") && tooManyRequests.getOrDefault(id, 0) > 0) {
      tooManyRequests.merge(id, -1, Integer::sum);
      status[0] = 429;
      record.run();
      res.setStatusCode(429).putHeader("Retry-After", "1").end();
      return;
    }
    switch (path) {
      case "/api/all_data/csv/by_indicator_id" -> {
        String csv = Integer.parseInt(req.getParam("child_area_type_id")) == CHILD ? exportOf(id)
            : export.substring(0, export.indexOf('\n') + 1);
        if (brokenQuoting.contains(id)) {
          int mid = csv.indexOf('\n', csv.length() / 2) + 1;
          csv = csv.substring(0, mid) + id + ",\"broken quote,,E06000001,Hartlepool\n" + csv.substring(mid);
        }
        String text = csv;
        Object[] cached = encoded.computeIfAbsent(text, k -> {
          byte[] b = k.getBytes(StandardCharsets.UTF_8);
          return new Object[] {b, "\"" + sha256(b).substring(0, 32) + "\""};
        });
        byte[] bytes = (byte[]) cached[0];
        String etag = (String) cached[1];
        if (!ignoreValidators && etag.equals(req.getHeader("If-None-Match"))) {
          status[0] = 304;
          record.run();
          res.setStatusCode(304).putHeader("ETag", etag).end();
          return;
        }
        record.run();
        res.putHeader("Content-Type", "text/csv").putHeader("ETag", etag)
            .putHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.of(2024, 3, 5, 9, 30, 12, 0, ZoneOffset.UTC)))
            .putHeader("Content-Length", String.valueOf(bytes.length));
        if (cut.contains(id)) {
          // Half the promised body, then the connection goes: a download cut in the middle.
          res.write(Buffer.buffer(java.util.Arrays.copyOf(bytes, bytes.length / 2)))
              .onComplete(ar -> vertx.setTimer(20, t -> req.connection().close()));
          return;
        }
        dataBytes.addAndGet(bytes.length);
        res.end(Buffer.buffer(bytes));
      }
      case "/api/indicator_metadata/csv/by_indicator_id" -> {
        record.run();
        StringBuilder csv = new StringBuilder("Indicator ID,Indicator,Definition,Rationale,Data source,"
            + "Indicator production,Indicator source,Methodology,Standard population/values,"
            + "Confidence interval details,Source of numerator,Definition of numerator,Source of denominator,"
            + "Definition of denominator,Disclosure control,Caveats,Copyright,Data re-use,Links,Indicator number,"
            + "Notes,Frequency,Rounding,Data quality,Indicator Content,Specific rationale,Unit,Value type,"
            + "Year type,Polarity\r\n");
        for (String one : req.getParam("indicator_ids").split(",")) {
          csv.append(one).append(",\"Campylobacter incidence rate/100,000 (").append(one).append(")\",")
              .append("\"Rate of laboratory confirmed campylobacter cases per 100,000 population\",")
              .append(",UKHSA,,,,,\"Byar's method\",,,,,,,,,,,,Annual,,3,,,\"per 100,000\",Crude rate,Calendar,\"")
              .append(polarity.getOrDefault(one, "RAG - Low is good")).append("\"\r\n");
        }
        res.putHeader("Content-Type", "text/csv").end(csv.toString());
      }
      case "/api/data_changes" -> {
        record.run();
        res.putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("LastUploadedAt", uploadedAt.getOrDefault(id, "2024-03-05T09:30:12.347"))
            .put("LastDeletedAt", "0001-01-01T00:00:00").encode());
      }
      case "/api/profile" -> {
        record.run();
        res.end(new JsonObject().put("Id", 19).put("Name", "Public Health Outcomes Framework")
            .put("Key", "public-health-outcomes-framework").put("GroupIds", new JsonArray().add(1000041)).encode());
      }
      case "/api/indicator_names/by_group_id" -> {
        record.run();
        res.end(new JsonArray().add(new JsonObject().put("IndicatorId", 93356)
            .put("IndicatorName", "Campylobacter incidence rate/100,000").put("GroupId", 1000041)).encode());
      }
      case "/api/indicator_search" -> {
        record.run();
        res.end(new JsonObject().put("102", new JsonArray().add(93356)).put("502", new JsonArray().add(93356))
            .encode());
      }
      case "/api/available_data" -> {
        record.run();
        res.end(new JsonArray().add(new JsonObject().put("IndicatorId", 93356).put("AreaTypeId", 102)).encode());
      }
      case "/api/profiles_containing_indicators" -> {
        record.run();
        res.end(new JsonObject().put(id, new JsonArray().add(new JsonObject().put("IndicatorId", 93356)
            .put("ProfileId", 19).put("ProfileName", "Public Health Outcomes Framework"))).encode());
      }
      case "/api/area_types" -> {
        record.run();
        res.end(new JsonArray().add(new JsonObject().put("Id", 102).put("Name", "Counties and Unitary Authorities")
            .put("Short", "County & UA")).add(new JsonObject().put("Id", 6).put("Name", "Government Office Region")
            .put("Short", "Region")).encode());
      }
      default -> {
        status[0] = 404;
        record.run();
        res.setStatusCode(404).end();
      }
    }
  }

  List<Seen> seen(String path) {
    List<Seen> out = new ArrayList<>();
    for (Seen s : seen) {
      if (s.path().endsWith(path)) {
        out.add(s);
      }
    }
    return out;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
