package io.fingerpost.feed;

import io.fingerpost.config.ColumnMapping;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.PushConfig;
import io.fingerpost.config.TidyColumns;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.InitialLoad;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The push feed: {@code POST /api/observations} with a JSON array of observations
 * ({@link JsonRowReader} fields) or a CSV body ({@code text/csv}): either a Fingertips all_data export or
 * a CSV whose header uses the JSON field names. Requests carry {@code Authorization: Bearer <token>}
 * ({@code push.token}, checked by the API). Good rows are stored, bad ones reported with their line (element
 * number for JSON) in the answer and in the feed's rejections. Transport-free: the API calls {@link #accept}.
 */
public final class PushHandler {

  public static final String FEED = "push";

  private final Vertx vertx;
  private final PushConfig config;
  private final ObservationStore store;
  private final FeedStatusStore status;

  public PushHandler(Vertx vertx, PushConfig config, ObservationStore store, FeedStatusStore status) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.status = status;
  }

  /** Whether the push feed is on ({@code push.enabled}). */
  public boolean enabled() {
    return config.enabledOrDefault();
  }

  /**
   * The token a pushing request must carry ({@code push.token}; also the token of the alert API). The API
   * checks it, with every other bearer-token route, in {@code api.BearerAuth}.
   */
  public String token() {
    return config.token();
  }

  public long maxBodyBytes() {
    return config.maxBodyBytesOrDefault();
  }

  /**
   * Stores a pushed body. Fails with {@link IllegalArgumentException} when the body as a whole is
   * unusable (not a JSON array, a CSV without a known header).
   */
  public Future<JsonObject> accept(Buffer body, String contentType) {
    boolean csv = contentType != null && (contentType.startsWith("text/csv") || contentType.startsWith("application/csv"));
    Callable<RowReader> open;
    if (csv) {
      String text = body.toString(StandardCharsets.UTF_8);
      open = () -> csvReader(text);
    } else {
      JsonArray array;
      try {
        Object parsed = io.vertx.core.json.Json.decodeValue(body);
        if (!(parsed instanceof JsonArray a)) {
          return Future.failedFuture(new IllegalArgumentException("the body must be a JSON array of observations"));
        }
        array = a;
      } catch (DecodeException e) {
        return Future.failedFuture(new IllegalArgumentException("the body is not JSON: " + e.getMessage()));
      }
      open = () -> new JsonRowReader(array);
    }
    return status.ensure(FEED, FEED, "POST /api/observations")
        .compose(v -> new FeedLoader(vertx, store).load(FEED, "POST /api/observations", open, Map.of(), InitialLoad.none()))
        .recover(e -> e instanceof FeedFormatException
            ? Future.failedFuture(new IllegalArgumentException(e.getMessage(), e)) : Future.failedFuture(e))
        .compose(result -> {
          FeedStatusStore.PollCounts counts = new FeedStatusStore.PollCounts(result.read(),
              result.written().inserted(), result.written().updated(), result.written().unchanged(), result.rejected());
          return status.addRejections(FEED, result.rejections())
              .compose(v -> status.pushReceived(FEED, counts))
              .map(v -> answer(result));
        });
  }

  private static JsonObject answer(FeedLoader.Result result) {
    JsonArray rejections = new JsonArray();
    for (Rejection r : result.rejections()) {
      rejections.add(new JsonObject().put("line", r.line()).put("reason", r.reason()));
    }
    return new JsonObject().put("rowsRead", result.read()).put("inserted", result.written().inserted())
        .put("updated", result.written().updated()).put("unchanged", result.written().unchanged())
        .put("rejected", result.rejected()).put("rejections", rejections);
  }

  private static RowReader csvReader(String text) throws Exception {
    String firstLine = text.lines().findFirst().orElse("").replace("\uFEFF", "");
    if (firstLine.startsWith("Indicator ID,") || firstLine.startsWith("\"Indicator ID\",")) {
      return FingertipsCsvReader.open(new BufferedReader(new StringReader(text)));
    }
    List<String> header = List.of(firstLine.split(",", -1)).stream().map(s -> s.replace("\"", "").trim()).toList();
    for (String h : header) {
      if (!JsonRowReader.FIELDS.contains(h)) {
        throw new FeedFormatException(1, "unknown column '" + h + "' (a push CSV is a Fingertips export or has"
            + " columns named like the JSON fields: indicatorId, areaCode, period, value, …)");
      }
    }
    TidyColumns cols = new TidyColumns(m(header, "indicatorId"), m(header, "indicatorName"), m(header, "areaCode"),
        m(header, "areaName"), m(header, "areaType"), m(header, "parentCode"), m(header, "sex"), m(header, "age"),
        m(header, "categoryType"), m(header, "category"), m(header, "period"), m(header, "value"),
        m(header, "lowerCi95"), m(header, "upperCi95"), m(header, "lowerCi998"), m(header, "upperCi998"),
        m(header, "count"), m(header, "denominator"), m(header, "valueNote"), null);
    for (String required : List.of("indicatorId", "areaCode", "period", "value")) {
      if (!header.contains(required)) {
        throw new FeedFormatException(1, "the header has no column '" + required + "'");
      }
    }
    FeedConfig feed = new FeedConfig(FEED, FeedConfig.TIDY_CSV, "POST /api/observations", true, null, null, null,
        List.of(), cols, List.of(""));
    return TidyCsvReader.open(new BufferedReader(new StringReader(text)), feed);
  }

  private static ColumnMapping m(List<String> header, String name) {
    return header.contains(name) ? ColumnMapping.ofColumn(name) : null;
  }
}
