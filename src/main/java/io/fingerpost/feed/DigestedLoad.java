package io.fingerpost.feed;

import io.fingerpost.event.Events;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.Batch;
import io.fingerpost.store.BatchResult;
import io.fingerpost.store.InitialLoad;
import io.fingerpost.store.LoadProfile;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.Rejection;
import io.fingerpost.store.SeriesDigestStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A whole read of a source by the feed's per-series digests (issue 14; {@link SeriesDigestStore}, V90).
 *
 * <ul>
 *   <li>The feed has no digest (a first poll, or a read after the digests were dropped): one pass, the
 *       {@link FeedLoader} pipeline as before, digests computed on the way and saved after the load succeeded.
 *   <li>Otherwise pass 1 parses the whole source, computing each series' digest and the rejections, and sends no
 *       row to the store; its indicators and areas are upserted as every read does. The feed's digests are then
 *       fetched (after pass 1: a row changed meanwhile, plain SQL included, has dropped its digest by then). A series
 *       whose digest matches, and which no other writer changed since the read began ({@code SeriesChanged}
 *       events, followed from before pass 1), is unchanged: counted, not sent. If any series is new or differs, its
 *       digests are deleted (committed) and pass 2 reads the source again through the pipeline with the unchanged
 *       series skipped; then the written series' digests are saved, less those another writer changed meanwhile.
 * </ul>
 *
 * The result is the pipeline's for the same source and store. A series' digest is saved only after the load's
 * writes of all its rows committed; a failed load saves none, and had deleted those of the series it wrote.
 */
