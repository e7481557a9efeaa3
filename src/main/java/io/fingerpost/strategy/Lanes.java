package io.fingerpost.strategy;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Runs tasks 0 … size − 1 with at most {@code lanes} under way at once, each lane taking the next index when its
 * task completes. For one context's thread (a verticle's event loop): the counter is not shared across threads.
 */
final class Lanes {

  private int next;

  private Lanes() {}

  /** Completes once every task has completed; a failed task fails its lane, so tasks should recover. */
  static Future<Void> run(int lanes, int size, IntFunction<Future<Void>> task) {
    Lanes l = new Lanes();
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < Math.min(lanes, size); i++) {
      running.add(l.lane(size, task));
    }
    return Future.all(running).mapEmpty();
  }

  private Future<Void> lane(int size, IntFunction<Future<Void>> task) {
    // tasks that complete at once (skipped) loop here rather than nest a call per task
    for (int i = next++; i < size; i = next++) {
      Future<Void> f = task.apply(i);
      if (!f.isComplete()) {
        return f.compose(v -> lane(size, task));
      }
      if (f.failed()) {
        return f;
      }
    }
    return Future.succeededFuture();
  }
}
