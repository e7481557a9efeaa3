package io.fingerpost.feed.fingertips;

import io.fingerpost.config.IndicatorConfig;
import io.fingerpost.model.IndicatorMetadata;
import io.fingerpost.model.Indicator;
import io.fingerpost.store.Batch;
import io.fingerpost.store.BatchResult;
import io.fingerpost.store.FeedIndicatorStateStore;
import io.fingerpost.store.FeedIndicatorStateStore.FetchError;
import io.fingerpost.store.FeedIndicatorStateStore.State;
import io.fingerpost.store.IndicatorMetadataStore;
import io.fingerpost.store.InitialLoad;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One indicator of a {@code fingertips-next} feed in one poll. The definition has no data-change date, so the
 * data request is conditional on the previous answer's validators ({@code If-None-Match} /
 * {@code If-Modified-Since}): a 304 is the whole poll of an unchanged indicator (one request, no data). A 200 is
 * streamed to a temporary file and parsed whole ({@link FingertipsNextApi#parse}) before anything is written,
 * then the indicator's title and definition are asked for ({@code indicators/{id}}), and its rows, with the
 * indicator as the answer's polarity (or the config's override) makes it, are written in ONE transaction; the
 * metadata (polarity, benchmark method, confidence) goes to the same {@code indicator_metadata} as the classic
 * feed's. A failed request, a cut or malformed body loads nothing of the indicator; the others go on.
 */
final class NextIndicatorLoad {

  private final Vertx vertx;
  private final FingertipsNextApi api;
  private final ObservationStore store;
  private final FeedIndicatorStateStore states;
  private final IndicatorMetadataStore metadata;
  private final String feed;
  private final List<String> areaCodes;
  private final String areaType;
  private final Map<String, IndicatorConfig> overrides;
  private final BooleanSupplier stopping;

  NextIndicatorLoad(Vertx vertx, FingertipsNextApi api, ObservationStore store, FeedIndicatorStateStore states,
                    IndicatorMetadataStore metadata, String feed, List<String> areaCodes, String areaType,
                    Map<String, IndicatorConfig> overrides, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.api = api;
    this.store = store;
    this.states = states;
    this.metadata = metadata;
    this.feed = feed;
    this.areaCodes = areaCodes;
    this.areaType = areaType;
    this.stopping = stopping;
    this.overrides = overrides;
  }

  /**
   * Polls one indicator; fails only when this member lost the feed's lease (cluster) or the feed stopped, any other
   * failure is the outcome's error, also saved in its state.
   */
  Future<IndicatorLoad.Outcome> run(String id, State before, InitialLoad initialLoad) {
    Instant checked = Instant.now();
    String url = api.client().url(FingertipsNextApi.dataPath(id, areaCodes, areaType));
    JsonObject validators = before == null ? new JsonObject() : before.validators().copy();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    JsonObject v = validators.getJsonObject(url);
    // Validators only while the stored rows are complete: after a failure the body must come whole.
    if (v != null && before.lastError() == null) {
      if (v.getString("etag") != null) {
        headers.add("If-None-Match", v.getString("etag"));
      }
      if (v.getString("lastModified") != null) {
        headers.add("If-Modified-Since", v.getString("lastModified"));
      }
    }
    Path[] tmp = new Path[1];
    return vertx.executeBlocking(() -> tmp[0] = Files.createTempFile("fingerpost-next-" + id, ".json"), false)
        .compose(file -> api.data(id, areaCodes, areaType, headers, file))
        .compose(answer -> {
          if (answer.status() == 304) {
            State s = new State(id, before.lastChangedUpstream(), checked, before.lastFetched(), before.lastLoaded(),
                before.dataKey(), validators, before.rowsRead(), null);
            return states.save(feed, s).map(x -> new IndicatorLoad.Outcome(id, true, true, 0, 0, BatchResult.EMPTY,
                0, null));
          }
          return load(id, tmp[0], initialLoad).compose(loaded -> {
            validators.put(url, new JsonObject().put("etag", answer.header("ETag"))
                .put("lastModified", answer.header("Last-Modified")));
            Instant now = Instant.now();
            State s = new State(id, httpDate(answer.header("Last-Modified")), checked, now, now, null, validators,
                loaded.read(), null);
            return states.save(feed, s).map(x -> new IndicatorLoad.Outcome(id, true, false, loaded.read(),
                loaded.rejected(), loaded.written(), 1, null));
          });
        })
        .recover(e -> {
          if (!IndicatorLoad.indicatorsOwn(e, stopping)) {
            return Future.failedFuture(e);
          }
          FetchError error = IndicatorLoad.error(e);
          State s = before == null
              ? new State(id, null, checked, null, null, null, new JsonObject(), null, error)
              : new State(id, before.lastChangedUpstream(), checked, before.lastFetched(), before.lastLoaded(),
                  before.dataKey(), before.validators(), before.rowsRead(), error);
          return states.save(feed, s).otherwiseEmpty()
              .map(x -> new IndicatorLoad.Outcome(id, false, false, 0, 0, BatchResult.EMPTY, 0, error));
        })
        .eventually(() -> vertx.executeBlocking(() -> tmp[0] == null || Files.deleteIfExists(tmp[0]), false));
  }

  private record Loaded(long read, long rejected, BatchResult written) {}

  private Future<Loaded> load(String id, Path file, InitialLoad initialLoad) {
    String source = "fingertips-next:" + feed;
    return vertx.executeBlocking(() -> FingertipsNextApi.parse(file, id, source, null), false)
        .compose(parsed -> api.indicator(id).map(described -> {
          IndicatorConfig ic = overrides.get(id);
          IndicatorMetadata m = parsed.metadata();
          return new IndicatorMetadata(id, source, m.name() != null ? m.name() : described.getString("title"),
              described.getString("definition"), null, null, null, m.polarity(), m.polarityCode(),
              m.benchmarkingMethod(), m.confidenceLevel(), null, ic == null ? Map.of() : ic.given());
        }).compose(m -> {
          Indicator indicator = m.indicator();
          Batch batch = new Batch(Math.max(16, parsed.rows().size()));
          // Each (series, period) once, as the classic reader rejects a repeated one.
          Set<List<Object>> seen = new HashSet<>();
          long rejected = 0;
          for (FingertipsNextApi.Row r : parsed.rows()) {
            if (seen.add(List.of(r.observation().key(), r.observation().period().label()))) {
              batch.add(r.observation(), indicator, r.area());
            } else {
              rejected++;
            }
          }
          batch.addIndicator(indicator);
          long bad = rejected;
          return IndicatorLoad.unlessStopped(stopping).compose(v -> store.writeAtomically(feed, batch, initialLoad))
              .compose(w -> metadata.upsert(List.of(m)).compose(x -> metadata.applyToIndicators(List.of(indicator)))
                  .map(x -> new Loaded(parsed.rows().size(), bad, w)));
        }));
  }

  private static Instant httpDate(String value) {
    try {
      return value == null ? null : ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
