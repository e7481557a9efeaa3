package io.fingerpost.feed.fingertips;

import io.fingerpost.feed.ChunkPlan;
import io.fingerpost.feed.FeedRow;
import io.fingerpost.feed.FileChunks;
import io.fingerpost.feed.ParsedRow;
import io.fingerpost.feed.RejectedRow;
import io.fingerpost.feed.RowReader;
import io.fingerpost.model.Indicator;
import io.fingerpost.store.Batch;
import io.fingerpost.store.BatchResult;
import io.fingerpost.store.FeedChunkStore;
import io.fingerpost.store.FeedIndicatorStateStore;
import io.fingerpost.store.FeedIndicatorStateStore.FetchError;
import io.fingerpost.store.FeedIndicatorStateStore.State;
import io.fingerpost.store.InitialLoad;
import io.fingerpost.store.Lease;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One indicator of a {@code fingertips-api} feed in one poll. Asks the API when the indicator's data last changed
 * ({@code data_changes}); when that and the feed's area types are what the latest load covered, nothing more is
 * requested. Otherwise each area type's export is requested with the validators of the previous answer
 * ({@code If-None-Match} / {@code If-Modified-Since}; a 304 downloads nothing) and streamed to a temporary file;
 * the files are cut into chunks ({@link FileChunks}) and only chunks the latest load did not store are parsed.
 * The indicator's rows are then written in ONE transaction ({@link ObservationStore#writeAtomically}), so a
 * failed request, a body cut short or a body that is not a complete Fingertips CSV (broken quoting, missing
 * columns) loads nothing of it; the others go on. Rows of the changed chunks are held in memory until the
 * commit (one indicator's share of the export).
 */
final class IndicatorLoad {

  /** What one indicator's poll did. {@code downloaded}: data answers with a body (200). */
  record Outcome(String indicatorId, boolean ok, boolean unchanged, long read, long rejected, BatchResult written,
                 int downloaded, FetchError error) {}

  /** The feed's stop reached this indicator before its transaction: nothing of it is written. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped by the service's stop", null, false, false);
    }
  }

  /**
   * Fails with {@link Stopped} once the feed stops: called before an indicator's transaction, its safe point.
   */
  static Future<Void> unlessStopped(BooleanSupplier stopping) {
    return stopping.getAsBoolean() ? Future.failedFuture(new Stopped()) : Future.succeededFuture();
  }

  /**
   * Whether a failure is the indicator's own (saved in its state): not when this member lost the feed's lease (the
   * new holder loads it) nor once the feed stops (what the stop cut is polled again at the next start).
   */
  static boolean indicatorsOwn(Throwable e, BooleanSupplier stopping) {
    return !Lease.isLost(e) && !stopping.getAsBoolean();
  }

  private final Vertx vertx;
  private final FingertipsApi api;
  private final ObservationStore store;
  private final FeedChunkStore chunks;
  private final FeedIndicatorStateStore states;
  private final String feed;
  private final String configSeed;
  private final List<Integer> areaTypes;
  private final int parentAreaType;
  private final BooleanSupplier stopping;

  IndicatorLoad(Vertx vertx, FingertipsApi api, ObservationStore store, FeedChunkStore chunks,
                FeedIndicatorStateStore states, String feed, String configSeed, List<Integer> areaTypes,
                int parentAreaType, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.api = api;
    this.store = store;
    this.chunks = chunks;
    this.states = states;
    this.feed = feed;
    this.configSeed = configSeed;
    this.areaTypes = areaTypes;
    this.parentAreaType = parentAreaType;
    this.stopping = stopping;
  }

  /**
   * Polls one indicator; fails only when this member lost the feed's lease (cluster) or the feed stopped, any other
   * failure is the outcome's error, also saved in its state.
   */
  Future<Outcome> run(String id, Indicator indicator, State before, InitialLoad initialLoad) {
    Instant checked = Instant.now();
    // A mirror without data_changes still polls politely: the conditional requests decide then.
    return api.dataChanged(id).map(t -> new Object[] {t}).otherwise(e -> new Object[] {null, e})
        .compose(changed -> {
          Instant upstream = (Instant) changed[0];
          String key = dataKey(upstream, changed.length > 1);
          if (before != null && before.lastError() == null && key != null && key.equals(before.dataKey())) {
            State s = new State(id, upstream, checked, before.lastFetched(), before.lastLoaded(), key,
                before.validators(), before.rowsRead(), null);
            return states.save(feed, s).map(v -> new Outcome(id, true, true, 0, 0, BatchResult.EMPTY, 0, null));
          }
          return fetch(id, indicator, before, upstream, key, checked, initialLoad);
        })
        .recover(e -> {
          if (!indicatorsOwn(e, stopping)) {
            return Future.failedFuture(e);
          }
          FetchError error = error(e);
          State s = before == null
              ? new State(id, null, checked, null, null, null, new JsonObject(), null, error)
              : new State(id, before.lastChangedUpstream(), checked, before.lastFetched(), before.lastLoaded(),
                  before.dataKey(), before.validators(), before.rowsRead(), error);
          return states.save(feed, s).otherwiseEmpty()
              .map(v -> new Outcome(id, false, false, 0, 0, BatchResult.EMPTY, 0, error));
        });
  }

  /** What a load covers: the upstream change date and the feed's data settings (null: unknown upstream). */
  private String dataKey(Instant upstream, boolean unknown) {
    return unknown || upstream == null ? null : upstream + "|" + areaTypes + "|" + parentAreaType + "|" + configSeed;
  }

  private record Download(int areaType, String url, int status, Path file, String etag, String lastModified) {}

  private Future<Outcome> fetch(String id, Indicator indicator, State before, Instant upstream, String key,
                                Instant checked, InitialLoad initialLoad) {
    JsonObject validators = before == null ? new JsonObject() : before.validators().copy();
    List<Future<Download>> downloads = new ArrayList<>();
    for (int areaType : areaTypes) {
      String url = api.client().url(FingertipsApi.allDataPath(id, areaType, parentAreaType));
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      JsonObject v = validators.getJsonObject(url);
      // Validators only while the stored rows are complete: after a failure the body must come whole.
      if (v != null && before != null && before.lastError() == null) {
        if (v.getString("etag") != null) {
          headers.add("If-None-Match", v.getString("etag"));
        }
        if (v.getString("lastModified") != null) {
          headers.add("If-Modified-Since", v.getString("lastModified"));
        }
      }
      downloads.add(vertx.executeBlocking(() -> Files.createTempFile("fingerpost-" + id + "-" + areaType, ".csv"))
          .compose(tmp -> api.allData(id, areaType, parentAreaType, headers, tmp)
              .map(a -> new Download(areaType, url, a.status(), tmp, a.header("ETag"), a.header("Last-Modified")))
              .onFailure(e -> delete(List.of(tmp)))));
    }
    return Future.join(downloads).transform(ar -> {
      List<Download> got = new ArrayList<>();
      for (Future<Download> d : downloads) {
        if (d.succeeded()) {
          got.add(d.result());
        }
      }
      if (ar.failed()) {
        Throwable first = downloads.stream().filter(Future::failed).findFirst().map(Future::cause).orElse(ar.cause());
        return delete(got.stream().map(Download::file).toList()).transform(x -> Future.<Outcome>failedFuture(first));
      }
      return load(id, indicator, got, initialLoad).compose(loaded -> {
        for (Download d : got) {
          if (d.status() == 200) {
            validators.put(d.url(), new JsonObject().put("etag", d.etag()).put("lastModified", d.lastModified()));
          }
        }
        int bodies = (int) got.stream().filter(d -> d.status() == 200).count();
        Instant now = Instant.now();
        State s = new State(id, upstream, checked, bodies > 0 ? now : before == null ? null : before.lastFetched(),
            now, key, validators, loaded.read(), null);
        return states.save(feed, s).map(v -> new Outcome(id, true, bodies == 0, loaded.read(), loaded.rejected(),
            loaded.written(), bodies, null));
      }).eventually(() -> delete(got.stream().map(Download::file).toList()));
    });
  }

  private record Loaded(long read, long rejected, BatchResult written) {}

  /** One parsed area-type file: its plan and where its chunks are stored. */
  private record Planned(String chunkKey, ChunkPlan plan) {}

  /** Parses the changed chunks of every 200 answer into one batch, writes it in one transaction. */
  private Future<Loaded> load(String id, Indicator indicator, List<Download> got, InitialLoad initialLoad) {
    List<Download> bodies = got.stream().filter(d -> d.status() == 200).toList();
    if (bodies.isEmpty()) {
      return Future.succeededFuture(new Loaded(0, 0, BatchResult.EMPTY));
    }
    List<Future<Map<String, FeedChunkStore.StoredChunk>>> known = new ArrayList<>();
    for (Download d : bodies) {
      known.add(chunks.load(chunkKey(id, d.areaType())));
    }
    return Future.all(known).compose(all -> vertx.executeBlocking(() -> {
      Batch batch = new Batch(1024);
      long read = 0;
      long rejected = 0;
      List<Planned> planned = new ArrayList<>();
      // England and the parent areas come in every area type's export: each (series, period) once per batch.
      java.util.Set<List<Object>> seen = new java.util.HashSet<>();
      for (int i = 0; i < bodies.size(); i++) {
        Download d = bodies.get(i);
        ChunkPlan plan = new ChunkPlan(FileChunks.of(d.file(), configSeed + "|" + d.areaType(),
            FileChunks.defaultAverageBytes()), all.resultAt(i));
        try (RowReader reader = plan.open()) {
          while (reader.hasNext()) {
            FeedRow row = reader.next();
            if (row instanceof ParsedRow p && p.observation().key().indicatorId().equals(id)) {
              if (seen.add(List.of(p.observation().key(), p.observation().period().label()))) {
                batch.add(p.observation(), p.indicator(), p.area());
              }
              read++;
            } else if (row instanceof RejectedRow) {
              rejected++;
              read++;
            }
          }
          if (!reader.unread().isEmpty()) {
            throw new java.io.IOException("malformed CSV from " + d.url() + ": lines " + reader.unread().get(0).from()
                + " on could not be read; nothing of indicator " + id + " is loaded");
          }
        }
        read += plan.skippedRecords();
        planned.add(new Planned(chunkKey(id, d.areaType()), plan));
      }
      batch.addIndicator(indicator);
      return new Object[] {batch, read, rejected, planned};
    }, false)).compose(parsed -> {
      Batch batch = (Batch) parsed[0];
      @SuppressWarnings("unchecked")
      List<Planned> planned = (List<Planned>) parsed[3];
      Future<BatchResult> written = batch.isEmpty() ? Future.succeededFuture(BatchResult.EMPTY)
          : unlessStopped(stopping).compose(v -> store.writeAtomically(feed, batch, initialLoad));
      return written.compose(w -> {
        Future<Void> saved = Future.succeededFuture();
        for (Planned p : planned) {
          saved = saved.compose(v -> chunks.replace(p.chunkKey(), p.plan().toStore(List.of(), List.of())));
        }
        return saved.map(v -> new Loaded((Long) parsed[1], (Long) parsed[2], w));
      });
    });
  }

  /** The chunks of one indicator and area type are stored under this key of {@code feed_chunk}. */
  private String chunkKey(String id, int areaType) {
    return feed + "/" + id + "/" + areaType;
  }

  private Future<Void> delete(List<Path> files) {
    return vertx.executeBlocking(() -> {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      return null;
    }, false);
  }

  static FetchError error(Throwable e) {
    Instant now = Instant.now();
    if (e instanceof FingertipsClient.RequestFailed f) {
      return new FetchError(f.getMessage(), f.url(), f.status(), now);
    }
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    String url = null;
    int at = msg.indexOf("http");
    if (at >= 0) {
      url = msg.substring(at).split("\\s", 2)[0].replaceAll("[:;,]$", "");
    }
    return new FetchError(msg, url, null, now);
  }
}
