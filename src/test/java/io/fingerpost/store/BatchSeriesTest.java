package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link BatchSeries} against a LinkedHashMap: the same distinct series, in first-row order, with that row's key. */
class BatchSeriesTest {

  @Test
  void findsTheDistinctSeriesInFirstRowOrder() {
    Random rnd = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 1 + rnd.nextInt(3000);
      int spread = 1 + rnd.nextInt(n);
      Long[] ids = new Long[n];
      List<Observation> rows = new ArrayList<>();
      Map<Long, Integer> expected = new LinkedHashMap<>();
      for (int k = 0; k < n; k++) {
        // runs of one series, ids far apart and negative too (the hash must not rely on small ids)
        long id = k > 0 && rnd.nextInt(3) == 0 ? ids[k - 1] : (rnd.nextInt(spread) - spread / 2) * 0x10000L;
        ids[k] = id;
        expected.putIfAbsent(id, k);
        rows.add(new Observation(new SeriesKey("i" + k, "a", "", "", "", ""), new Period("2020", 2020, 2021),
            1.0, null, null, null, null, null, null, null));
      }
      BatchSeries s = BatchSeries.of(ids);
      assertEquals(expected.size(), s.size());
      long[] got = new long[s.size()];
      for (int i = 0; i < s.size(); i++) {
        got[i] = s.id(i);
        assertEquals("i" + expected.get(s.id(i)), s.key(i, rows).indicatorId(), "the key of the series' first row");
      }
      assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(), got);
    }
  }

  @Test
  void asksTheDatabaseOnlyAboutSeriesNotCreatedInThisPoll() {
    InitialLoad load = new InitialLoad(true);
    load.seriesCreated(2);
    BatchSeries s = BatchSeries.of(new Long[] {1L, 1L, 2L, 3L, 2L});
    assertArrayEquals(new Long[] {1L, 3L}, s.needingHistoryCheck(load));
    assertArrayEquals(new Long[0], s.needingHistoryCheck(InitialLoad.none()));
  }
}
