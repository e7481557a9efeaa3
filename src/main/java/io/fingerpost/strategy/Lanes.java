package io.fingerpost.strategy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
      Promise<Void> done = Promise.promise();
      l.lane(size, task, done);
      running.add(done.future());
    }
    return Future.all(running).mapEmpty();
  }

  /**
   * Runs tasks until one is still under way, then goes on from its completion. Each lane completes its own
   * promise: a lane made of nested {@code compose} calls completed thousands deep in one stack when its last task
   * ended (a StackOverflowError at 16,900 targets).
   */
  private void lane(int size, IntFunction<Future<Void>> task, Promise<Void> done) {
    for (int i = next++; i < size; i = next++) {
      Future<Void> f = task.apply(i);
      if (!f.isComplete()) {
        f.onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
          } else {
            lane(size, task, done);
          }
        });
        return;
      }
      if (f.failed()) {
        done.tryFail(f.cause());
        return;
      }
    }
    done.tryComplete();
  }
}