final class DigestedLoad {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DigestedLoad.class);

  /** Rows pass 1 parses per worker task (the reader is sequential; a task does not hold a worker for long). */
  private static final int PASS_ROWS = 100_000;

  private final FeedLoader loader;
  private final ObservationStore store;
  private final SeriesDigestStore digests;
  private final Vertx vertx;
  private final String feed;
  private final String sourceName;
  private final Callable<RowReader> open;
  private final Map<String, Indicator> configured;
  private final InitialLoad initialLoad;
  private final long expectedRows;
  /** Series another writer changed since the read began (from the events; this feed's own are not counted). */
  private final Set<SeriesKey> touched = ConcurrentHashMap.newKeySet();

  DigestedLoad(FeedLoader loader, ObservationStore store, Vertx vertx, String feed, String sourceName,
               Callable<RowReader> open, Map<String, Indicator> configured, InitialLoad initialLoad,
               long expectedRows) {
    this.loader = loader;
    this.store = store;
    this.digests = store.digests();
    this.vertx = vertx;
    this.feed = feed;
    this.sourceName = sourceName;
    this.open = open;
    this.configured = configured;
    this.initialLoad = initialLoad;
    this.expectedRows = expectedRows;
  }

  Future<FeedLoader.Result> run() {
    MessageConsumer<SeriesChanged> consumer = Events.consumer(vertx, SeriesChanged.ADDRESS, e -> {
      if (!feed.equals(e.feed())) {
        e.series().forEach(i -> touched.add(i.key()));
      }
    });
    long t = System.nanoTime();
    return consumer.completion()
        .compose(v -> digests.any(feed))
        .onComplete(ar -> LoadProfile.add(LoadProfile.Step.DIGEST_CHECK, t))
        .compose(any -> any ? twoPasses() : onePass())
        .eventually(consumer::unregister);
  }

  /** No digests: the pipeline as before, digesting every row; the digests saved once it succeeded. */
  private Future<FeedLoader.Result> onePass() {
    SeriesDigester digester = new SeriesDigester();
    return digests.forget(feed, null).compose(v -> writeAndSave(expectedRows, null, digester, Set.of(), () -> null));
  }

  /**
   * The pipeline (rows of {@code skip} not sent), then, once {@code verify} passed, the digests of what it read less
   * {@code kept}. Their save begins as soon as the source is read to its end, on its own connection while the last
   * batches still write, and commits only after the load's last commit (a failed load rolls it back): what the load's
   * tail waits for is the save's end, not all of it (issue 14).
   */
  private Future<FeedLoader.Result> writeAndSave(long rows, Set<SeriesKey> skip, SeriesDigester digester,
                                                 Set<SeriesKey> kept, Supplier<IOException> verify) {
    Promise<Void> parsed = Promise.promise();
    // a stage that could not begin leaves the save to the load's end
    Future<Early> early = parsed.future().compose(v -> stage(digester, kept)).otherwise(new Early(null, null));
    return loader.pipeline(feed, sourceName, open, configured, initialLoad, rows, skip, digester, parsed)
        .compose(result -> {
          IOException wrong = verify.get();
          return wrong != null ? Future.<FeedLoader.Result>failedFuture(wrong)
              : early.compose(e -> finish(e, digester, kept)).map(result);
        })
        .onFailure(e -> early.onSuccess(Early::abort));
  }

  /** A save begun at the end of the parse ({@code save} null: none, the digests are saved after the load). */
  private record Early(Digests computed, SeriesDigestStore.Staged save) {
    void abort() {
      if (save != null) {
        save.abort();
      }
    }
  }

  private Future<Early> stage(SeriesDigester digester, Set<SeriesKey> kept) {
    return digestsOf(digester, kept).map(d -> new Early(d, digests.stage(feed, d.keys(), d.digests())));
  }

  /**
   * Commits the staged save, unless an indicator's kind changed since it was staged (the last batches' metadata) or it
   * failed: then it is rolled back and the digests saved anew.
   */
  private Future<Void> finish(Early early, SeriesDigester digester, Set<SeriesKey> kept) {
    if (early.save() == null) {
      return save(digester, kept);
    }
    return digests.kinds(early.computed().indicators()).compose(kinds -> {
      if (!kinds.equals(early.computed().kinds())) {
        early.abort();
        return save(digester, kept);
      }
      long[] forget = touched.stream().mapToLong(SeriesDigester::keyHash).toArray();
      return early.save().commit(forget).<Void>mapEmpty().recover(e -> {
        LOG.debug("Feed {}: the digests staged during the load were not saved ({}); saving them now", feed, e.toString());
        return save(digester, kept);
      });
    });
  }

  /** What pass 1 found besides the digests. */
  private record Parsed(long read, long rejected, List<Rejection> rejections, List<RowReader.LineRange> unread) {}

  private Future<FeedLoader.Result> twoPasses() {
    SeriesDigester first = new SeriesDigester();
    Batch metadata = new Batch(0);
    long t = System.nanoTime();
    return parse(first, metadata).compose(parsed -> {
      LoadProfile.add(LoadProfile.Step.DIGEST_PASS, t);
      long tm = System.nanoTime();
      return store.upsertMetadata(metadata)
          .compose(v -> digests.kinds(metadata.indicators().keySet()))
          .onComplete(ar -> LoadProfile.add(LoadProfile.Step.DIGEST_METADATA, tm))
          .compose(kinds -> {
            // a digest a series (100k at national scale), on a worker; it needs nothing stored, so it is computed
            // while the stored digests are fetched (which must wait for pass 1's end, see above)
            Future<Computed> computed = vertx.executeBlocking(() -> {
              long tc = System.nanoTime();
              List<SeriesDigester.Sum> sums = first.sums();
              Computed out = new Computed(sums, SeriesDigester.digests(feed, sums, kinds));
              LoadProfile.add(LoadProfile.Step.DIGEST_COMPUTE, tc);
              return out;
            }, false);
            return digests.load(feed).compose(stored -> computed.compose(mine -> vertx.executeBlocking(() -> {
              long tc = System.nanoTime();
              Plan plan = compare(mine, stored);
              LoadProfile.add(LoadProfile.Step.DIGEST_COMPARE, tc);
              return plan;
            }, false)));
          })
          .compose(plan -> {
            if (plan.changed.isEmpty()) {
              return Future.succeededFuture(new FeedLoader.Result(parsed.read(), parsed.rejected(),
                  new BatchResult(0, 0, first.rows(), 0), parsed.rejections(), parsed.unread()));
            }
            return secondPass(first, plan);
          });
    });
  }

  /** The series to write again (new or differing or touched) and those to skip, with their rows. */
  private record Plan(Set<SeriesKey> unchanged, long unchangedRows, List<SeriesKey> changed) {}

  /** Pass 1's sums and their digests, in the same order. */
  private record Computed(List<SeriesDigester.Sum> sums, SeriesDigestStore.Digest[] digests) {}

  private Plan compare(Computed mine, SeriesDigestStore.DigestTable stored) {
    List<SeriesDigester.Sum> sums = mine.sums();
    boolean[] same = new boolean[sums.size()];
    List<SeriesKey> changed = new ArrayList<>();
    long unchangedRows = 0;
    for (int i = 0; i < same.length; i++) {
      SeriesDigester.Sum s = sums.get(i);
      SeriesDigestStore.Digest d = mine.digests()[i];
      same[i] = stored.matches(d.keyHash(), d.a(), d.b()) && !touched.contains(s.key);
      if (same[i]) {
        unchangedRows += s.rows;
      } else {
        changed.add(s.key);
      }
    }
    if (changed.isEmpty()) {
      return new Plan(Set.of(), unchangedRows, changed); // nothing to read again: no set of what to skip
    }
    Set<SeriesKey> unchanged = new HashSet<>(Math.max(16, (sums.size() - changed.size()) * 2));
    for (int i = 0; i < same.length; i++) {
      if (same[i]) {
        unchanged.add(sums.get(i).key);
      }
    }
    return new Plan(unchanged, unchangedRows, changed);
  }

  private Future<FeedLoader.Result> secondPass(SeriesDigester first, Plan plan) {
    long[] forget = new long[plan.changed.size()];
    for (int i = 0; i < forget.length; i++) {
      forget[i] = SeriesDigester.keyHash(plan.changed.get(i));
    }
    SeriesDigester second = new SeriesDigester();
    long toWrite = first.rows() - plan.unchangedRows;
    LOG.debug("Feed {}: {} of {} series changed or new by their digests; reading again for {} rows", feed,
        plan.changed.size(), first.series(), toWrite);
    return digests.forget(feed, forget).compose(v -> writeAndSave(toWrite, plan.unchanged, second, plan.unchanged,
        () -> {
          for (SeriesKey k : plan.unchanged) {
            if (!sameSum(first.sum(k), second.sum(k))) {
              // the source changed between the passes: what pass 2 skipped was judged on other rows
              return new IOException("the source changed while it was read (series " + k + "); read it again");
            }
          }
          return null;
        }));
  }

  private static boolean sameSum(SeriesDigester.Sum f, SeriesDigester.Sum s) {
    return f != null && s != null && f.a == s.a && f.b == s.b && f.rows == s.rows;
  }

  /** Saves the digests of the series {@code digester} saw, less {@code kept} (theirs stand) and those touched. */
  private Future<Void> save(SeriesDigester digester, Set<SeriesKey> kept) {
    return digestsOf(digester, kept).compose(d -> digests.save(feed, d.keys(), d.digests())).mapEmpty();
  }

  /** The digests to save and the indicator kinds they cover. */
  private record Digests(Set<String> indicators, Map<String, String> kinds, List<SeriesKey> keys,
                         List<SeriesDigestStore.Digest> digests) {}

  /** The digests of the series {@code digester} saw, less {@code kept} and those touched so far (on a worker). */
  private Future<Digests> digestsOf(SeriesDigester digester, Set<SeriesKey> kept) {
    Set<String> indicators = new HashSet<>();
    for (SeriesDigester.Sum s : digester.sums()) {
      indicators.add(s.key.indicatorId());
    }
    return digests.kinds(indicators).compose(kinds -> vertx.executeBlocking(() -> {
      List<SeriesKey> keys = new ArrayList<>();
      List<SeriesDigestStore.Digest> out = new ArrayList<>();
      for (SeriesDigester.Sum s : digester.sums()) {
        if (!kept.contains(s.key) && !touched.contains(s.key)) {
          keys.add(s.key);
          out.add(SeriesDigester.digest(feed, s, kinds));
        }
      }
      return new Digests(indicators, kinds, keys, out);
    }, false));
  }

  /** Pass 1: every row digested, rejections and metadata collected, nothing stored. Worker tasks. */
  private Future<Parsed> parse(SeriesDigester digester, Batch metadata) {
    return vertx.executeBlocking(open, false).compose(reader -> {
      reader.expectRows(expectedRows);
      Pass pass = new Pass(reader, digester, metadata);
      return step(pass).eventually(() -> vertx.executeBlocking(() -> {
        reader.close();
        return null;
      }, false));
    });
  }

  private Future<Parsed> step(Pass pass) {
    return vertx.executeBlocking(pass::some, false).compose(more -> more ? step(pass)
        : Future.succeededFuture(pass.done()));
  }

  /** Pass 1's reading state; one task at a time. */
  private final class Pass {
    final RowReader reader;
    final SeriesDigester digester;
    final Batch metadata;
    final List<Rejection> rejections = new ArrayList<>();
    Indicator indicator;
    Area area;
    long read;
    long rejected;

    Pass(RowReader reader, SeriesDigester digester, Batch metadata) {
      this.reader = reader;
      this.digester = digester;
      this.metadata = metadata;
    }

    /** Parses up to {@link #PASS_ROWS} rows; whether any are left. */
    boolean some() {
      // the CSV readers hand out a row's parts without building it (no Observation, boxed numbers, ParsedRow)
      PartsReader csv = reader instanceof PartsReader f ? f : null;
      RowParts parts = new RowParts();
      for (int n = 0; n < PASS_ROWS; n++) {
        if (!reader.hasNext()) {
          return false;
        }
        read++;
        FeedRow row;
        if (csv != null) {
          row = csv.nextParts();
          if (row == null) {
            parsed(csv.parts());
            continue;
          }
        } else {
          row = reader.next();
          if (row instanceof ParsedRow p) {
            parts.of(p.observation(), p.indicator(), p.area()).line = p.line();
            parts.warnings = p.warnings();
            parsed(parts);
            continue;
          }
        }
        rejected += FeedLoader.keepRejection(row, sourceName, rejections) ? 1 : 0;
      }
      return true;
    }

    private void parsed(RowParts p) {
      digester.add(p);
      // readers hand out the same metadata object for consecutive rows: merged once
      if (p.indicator != null && p.indicator != indicator) {
        metadata.addIndicator(indicator = p.indicator);
      }
      if (p.area != null && p.area != area) {
        metadata.addArea(area = p.area);
      }
      FeedLoader.keepWarnings(p.warnings, p.line, sourceName, rejections);
    }

    Parsed done() {
      FeedLoader.applyConfigured(metadata, configured);
      return new Parsed(read, rejected, List.copyOf(rejections), reader.unread());
    }
  }
}
