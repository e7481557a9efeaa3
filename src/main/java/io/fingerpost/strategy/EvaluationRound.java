package io.fingerpost.strategy;

import io.fingerpost.store.DatabaseOutage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a round's targets a chunk at a time, in the round's order. A chunk's inputs are read concurrently
 * (through the pool) and computed off the event loop, then written in one transaction ({@link EvaluationWriter}):
 * ids stay in the round's order and a chunk costs one commit. The next chunk is read while this one is written
 * (at most one chunk ahead). A round of one target (a push) is read and written at once, waiting for nothing.
 *
 * <p>A chunk reads each series once ({@link TargetStore.SharedReads}). One target at a time, a target cost 3.3 ms
 * reading, 1.5 ms computing and 3.9 ms writing (its own commit); README "National-scale run" has the figures.
 */
final class EvaluationRound {

  /** Targets read and written together (-Dfingerpost.evaluation.chunk, for benchmarks; default 32). */
  static final int CHUNK = Math.max(1, Integer.getInteger("fingerpost.evaluation.chunk", 32));

  private final int chunkSize;

  private static final Logger LOG = LoggerFactory.getLogger(EvaluationRound.class);

  /** What the verticle does with each target of the round. */
  interface Sink {
    /** False when the target is not evaluated now (the database is away: kept for later; or stopping). */
    boolean go(TargetDefinition t, boolean initialLoad);

    /** The target was evaluated; {@code id} is its new evaluation's, or null when nothing was written. */
    void written(TargetDefinition t, boolean initialLoad, Long id);

    /** Evaluating the target failed (a lost database, or the target's own fault). */
    void failed(TargetDefinition t, boolean initialLoad, Throwable e);
  }

  /** A target read and computed, not written yet (or its failure). */
  private record Prepared(TargetDefinition target, boolean initialLoad, EvaluationWriter.Write write,
      Throwable failure) {}

  private final Vertx vertx;
  private final TargetStore store;
  private final EvaluationWriter writer;
  /** The round under way's time in its chunks' reads (with the engine) and writes; one round at a time. */
  private long readNanos;
  private long writeNanos;
  /** The verticle's warnings by target id (the API shows them). */
  private final Map<String, String> warnings;

  EvaluationRound(Vertx vertx, TargetStore store, Map<String, String> warnings, int chunkSize) {
    this.chunkSize = Math.max(1, chunkSize);
    this.vertx = vertx;
    this.store = store;
    this.writer = new EvaluationWriter(store.pool());
    this.warnings = warnings;
  }

  /** Evaluates the targets in the order given; completes (never fails) once every chunk is written. */
  Future<Void> run(List<TargetDefinition> order, Map<String, Boolean> initialLoad, Sink sink) {
    long started = System.nanoTime();
    readNanos = 0;
    writeNanos = 0;
    List<Future<Void>> written = new ArrayList<>();
    Future<?> read = Future.succeededFuture();
    for (int from = 0; from < order.size(); from += chunkSize) {
      List<TargetDefinition> chunk = order.subList(from, Math.min(order.size(), from + chunkSize));
      // read once the previous chunk is read and the one before it written: one chunk ahead of the writes
      Future<?> ahead = written.size() < 2 ? read : Future.join(read, written.get(written.size() - 2));
      Future<List<Prepared>> prepared = ahead.transform(ar -> prepare(chunk, initialLoad, sink));
      read = prepared;
      Future<Void> previous = written.isEmpty() ? Future.succeededFuture() : written.get(written.size() - 1);
      written.add(previous.transform(ar -> prepared).compose(p -> write(p, sink)));
    }
    Future<Void> done = written.isEmpty() ? Future.succeededFuture() : written.get(written.size() - 1);
    return done.onComplete(ar -> {
      if (order.size() >= 100) {
        // reading (and computing) the next chunk overlaps writing this one: the two may add up to more than the round
        LOG.info("Evaluated {} targets in {} ms ({} a chunk; reading and computing {} ms, writing {} ms)",
            order.size(), (System.nanoTime() - started) / 1_000_000, chunkSize, readNanos / 1_000_000,
            writeNanos / 1_000_000);
      }
    });
  }

