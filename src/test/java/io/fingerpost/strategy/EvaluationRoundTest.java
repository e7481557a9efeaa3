package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.TestDatabase;
import io.fingerpost.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A long round stopped while its first chunk is read (the evaluator stopping, or the database lost: every later
 * target is kept or dropped, none read) completes: the chunks left over complete one per turn of the event loop,
 * not all in one stack when the first read ends (a StackOverflowError at national scale 1, 16,900 targets,
 * would leave the round, and the evaluator, running for ever). Real PostgreSQL for the one read.
 */
class EvaluationRoundTest {

  private static final int TARGETS = 100_000;

  @Test
  void aLongRoundStoppedDuringItsFirstReadCompletes() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Vertx vertx = Vertx.vertx();
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      List<TargetDefinition> dudley = TargetsLoader.loadResource(DudleyTargetsFileTest.RESOURCE);
      TargetDefinition target = dudley.get(0);
      TargetDefinition later = dudley.get(1);
      List<TargetDefinition> order = new ArrayList<>(List.of(target));
      for (int i = 1; i < TARGETS; i++) {
        order.add(later); // one definition many times, never read: the round is "stopping" for all but the first
      }
      Map<String, Boolean> initial = new HashMap<>(Map.of(target.id(), true, later.id(), true));
      AtomicInteger asked = new AtomicInteger();
      AtomicInteger written = new AtomicInteger();
      EvaluationRound round = new EvaluationRound(vertx, new TargetStore(database.pool()),
          new ConcurrentHashMap<>(), 1);
      Future<Void> done = vertx.executeBlocking(() -> null).compose(v ->
          round.run(order, initial, new EvaluationRound.Sink() {
            @Override
            public boolean go(TargetDefinition t, boolean initialLoad) {
              asked.incrementAndGet();
              return t == target; // the first target is read and written; the others are not evaluated now
            }

            @Override
            public void written(TargetDefinition t, boolean initialLoad, Long id) {
              written.incrementAndGet();
            }

            @Override
            public void failed(TargetDefinition t, boolean initialLoad, Throwable e) {
              throw new AssertionError("failed: " + t.id(), e);
            }
          }));
      done.await(60, TimeUnit.SECONDS);
      assertEquals(1, written.get(), "the first target (a warning: no data stored)");
      assertEquals(TARGETS + 1, asked.get(), "each asked before its read, the first before its write too");
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
