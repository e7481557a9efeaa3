package io.fingerpost.feed;

import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.Batch;
import io.fingerpost.store.BatchResult;
import io.fingerpost.store.InitialLoad;
import io.fingerpost.store.LoadProfile;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.Rejection;
import io.fingerpost.store.StoredRows;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Reads a source to the end and writes it to the store in batches: parsing runs on a worker thread
 * (one batch at a time, the reader is sequential) while up to {@code parallelism} batches are being
 * written, so the database and the parser work at the same time. Rejected rows are collected (the
 * first {@link #MAX_KEPT_REJECTIONS}, with the warnings of stored rows; all rejections are counted); the load fails only when the source cannot be
 * read on or a write fails — batches already committed stay.
 */
public final class FeedLoader {

  /** Rows per statement and statements in flight (system properties for benchmarking). */
  public static final int DEFAULT_BATCH_SIZE = Integer.getInteger("fingerpost.load.batchSize", 10_000);
  public static final int DEFAULT_PARALLELISM = Integer.getInteger("fingerpost.load.parallelism", 3);
  /**
   * Parsed batches that may wait for the store while the feed's stored rows are still being read for the
   * in-memory compare ({@link StoredRows}): the parser keeps going meanwhile instead of idling (issue 14; about
   * 4 MB a batch of 10,000 rows). Otherwise one parsed batch waits at most.
   */
  static final int AHEAD_WHILE_PREFETCH = Integer.getInteger("fingerpost.load.parseAhead", 24);
  static final int MAX_KEPT_REJECTIONS = 10_000;

  private final Vertx vertx;
  private final ObservationStore store;
  private final int batchSize;
  private final int parallelism;

  public FeedLoader(Vertx vertx, ObservationStore store) {
    this(vertx, store, DEFAULT_BATCH_SIZE, DEFAULT_PARALLELISM);
  }

  public FeedLoader(Vertx vertx, ObservationStore store, int batchSize, int parallelism) {
    this.vertx = vertx;
    this.store = store;
    this.batchSize = batchSize;
    this.parallelism = parallelism;
  }

  /**
   * What a load did. {@code rejections} holds at most {@link #MAX_KEPT_REJECTIONS}; {@code rejected} counts all;
   * {@code unread} the lines whose records could not be read ({@link RowReader#unread()}).
   */
  public record Result(long read, long rejected, BatchResult written, List<Rejection> rejections,
                       List<RowReader.LineRange> unread) {}

  /**
   * Loads everything {@code open} yields. {@code configured} metadata overrides what rows say about
   * an indicator (names from the source are kept when the configuration has none).
   */
  public Future<Result> load(String feed, String sourceName, Callable<RowReader> open,
                             Map<String, Indicator> configured, InitialLoad initialLoad) {
    return load(feed, sourceName, open, configured, initialLoad, -1);
  }

  /**
   * {@link #load(String, String, Callable, Map, InitialLoad)} of about {@code expectedRows} rows (negative: not
   * known, as many as the feed's last read), a whole read of the source.
   */
  public Future<Result> load(String feed, String sourceName, Callable<RowReader> open,
                             Map<String, Indicator> configured, InitialLoad initialLoad, long expectedRows) {
    return load(feed, sourceName, open, configured, initialLoad, expectedRows, true);
  }

  /**
   * Loads what {@code open} yields. A {@code whole} read (the whole source; not a read of some chunks) goes by the
   * feed's per-series digests ({@link DigestedLoad}: an unchanged series is recognised by its digest and sends
   * nothing to the store); a partial read leaves the digests alone (the store's triggers drop those of every series
   * it changes). A read that is not a first poll compares with the feed's stored rows in memory when the store
   * finds that cheaper ({@link ObservationStore#storedRows}); they are read from the database while the first
   * batches are parsed.
   */
  public Future<Result> load(String feed, String sourceName, Callable<RowReader> open,
                             Map<String, Indicator> configured, InitialLoad initialLoad, long expectedRows,
                             boolean whole) {
    long started = System.nanoTime();
    Future<Result> done = whole
        ? new DigestedLoad(this, store, vertx, feed, sourceName, open, configured, initialLoad, expectedRows).run()
        : pipeline(feed, sourceName, open, configured, initialLoad, expectedRows, null, null, null);
    return done.onComplete(ar -> LoadProfile.add(LoadProfile.Step.LOAD_WALL, started));
  }

  /**
   * Today's pipeline: parses {@code open} and writes its rows, except those of the series in {@code skip} (counted
   * unchanged; null: none), comparing with the stored rows of about {@code expectedRows} rows; {@code digester} (may
   * be null) sees every parsed row; {@code parsed} (may be null) completes once the source is read to its end (the
   * digester then holds every row) while the last batches may still be writing.
   */
  Future<Result> pipeline(String feed, String sourceName, Callable<RowReader> open,
                          Map<String, Indicator> configured, InitialLoad initialLoad, long expectedRows,
                          Set<SeriesKey> skip, SeriesDigester digester, Promise<Void> parsed) {
    Context ctx = vertx.getOrCreateContext();
    Future<StoredRows> stored = store.storedRows(feed, initialLoad, expectedRows);
    return ctx.executeBlocking(open).compose(reader -> {
      reader.expectRows(expectedRows);
      Run run = new Run(ctx, feed, sourceName, reader, configured, initialLoad, stored, skip, digester, parsed);
      run.start();
      return run.promise.future().eventually(() -> ctx.executeBlocking(() -> {
        reader.close();
        return null;
      }));
    }).eventually(() -> stored.onSuccess(s -> {
      if (s != null) {
        s.close();
      }
    }));
  }

  /**
   * Keeps what a read row adds to the rejections (a parsed row's warnings, a rejected row), the first
   * {@link #MAX_KEPT_REJECTIONS} of them; whether the row was rejected.
   */
  static boolean keepRejection(FeedRow row, String sourceName, List<Rejection> rejections) {
    if (row instanceof ParsedRow p) {
      keepWarnings(p.warnings(), p.line(), sourceName, rejections);
      return false;
    }
    if (row instanceof RejectedRow r) {
      if (rejections.size() < MAX_KEPT_REJECTIONS) {
        rejections.add(new Rejection(sourceName, r.line(), r.reason(), r.content()));
      }
      return true;
    }
    return false;
  }

  /** Keeps the warnings of a stored row at {@code line}, up to {@link #MAX_KEPT_REJECTIONS} kept in all. */
  static void keepWarnings(List<String> warnings, long line, String sourceName, List<Rejection> rejections) {
    for (String w : warnings) {
      if (rejections.size() < MAX_KEPT_REJECTIONS) {
        rejections.add(Rejection.warning(sourceName, line, w, ""));
      }
    }
  }

  /** The configured metadata of the batch's indicators overrides what the rows said. */
  static void applyConfigured(Batch batch, Map<String, Indicator> configured) {
    for (String id : List.copyOf(batch.indicators().keySet())) {
      Indicator conf = configured.get(id);
      if (conf != null) {
        batch.addIndicator(conf);
      }
    }
  }

  /** One load in progress. All state changes happen under the object's lock. */
  private final class Run {
    final Promise<Result> promise = Promise.promise();
    final Context ctx;
    final String feed;
    final String sourceName;
    final RowReader reader;
    final Map<String, Indicator> configured;
    final InitialLoad initialLoad;
    final Future<StoredRows> stored;
    final Set<SeriesKey> skip;
    final SeriesDigester digester;
    final Promise<Void> parsed;
    long skipped;
    /** Since when no batch is being written (the store waits for the parser), for {@link LoadProfile}. */
    long idleSince = System.nanoTime();
    /** Since when a parsed batch waits for a free place among the batches in flight (0: none waits). */
    long fullSince;
    // read on the worker, one read at a time
    long read;
    long rejected;
    final List<Rejection> rejections = new ArrayList<>();
    // guarded by this
    boolean reading;
    final java.util.ArrayDeque<Batch> pending = new java.util.ArrayDeque<>();
    boolean eof;
    int inFlight;
    Throwable failure;
    BatchResult written = BatchResult.EMPTY;
    boolean finished;

    Run(Context ctx, String feed, String sourceName, RowReader reader, Map<String, Indicator> configured,
        InitialLoad initialLoad, Future<StoredRows> stored, Set<SeriesKey> skip,
        SeriesDigester digester, Promise<Void> parsed) {
      this.ctx = ctx;
      this.parsed = parsed;
      this.skip = skip;
      this.digester = digester;
      this.stored = stored;
      this.feed = feed;
      this.sourceName = sourceName;
      this.reader = reader;
      this.configured = configured;
      this.initialLoad = initialLoad;
    }

    /** Begins the load: the first batch is parsed. */
    void start() {
      synchronized (this) {
        reading = true;
      }
      readNext();
    }

    /**
     * Parses the next batch; {@code reading} is set already, under the lock, by whoever decided to read, so one
     * parse at most is under way. The batch and whether the source ended with it are handed over in one step: a
     * write completing on another thread meanwhile must not see the end of the source before its last batch (it
     * would finish the load without that batch).
     */
    private void readNext() {
      ctx.executeBlocking(this::readBatch).onComplete(ar -> {
        synchronized (this) {
          reading = false;
          if (ar.failed()) {
            failure = failure == null ? ar.cause() : failure;
          } else {
            if (!ar.result().isEmpty()) {
              pending.add(ar.result());
            }
            eof = endsSource(ar.result());
          }
        }
        next();
      });
    }

    /** A batch short of {@code batchSize} was parsed to the source's end (skipped rows do not fill a batch). */
    private boolean endsSource(Batch batch) {
      return batch.size() < batchSize;
    }

    private void write(Batch batch) {
      store.write(feed, batch, initialLoad, stored).onComplete(w -> {
        synchronized (this) {
          if (--inFlight == 0) {
            idleSince = System.nanoTime();
          }
          if (w.succeeded()) {
            written = written.plus(w.result());
          } else if (failure == null) {
            failure = w.cause();
          }
        }
        next();
      });
    }

    /** Reads up to one batch of parsed rows (rejections are collected on the way). Worker thread. */
    private Batch readBatch() {
      long t = System.nanoTime();
      try {
        return parseBatch();
      } finally {
        LoadProfile.add(LoadProfile.Step.PARSE, t);
      }
    }

    private Batch parseBatch() {
      Batch batch = new Batch(batchSize);
      // the CSV readers hand out a row's parts with its series' hash, which the digester then need not compute again
      // (the published verdicts a built row adds are not stored)
      PartsReader csv = reader instanceof PartsReader r ? r : null;
      while (batch.size() < batchSize && reader.hasNext()) {
        read++;
        FeedRow row;
        if (csv != null) {
          row = csv.nextParts();
          if (row == null) {
            RowParts p = csv.parts();
            if (digester != null) {
              digester.add(p);
            }
            add(batch, p.observation(), p.indicator, p.area);
            keepWarnings(p.warnings, p.line, sourceName, rejections);
            continue;
          }
        } else {
          row = reader.next();
          if (row instanceof ParsedRow p) {
            if (digester != null) {
              digester.add(p.observation());
            }
            add(batch, p.observation(), p.indicator(), p.area());
          }
        }
        rejected += keepRejection(row, sourceName, rejections) ? 1 : 0;
      }
      if (endsSource(batch) && parsed != null) {
        parsed.tryComplete();
      }
      applyConfigured(batch, configured);
      return batch;
    }

    private void add(Batch batch, Observation o, Indicator indicator, io.fingerpost.model.Area area) {
      if (skip != null && skip.contains(o.key())) {
        skipped++;
      } else {
        batch.add(o, indicator, area);
      }
    }

    /**
     * Moves the load on: a parsed batch goes out as soon as fewer than {@code parallelism} are being
     * written, and the next batch is parsed meanwhile (one parsed batch waits at most, or
     * {@link #AHEAD_WHILE_PREFETCH} while the stored rows are read).
     */
    private void next() {
      Batch send = null;
      boolean readMore = false;
      Result result = null;
      Throwable fail = null;
      synchronized (this) {
        if (finished) {
          return;
        }
        if (failure != null) {
          pending.clear();
          if (inFlight > 0 || reading) {
            return;
          }
          finished = true;
          fail = failure;
        } else {
          if (!pending.isEmpty() && inFlight < parallelism) {
            send = pending.poll();
            if (inFlight++ == 0) {
              LoadProfile.add(LoadProfile.Step.PARSE_WAIT, idleSince);
            }
            if (fullSince != 0) {
              LoadProfile.add(LoadProfile.Step.STORE_WAIT, fullSince);
              fullSince = 0;
            }
          } else if (!pending.isEmpty() && fullSince == 0) {
            fullSince = System.nanoTime();
          }
          // while the stored rows are read, parse on: the batches wait here, the parser does not
          int ahead = stored.isComplete() ? 1 : AHEAD_WHILE_PREFETCH;
          if (!reading && pending.size() < ahead && !eof) {
            readMore = true;
            reading = true; // here, under the lock: two completions at once must not both start a parse
          } else if (eof && !reading && pending.isEmpty() && inFlight == 0) {
            finished = true;
            result = new Result(read, rejected, written.plus(new BatchResult(0, 0, skipped, 0)),
                List.copyOf(rejections), reader.unread());
          }
        }
      }
      if (fail != null) {
        promise.fail(fail);
      } else if (result != null) {
        promise.complete(result);
      }
      if (send != null) {
        write(send);
      }
      if (readMore) {
        readNext();
      }
    }
  }
}