  private Future<List<Prepared>> prepare(List<TargetDefinition> chunk, Map<String, Boolean> initialLoad, Sink sink) {
    long started = System.nanoTime();
    List<Future<Prepared>> each = new ArrayList<>();
    TargetStore.SharedReads shared = new TargetStore.SharedReads();
    for (TargetDefinition t : chunk) {
      boolean initial = initialLoad.get(t.id());
      if (sink.go(t, initial)) {
        each.add(prepare(t, initial, shared)
            .recover(e -> Future.succeededFuture(new Prepared(t, initial, null, e))));
      }
    }
    if (each.isEmpty()) {
      // nothing to read (stopping, or the database is away): complete on the next turn of the event loop, so the
      // rest of a long round does not complete chunk after chunk in one ever deeper stack
      Promise<List<Prepared>> later = Promise.promise();
      vertx.runOnContext(v -> later.complete(List.of()));
      return later.future();
    }
    return Future.all(each).map(all -> {
      readNanos += System.nanoTime() - started;
      return each.stream().map(Future::result).toList();
    });
  }

  /** Reads what the target's evaluation needs and computes it (off the event loop); writes nothing. */
  private Future<Prepared> prepare(TargetDefinition t, boolean initial, TargetStore.SharedReads shared) {
    if (t.placesUnresolved()) {
      String w = "its places, the " + t.places().describe() + ", are not stored yet: evaluated for each once a feed"
          + " stores them";
      warnings.put(t.id(), w);
      return Future.succeededFuture(
          new Prepared(t, initial, new EvaluationWriter.Write(t.id(), null, initial, w), null));
    }
    return store.load(t, shared).compose(loaded -> {
      if (loaded.seriesId() == null) {
        warnings.put(t.id(), loaded.warning());
        return Future.succeededFuture(new Prepared(t, initial,
            new EvaluationWriter.Write(t.id(), null, initial, loaded.warning()), null));
      }
      TargetEvaluation.Inputs in = new TargetEvaluation.Inputs(t, loaded.areaName(), loaded.indicator(),
          loaded.seriesId(), loaded.observations(), loaded.revisions(), loaded.england(), loaded.region(),
          loaded.benchmark(), loaded.deprivation());
      return vertx.executeBlocking(() -> TargetEvaluation.evaluate(in), false).map(row -> {
        // a value that could not be looked up (e.g. the baseline's) is the target's warning
        String problem = new JsonObject(row.details()).getString("problem");
        if (problem != null) {
          warnings.put(t.id(), problem);
        } else {
          warnings.remove(t.id());
        }
        return new Prepared(t, initial, new EvaluationWriter.Write(t.id(), row, initial, problem), null);
      });
    });
  }

  /** Writes a chunk in one transaction; if that fails for another reason than a lost database, one at a time. */
  private Future<Void> write(List<Prepared> chunk, Sink sink) {
    List<Prepared> ready = new ArrayList<>();
    for (Prepared p : chunk) {
      if (p.failure() != null) {
        sink.failed(p.target(), p.initialLoad(), p.failure());
      } else if (sink.go(p.target(), p.initialLoad())) {
        ready.add(p);
      }
    }
    long started = System.nanoTime();
    return Future.succeededFuture().compose(v -> writer.writeAll(ready.stream().map(Prepared::write).toList()))
        .onComplete(ar -> writeNanos += System.nanoTime() - started).map(ids -> {
      for (int i = 0; i < ready.size(); i++) {
        sink.written(ready.get(i).target(), ready.get(i).initialLoad(), ids.get(i));
      }
      return (Void) null;
    }).recover(e -> {
      if (ready.size() == 1 || DatabaseOutage.isConnectionFailure(e)) {
        ready.forEach(p -> sink.failed(p.target(), p.initialLoad(), e));
        return Future.succeededFuture();
      }
      // one target's bad row must not fail the others: each in a transaction of its own, in the same order
      LOG.warn("Writing {} evaluations together failed ({}); writing them one at a time", ready.size(), e.toString());
      Future<Void> oneByOne = Future.succeededFuture();
      for (Prepared p : ready) {
        oneByOne = oneByOne.compose(v -> !sink.go(p.target(), p.initialLoad()) ? Future.<Void>succeededFuture()
            : writer.writeOne(p.write()).transform(ar -> {
              if (ar.succeeded()) {
                sink.written(p.target(), p.initialLoad(), ar.result());
              } else {
                sink.failed(p.target(), p.initialLoad(), ar.cause());
              }
              return Future.<Void>succeededFuture();
            }));
      }
      return oneByOne;
    });
  }
}
