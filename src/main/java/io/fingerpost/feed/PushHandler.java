package io.fingerpost.feed;

import io.fingerpost.config.ColumnMapping;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.PushConfig;
import io.fingerpost.config.TidyColumns;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The push feed: {@code POST /api/observations} with a JSON array of observations
 * ({@link JsonRowReader} fields) or a CSV body ({@code text/csv}): either a Fingertips all_data export or
 * a CSV whose header uses the JSON field names. Requests carry {@code Authorization: Bearer <token>}
 * ({@code push.token}, checked by the API). Every row is checked before anything is written; the good rows
 * are stored in one transaction, bad ones reported with their line (element number for JSON) and reason in
 * the answer and in the feed's rejections, odd but stored ones as warnings. Series parts a row leaves out
 * are looked up ({@link SeriesParts}). Transport-free: the API calls {@link #accept}.
 */
public final class PushHandler {

  public static final String FEED = "push";
  private static final String SOURCE = "POST /api/observations";

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
   * Stores a pushed body. Every row is read and checked ({@link RowRules}) before anything is written; the
   * good rows are then written in ONE transaction ({@link ObservationStore#writeAtomically}): all of them or,
   * when the write fails, none. Fails with {@link IllegalArgumentException} when the body as a whole is
   * unusable (not a JSON array, a CSV without a known header).
   */
  public Future<JsonObject> accept(Buffer body, String contentType) {
    boolean csv = contentType != null && (contentType.startsWith("text/csv") || contentType.startsWith("application/csv"));
    return status.ensure(FEED, FEED, "POST /api/observations")
        .compose(v -> vertx.executeBlocking(() -> read(body, csv), false))
        .compose(this::resolve)
        .compose(rows -> store.writeAtomically(FEED, rows.batch()).compose(written -> {
          JsonObject answer = rows.answer(written);
          FeedStatusStore.PollCounts counts = new FeedStatusStore.PollCounts(rows.read(), written.inserted(),
              written.updated(), written.unchanged(), rows.rejected());
          return status.addRejections(FEED, rows.listed())
              .compose(v -> status.pushReceived(FEED, counts))
              .map(v -> answer);
        }));
  }

  /** Reads every row of the body (worker thread): the good ones, the rejected ones and the warnings. */
  private static PushRows read(Buffer body, boolean csv) throws Exception {
    // Bytes that are not UTF-8 become a noncharacter, so their row is rejected (never stored as U+FFFD).
    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith(String.valueOf(CsvRecords.NOT_UTF8))
        .decode(ByteBuffer.wrap(body.getBytes())).toString();
    RowReader reader;
    LongFunction<Set<String>> omitted;
    if (csv) {
      try {
        reader = csvReader(text);
      } catch (FeedFormatException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      Set<String> absent = new HashSet<>(SeriesParts.NAMES);
      if (reader instanceof TidyCsvReader) {
        absent.removeAll(header(text));
      } else {
        absent.clear();
      }
      omitted = line -> absent;
    } else {
      Object parsed;
      try {
        parsed = Json.decodeValue(text);
      } catch (DecodeException e) {
        throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
      }
      if (!(parsed instanceof JsonArray array)) {
        throw new IllegalArgumentException("the body must be a JSON array of observations");
      }
      JsonRowReader json = new JsonRowReader(array);
      reader = json;
      omitted = json::omitted;
    }
    try (reader) {
      return PushRows.read(SOURCE, reader, omitted);
    } catch (FeedFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Gives rows that leave series parts out the one stored series they match ({@link SeriesParts}). */
  private Future<PushRows> resolve(PushRows rows) {
    return store.seriesOf(rows.openPairs()).compose(stored -> vertx.executeBlocking(() -> {
      rows.resolve(stored);
      return rows;
    }, false));
  }

  private static List<String> header(String text) {
    String firstLine = text.lines().findFirst().orElse("").replace("\uFEFF", "");
    return List.of(firstLine.split(",", -1)).stream().map(s -> s.replace("\"", "").trim()).toList();
  }

  private static RowReader csvReader(String text) throws Exception {
    String firstLine = text.lines().findFirst().orElse("").replace("\uFEFF", "");
    if (firstLine.startsWith("Indicator ID,") || firstLine.startsWith("\"Indicator ID\",")) {
      return FingertipsCsvReader.open(new BufferedReader(new StringReader(text)));
    }
    List<String> header = header(text);
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
