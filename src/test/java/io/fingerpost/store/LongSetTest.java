package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LongSet} against {@code HashSet<Long>}, and under concurrent adds (each id added exactly once). */
class LongSetTest {

  @Test
  void agreesWithAHashSet() {
    LongSet set = new LongSet();
    Set<Long> expected = new HashSet<>();
    Random rnd = new Random(14);
    for (int i = 0; i < 200_000; i++) {
      long v = switch (i % 4) {
        case 0 -> rnd.nextInt(50_000); // sequence-like ids, many repeats
        case 1 -> rnd.nextLong();
        case 2 -> -rnd.nextInt(1000);
        default -> (long) rnd.nextInt(64) << 58; // only the stripe bits differ
      };
      assertEquals(expected.add(v), set.add(v), "add " + v);
    }
    assertTrue(set.contains(0) == expected.contains(0L));
    for (int i = 0; i < 200_000; i++) {
      long v = i % 2 == 0 ? rnd.nextInt(100_000) : rnd.nextLong();
      assertEquals(expected.contains(v), set.contains(v), "contains " + v);
    }
    for (long v : expected) {
      assertTrue(set.contains(v));
      assertFalse(set.add(v));
    }
  }

  @Test
  void concurrentAddsTakeEachIdOnce() throws Exception {
    LongSet set = new LongSet();
    AtomicInteger added = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (long v = 1; v <= 100_000; v++) {
            if (set.add(v)) {
              added.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(100_000, added.get());
    for (long v = 1; v <= 100_000; v++) {
      assertTrue(set.contains(v));
    }
    assertFalse(set.contains(100_001));
  }
}
