package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluator's bounded concurrency: never more than the lanes at once, every task once, no deep stack. */
class LanesTest {

  @Test
  void runsEveryTaskOnceWithAtMostTheLanesUnderWay() {
    List<Promise<Void>> open = new ArrayList<>();
    int[] runs = new int[10];
    int[] most = {0};
    Future<Void> all = Lanes.run(3, 10, i -> {
      runs[i]++;
      Promise<Void> p = Promise.promise();
      open.add(p);
      most[0] = Math.max(most[0], (int) open.stream().filter(x -> !x.future().isComplete()).count());
      return p.future();
    });
    for (int done = 0; done < 10; done++) {
      assertTrue(!all.isComplete());
      open.stream().filter(x -> !x.future().isComplete()).findFirst().orElseThrow().complete();
    }
    assertTrue(all.succeeded());
    assertEquals(3, most[0]);
    for (int r : runs) {
      assertEquals(1, r);
    }
  }

  @Test
  void tasksThatCompleteAtOnceDoNotNest() {
    int[] count = {0};
    Future<Void> all = Lanes.run(4, 1_000_000, i -> {
      count[0]++;
      return Future.succeededFuture();
    });
    assertTrue(all.succeeded());
    assertEquals(1_000_000, count[0]);
  }

  @Test
  void noTasks() {
    assertTrue(Lanes.run(4, 0, i -> Future.failedFuture("never")).succeeded());
  }
}
