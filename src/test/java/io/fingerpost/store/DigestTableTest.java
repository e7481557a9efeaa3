package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The stored digests' primitive table agrees with a map of the same entries (issue 14). */
class DigestTableTest {

  @Test
  void agreesWithAMap() {
    SplittableRandom random = new SplittableRandom(14);
    int n = 20_000;
    SeriesDigestStore.DigestTable table = new SeriesDigestStore.DigestTable(n);
    Map<Long, long[]> map = new HashMap<>();
    for (int i = 0; i < n; i++) {
      // small key hashes too, so that neighbouring slots collide and probe
      long key = i % 3 == 0 ? i : random.nextLong();
      long[] d = {random.nextLong(), random.nextLong()};
      table.put(key, d[0], d[1]);
      map.put(key, d);
    }
    table.put(0L, 7, 8); // a key hash of 0 is a key like any other
    map.put(0L, new long[] {7, 8});
    table.put(3L, 1, 2); // a second digest under one key hash replaces the first
    map.put(3L, new long[] {1, 2});
    assertEquals(map.size(), table.size());
    for (Map.Entry<Long, long[]> e : map.entrySet()) {
      long[] d = e.getValue();
      assertTrue(table.matches(e.getKey(), d[0], d[1]), "key " + e.getKey());
      assertFalse(table.matches(e.getKey(), d[0], d[1] + 1));
      assertFalse(table.matches(e.getKey(), d[0] + 1, d[1]));
    }
    for (int i = 0; i < 1000; i++) {
      long key = random.nextLong();
      if (!map.containsKey(key)) {
        assertFalse(table.matches(key, 0, 0));
      }
    }
  }

  @Test
  void anEmptyTableMatchesNothing() {
    SeriesDigestStore.DigestTable table = new SeriesDigestStore.DigestTable(0);
    assertEquals(0, table.size());
    assertFalse(table.matches(0, 0, 0));
    assertFalse(table.matches(42, 0, 0));
  }
}
