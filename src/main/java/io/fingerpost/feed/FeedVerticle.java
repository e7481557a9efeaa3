package io.fingerpost.feed;

import io.fingerpost.meters.FingerpostMetrics;

import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.IndicatorConfig;
import io.fingerpost.config.Resource;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.model.Indicator;
import io.fingerpost.store.FeedChunkStore;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.Lease;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One polled feed ({@code fingertips-csv} or {@code tidy-csv}, from a file, a resource in the jar or an
 * http(s) URL) on its own timer. A poll fetches the source (an URL is downloaded to a temporary file
 * first, so a failed or truncated download changes nothing), skips the read when the source is the
 * one already loaded (same fingerprint: SHA-256 of the content, whether a file, downloaded or bundled,
 * and the feed's configuration), otherwise streams it through the reader into the
 * store. A Fingertips file whose fingerprint changed is cut into chunks ({@link FileChunks}) and only
 * the chunks the latest successful read did not load are parsed ({@link ChunkPlan}). Between polls ({@link FeedRetry}): a
 * failed poll is retried with exponential backoff ({@code retry}); every poll's outcome goes
 * to {@code feed_status}, the {@link FeedBoard} and the event bus.
 */
public final class FeedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FeedVerticle.class);

  private final FeedConfig config;
  private final Resource source;
  private final ObservationStore store;
  private final FeedStatusStore status;
  private final FeedChunkStore chunkStore;
  private final Map<String, Indicator> configured = new HashMap<>();
  /** Chunks of the latest read and how many were skipped (null: not chunked). */
  private int[] lastChunks;
  private HttpClient http;
  /** The timer, lease, failure count with backoff, and status between polls (shared with the API feeds). */
  private final FeedRetry retry;
  /** Set by {@link #stop()}: the load in progress ends at its next batch boundary ({@link StoppableReader}). */
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** Completes when the poll under way has ended (null: none has started). */
  private Future<Void> pollUnderWay;

  public FeedVerticle(FeedConfig config, Resource source, ObservationStore store, FeedStatusStore status) {
    this(config, source, store, status, null, null);
  }

  /**
   * A feed polled only while this member holds {@code lease} (cluster): a member that does not hold it looks
   * again every {@code leaseCheck}, and polls at once when it takes the lease over.
   */
  public FeedVerticle(FeedConfig config, Resource source, ObservationStore store, FeedStatusStore status,
                      Lease lease, java.time.Duration leaseCheck) {
    this.retry = new FeedRetry(config, source.describe(), status, lease, leaseCheck, LOG);
    if (lease != null) {
      store.fence(config.name(), lease);
    }
    this.config = config;
    this.source = source;
    this.store = store;
    this.status = status;
    this.chunkStore = new FeedChunkStore(store.pool());
    for (IndicatorConfig ic : config.indicators()) {
      configured.put(ic.id(), ic.toIndicator());
    }
  }

  @Override
  public Future<?> start() {
    if (source instanceof Resource.Url) {
      http = vertx.createHttpClient(new HttpClientOptions()
          .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeoutOrDefault().toMillis())));
    }
    io.fingerpost.meters.FingerpostMetrics.of(vertx).feedConfigured(config.name(), config.intervalOrDefault());
    retry.start(vertx, this::poll);
    return Future.succeededFuture();
  }

  /**
   * Stops polling; a poll under way ends at a safe point: its load at the next batch boundary (the batches
   * committed stay; no fingerprint or chunks are stored, so the next start reads the source again), a download at
   * once (the client closes). Completes when it has ended; the service's stop bounds the wait (App.stop).
   */
  @Override
  public Future<?> stop() {
    retry.stop();
    stopping.set(true);
    Future<Void> closed = http == null ? Future.succeededFuture() : http.close();
    return Future.join(closed, pollUnderWay == null ? Future.succeededFuture() : pollUnderWay);
  }

  /**
   * The source as fetched: how to open it, its fingerprint, a temporary file to delete after, the local file to
   * cut. On a first poll of a file to cut, the fingerprint is null: the cut computes the content hash in its own
   * pass ({@code fingerprintOf} makes it the fingerprint) and {@code stamp} is the file's when fetched.
   */
  private record Fetched(Callable<RowReader> open, String fingerprint, Path tempFile, Path localFile,
                         UnaryOperator<String> fingerprintOf, String stamp) {}

  /** A read's load and the file's chunks (null: not cut, or the cut failed: the next poll reads it whole). */
  private record Loaded(FeedLoader.Result result, ChunkPlan chunks) {}

  private void poll() {
    if (!retry.begin()) {
      return;
    }
    // at most LoadPermits' number of polls at once in this process: hundreds of feeds polling together would
    // wait on the database pool until their statements time out, and fail and retry over and over
    LoadPermits permits = LoadPermits.of(vertx);
    permits.acquire().onComplete(ar -> {
      if (retry.stopped()) {
        permits.release();
      } else {
        pollWithPermit(permits);
      }
    });
  }

  private void pollWithPermit(LoadPermits permits) {
    long started = System.nanoTime();
    long[] stored = {0}; // when the read's rows were stored (its load's last commit); 0: nothing read
    Promise<Void> ended = Promise.promise();
    pollUnderWay = ended.future();
    status.pollStarted(config.name(), config.type(), source.describe())
        .compose(previous -> fetch(!previous.succeededBefore()).compose(fetched -> {
          Future<FeedStatusStore.PollCounts> done;
          if (previous.succeededBefore() && previous.sourceFingerprint() != null
              && previous.sourceFingerprint().equals(fetched.fingerprint())) {
            retry.warning(previous.warning()); // the source as it was: so is its warning (also after a restart)
            done = status.pollSucceeded(config.name(), null, fetched.fingerprint(), retry.nextPoll()).map(v -> null);
          } else {
            // A later poll cuts the file first, to skip the chunks loaded before. A first poll reads the whole file
            // and cuts it after its rows are stored (the chunks are for the next read): cut at the same time, the
            // cut took CPU from the load and the rows were stored ~0.5 s later in a 5 s load, for the same end of
            // the poll (bench-load on 2 cores, issue 14); cut first, the load started later.
            boolean skipKnown = previous.succeededBefore();
            Future<ChunkPlan> known = skipKnown ? plan(fetched, true) : Future.succeededFuture(null);
            done = known.compose(plan -> new FeedLoader(vertx, store)
                .load(config.name(), source.describe(), () -> StoppableReader.of(plan == null ? fetched.open().call()
                        : plan.open(), stopping), configured,
                    previous.initialLoad(), plan == null ? -1 : plan.recordsToRead(),
                    plan == null || plan.skippedChunks() == 0)
                .compose(result -> {
                  stored[0] = System.nanoTime();
                  return (skipKnown ? known : plan(fetched, false)).otherwiseEmpty()
                      .map(chunks -> new Loaded(result, chunks));
                })
                .compose(loaded -> {
                  FeedLoader.Result result = loaded.result();
                  ChunkPlan chunks = loaded.chunks();
                  long skippedRows = plan == null ? 0 : plan.skippedRecords();
                  long skippedRejected = plan == null ? 0 : plan.skippedRejected();
                  List<Rejection> rejections = plan == null ? result.rejections()
                      : plan.rejections(source.describe(), result.rejections());
                  long read = result.read() + skippedRows;
                  FeedStatusStore.PollCounts counts = new FeedStatusStore.PollCounts(read,
                      result.written().inserted(), result.written().updated(),
                      result.written().unchanged() + skippedRows - skippedRejected,
                      result.rejected() + skippedRejected,
                      previous.succeededBefore() ? rowDrop(previous.rowsRead(), read) : null);
                  retry.warning(counts.warning());
                  if (counts.warning() != null) {
                    LOG.warn("Feed {}: {}", config.name(), counts.warning());
                  }
                  lastChunks = chunks == null ? null : new int[] {chunks.chunks(), chunks.skippedChunks()};
                  rejections.stream().filter(r -> !r.isWarning()).findFirst().ifPresent(first -> LOG.warn(
                      "Feed {}: {} rows rejected, first: line {}: {}", config.name(), counts.rejected(),
                      first.line(), first.reason()));
                  return status.replaceRejections(config.name(), rejections)
                      .compose(v -> chunks == null ? Future.succeededFuture(false)
                          : vertx.executeBlocking(() -> chunks.unchangedOnDisk(fetched.stamp()), false))
                      .compose(same -> (chunks == null ? Future.<Void>succeededFuture() : chunkStore.replace(
                              config.name(), same ? chunks.toStore(result.rejections(), result.unread()) : List.of()))
                          .compose(v -> status.pollSucceeded(config.name(), counts,
                              sourceFingerprint(fetched, same ? chunks : null), retry.nextPoll())))
                      .map(v -> counts);
                }));
          }
          return done.eventually(() -> deleteTemp(fetched.tempFile()));
        }))
        .onComplete(ar -> {
          permits.release();
          ended.complete();
          if (ar.failed() && stopping.get()) { // what the stop cut is not a failure of the feed
            LOG.info("Feed {}: poll ended by the service's stop{}; the batches it committed stay, the source is"
                + " read again at the next start", config.name(),
                ar.cause() instanceof StoppableReader.Stopped ? "" : " (" + ar.cause().getMessage() + ")");
            return;
          }
          double seconds = (System.nanoTime() - started) / 1e9;
          FeedStatusStore.PollCounts polled = ar.succeeded() ? ar.result() : null;
          io.fingerpost.meters.FingerpostMetrics.of(vertx).feedPolled(config.name(),
              java.time.Duration.ofNanos(System.nanoTime() - started), ar.succeeded(),
              polled == null ? 0 : polled.read(), polled == null ? 0 : polled.rejected());
          if (ar.succeeded()) {
            succeeded(ar.result(), seconds, stored[0] == 0 ? seconds : (stored[0] - started) / 1e9);
          } else {
            retry.failed(ar.cause());
          }
        });
  }

  /** {@code storedSeconds}: from the poll's start to its rows stored (the rest: chunks, status; see Read). */
  private void succeeded(FeedStatusStore.PollCounts counts, double seconds, double storedSeconds) {
    FeedStatus.Rows rows = null;
    FeedStatus.Chunks chunks = null;
    if (counts != null) {
      rows = new FeedStatus.Rows(counts.read(), counts.inserted(), counts.updated(), counts.unchanged(),
          counts.rejected());
      chunks = lastChunks == null ? null : new FeedStatus.Chunks(lastChunks[0], lastChunks[1]);
      LOG.info("Feed {}: read {} rows in {}s (stored after {}s): {} new, {} revised, {} unchanged, {} rejected",
          config.name(), counts.read(), String.format("%.2f", seconds), String.format("%.2f", storedSeconds),
          counts.inserted(), counts.updated(), counts.unchanged(), counts.rejected());
    } else {
      LOG.debug("Feed {}: source unchanged", config.name());
    }
    retry.succeeded(new FeedStatus.Read(counts == null, Math.round(seconds * 1000), rows, chunks,
        Math.round(storedSeconds * 1000)));
  }

  /** A read whose row count falls by this share or more against the read before is suspect. */
  static final double SHARP_DROP = 0.25;

  /**
   * The warning for a read of {@code now} rows after one of {@code before} (null: no sharp fall). A source
   * that lost rows (a truncated export, a filter gone wrong) still reads without error; its stored rows stay,
   * but nothing new arrives for what it lost.
   */
  static String rowDrop(long before, long now) {
    if (before <= 0 || now > before * (1 - SHARP_DROP)) {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "rows read fell from %d to %d (-%.0f%%) against the previous read:"
        + " is the source complete?", before, now, 100.0 * (before - now) / before);
  }

  /**
   * The fingerprint to store for the read: the fetched one, or on a first poll the cut's content hash of a file
   * that did not change while it was read (null otherwise: the next poll reads the source again, never skips a
   * change; the file the loader read and the one the cut hashed are the same only if their stamps are).
   */
  private static String sourceFingerprint(Fetched fetched, ChunkPlan unchangedChunks) {
    if (fetched.fingerprint() != null) {
      return fetched.fingerprint();
    }
    return unchangedChunks == null || unchangedChunks.contentHash() == null ? null
        : fetched.fingerprintOf().apply(unchangedChunks.contentHash());
  }

  /**
   * For a Fingertips file: cuts it into chunks and skips those the feed's latest successful read
   * loaded (null: read the whole source as it is).
   */
  private Future<ChunkPlan> plan(Fetched fetched, boolean succeededBefore) {
    if (fetched.localFile() == null || !FeedConfig.FINGERTIPS_CSV.equals(config.type())) {
      return Future.succeededFuture(null);
    }
    Future<Map<String, FeedChunkStore.StoredChunk>> stored = succeededBefore
        ? chunkStore.load(config.name()) : Future.succeededFuture(Map.of());
    String seed = Integer.toHexString(config.toString().hashCode());
    return stored.compose(known -> vertx.executeBlocking(() -> new ChunkPlan(fetched.fingerprint() == null
        ? FileChunks.withContentHash(fetched.localFile(), seed, FileChunks.defaultAverageBytes())
        : FileChunks.of(fetched.localFile(), seed, FileChunks.defaultAverageBytes()), known), false));
  }

  /**
   * Fetches the source and fingerprints it, except on a {@code firstPoll} of a local file to cut, whose cut
   * hashes it in the same pass (nothing to compare with yet: the load starts at once, without a pass of its own).
   */
  private Future<Fetched> fetch(boolean firstPoll) {
    String configHash = Integer.toHexString(config.toString().hashCode());
    boolean hashInCut = firstPoll && FeedConfig.FINGERTIPS_CSV.equals(config.type());
    if (source instanceof Resource.File f) {
      return vertx.executeBlocking(() -> {
        Path p = f.path();
        String stamp = hashInCut ? FileChunks.stamp(p) : null;
        long size = Files.size(p);
        UnaryOperator<String> fp = hash -> "file:" + size + ":" + hash + ":" + configHash;
        return new Fetched(() -> reader(Files.newInputStream(p)), hashInCut ? null : fp.apply(FileChunks.contentHash(p)),
            null, p, fp, stamp);
      });
    }
    if (source instanceof Resource.Classpath c) {
      return vertx.executeBlocking(() -> {
        String fp = "sha256:" + sha256(c::open) + ":" + configHash;
        return new Fetched(() -> reader(c.open()), fp, null, null, null, null);
      });
    }
    Resource.Url u = (Resource.Url) source;
    return download(u).compose(tmp -> vertx.executeBlocking(() -> {
      String stamp = hashInCut ? FileChunks.stamp(tmp) : null;
      UnaryOperator<String> fp = hash -> "sha256:" + hash + ":" + configHash;
      return new Fetched(() -> reader(Files.newInputStream(tmp)),
          hashInCut ? null : fp.apply(sha256(() -> Files.newInputStream(tmp))), tmp, tmp, fp, stamp);
    }).onFailure(e -> deleteTemp(tmp)));
  }

  /** Downloads to a temporary file; fails on a non-2xx answer, a timeout or a broken connection. */
  private Future<Path> download(Resource.Url u) {
    long timeout = config.timeoutOrDefault().toMillis();
    return vertx.executeBlocking(() -> Files.createTempFile("fingerpost-" + config.name(), ".csv"))
        .compose(tmp -> {
          Promise<Path> result = Promise.promise();
          long guard = vertx.setTimer(timeout, t -> result.tryFail(new IOException(
              "no complete answer from " + u.describe() + " within " + config.timeoutOrDefault())));
          http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(u.uri().toString())
                  .setIdleTimeout(timeout))
              .compose(req -> req.send())
              .compose(resp -> {
                if (resp.statusCode() / 100 != 2) {
                  return resp.body().transform(ignored -> Future.failedFuture(new IOException("HTTP "
                      + resp.statusCode() + " " + resp.statusMessage() + " from " + u.describe())));
                }
                // No data may pass, and a broken connection must not go unseen, while the file opens.
                resp.pause();
                Promise<Void> broken = Promise.promise();
                resp.exceptionHandler(broken::tryFail);
                return vertx.fileSystem().open(tmp.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
                    .compose(file -> broken.future().failed()
                        ? file.close().transform(ignored -> Future.<Void>failedFuture(broken.future().cause()))
                        : resp.pipeTo(file));
              })
              .onComplete(ar -> {
                vertx.cancelTimer(guard);
                if (ar.succeeded()) {
                  result.tryComplete(tmp);
                } else {
                  result.tryFail(new IOException("download of " + u.describe() + " failed: "
                      + ar.cause().getMessage(), ar.cause()));
                }
              });
          return result.future().onFailure(e -> deleteTemp(tmp));
        });
  }

  private RowReader reader(InputStream in) throws IOException {
    java.io.Reader r = CsvRecords.utf8(in);
    return FeedConfig.TIDY_CSV.equals(config.type()) ? TidyCsvReader.open(r, config) : FingertipsCsvReader.open(r);
  }

  private Future<Void> deleteTemp(Path tmp) {
    if (tmp == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(tmp);
      return null;
    });
  }

  interface Opener {
    InputStream open() throws IOException;
  }

  static String sha256(Opener opener) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = opener.open()) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
