package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.SeriesDigestStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.MurmurHash3;
import org.junit.jupiter.api.Test;

/**
 * A series' digest and key hash stay what the digests saved before were computed as (issue 14): a stored digest
 * must match the same rows read by a later build. The reference is the layout as first written, kept here.
 */
class SeriesDigesterTest {

  /** Many series, rows interleaved (the table grows): each series' sum is the one it has digested alone. */
  @Test
  void eachSeriesSumsItsOwnRowsWhateverTheOrder() {
    int n = 20_000;
    SeriesDigester all = new SeriesDigester();
    java.util.Map<SeriesKey, SeriesDigester> alone = new java.util.HashMap<>();
    for (int period = 2001; period <= 2003; period++) {
      for (int i = 0; i < n; i++) {
        RowParts p = new RowParts();
        p.key = new SeriesKey("9" + (i % 7), "E" + i, i % 2 == 0 ? "Persons" : "Male", "All ages", "", "");
        p.period = io.fingerpost.model.Period.parse(String.valueOf(period));
        p.set(RowParts.VALUE, i * 0.5 + period);
        p.seriesHash = i % 3 == 0 ? 0 : DuplicateKeys.seriesHashOf(p.key); // as a reader hands it, or not
        all.add(p);
        alone.computeIfAbsent(p.key, k -> new SeriesDigester()).add(p);
      }
    }
    assertEquals(n, all.series());
    assertEquals(3L * n, all.rows());
    assertEquals(n, all.sums().size());
    for (var e : alone.entrySet()) {
      SeriesDigester.Sum mine = all.sum(e.getKey());
      SeriesDigester.Sum own = e.getValue().sum(e.getKey());
      assertEquals(List.of(own.a, own.b, own.rows), List.of(mine.a, mine.b, mine.rows), e.getKey().toString());
    }
    assertEquals(null, all.sum(new SeriesKey("1", "none", "", "", "", "")));
  }

  /**
   * Periods whose series come in another order, with series left out, new ones mid-file and runs of one series
   * (the id after the last row's series is tried first: it is often right, often wrong here).
   */
  @Test
  void sumsDoNotDependOnWhichSeriesFollowsWhich() {
    java.util.Random random = new java.util.Random(20261203);
    SeriesDigester all = new SeriesDigester();
    java.util.Map<SeriesKey, SeriesDigester> alone = new java.util.HashMap<>();
    List<Integer> order = new java.util.ArrayList<>();
    for (int period = 2001; period <= 2008; period++) {
      order.clear();
      for (int i = 0; i < 5_000 + 500 * period % 2000; i++) {
        order.add(i);
      }
      if (period % 2 == 0) { // shuffled a little: swaps of neighbours and some far away
        for (int k = 0; k < 1_000; k++) {
          int x = random.nextInt(order.size());
          int y = k % 2 == 0 ? Math.min(order.size() - 1, x + 1) : random.nextInt(order.size());
          java.util.Collections.swap(order, x, y);
        }
      }
      for (int i : order) {
        if (random.nextInt(10) == 0) {
          continue; // not in this period
        }
        for (int q = 0; q < (i % 5 == 0 ? 4 : 1); q++) { // quarters: a run of one series
          RowParts p = new RowParts();
          p.key = new SeriesKey("9" + (i % 7), "E" + i, i % 2 == 0 ? "Persons" : "Male", "All ages", "", "");
          p.period = io.fingerpost.model.Period.parse(String.format("%d/%02d", period, (period + 1) % 100)
              + (q == 0 ? "" : " Q" + q));
          p.set(RowParts.VALUE, i * 0.25 + period + q);
          p.seriesHash = i % 3 == 0 ? 0 : DuplicateKeys.seriesHashOf(p.key);
          all.add(p);
          alone.computeIfAbsent(p.key, k -> new SeriesDigester()).add(p);
        }
      }
    }
    assertEquals(alone.size(), all.series());
    assertEquals(alone.size(), all.sums().size());
    for (var e : alone.entrySet()) {
      SeriesDigester.Sum mine = all.sum(e.getKey());
      SeriesDigester.Sum own = e.getValue().sum(e.getKey());
      assertEquals(List.of(own.a, own.b, own.rows), List.of(mine.a, mine.b, mine.rows), e.getKey().toString());
      assertEquals(e.getKey(), mine.key);
    }
  }

  @Test
  void digestAndKeyHashKeepTheirFirstLayout() {
    SeriesKey[] keys = {
        new SeriesKey("90001", "E06000047", "Persons", "All ages", "", ""),
        new SeriesKey("93356", "E08000027", "Female", "18+ yrs", "District & UA deprivation deciles in England",
            "Most deprived decile (IMD2019)"),
        new SeriesKey("1", "E92000001", null, "All ages", null, "Ünïcode ✓")};
    Map<String, String> kinds = Map.of("90001", "rate|per 100,000", "1", "proportion|%");
    for (SeriesKey k : keys) {
      SeriesDigester.Sum s = new SeriesDigester.Sum(k, 0x8000_0000_0000_0001L, 42, 3);
      SeriesDigestStore.Digest d = SeriesDigester.digest("feed-a", s, kinds);
      byte[] seed = reference(k, "feed-a", kinds.getOrDefault(k.indicatorId(), ""));
      long[] h = MurmurHash3.hash128x64(seed, 0, seed.length, SeriesDigester.VERSION);
      long a = s.a + h[0];
      long b = s.b + h[1] + (Long.compareUnsigned(a, s.a) < 0 ? 1 : 0);
      byte[] key = reference(k, null, null);
      long keyHash = MurmurHash3.hash128x64(key, 0, key.length, 0)[0];
      assertEquals(new SeriesDigestStore.Digest(keyHash, a, b), d, k.toString());
      assertEquals(keyHash, SeriesDigester.keyHash(k), k.toString());
    }
  }

  /** The branch-free carry of the 128-bit sums is the unsigned comparison it replaced, at the edges and at random. */
  @Test
  void carryIsTheUnsignedOverflowOfTheLowHalf() {
    long[] edges = {0, 1, 2, -1, -2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 0x8000_0000_0000_0001L};
    java.util.Random rnd = new java.util.Random(7);
    long[] values = java.util.Arrays.copyOf(edges, edges.length + 200);
    for (int i = edges.length; i < values.length; i++) {
      values[i] = rnd.nextLong();
    }
    for (long x : values) {
      for (long y : values) {
        long sum = x + y;
        assertEquals(Long.compareUnsigned(sum, x) < 0 ? 1 : 0, SeriesDigester.carry(x, y, sum), x + " + " + y);
      }
    }
  }

  /** The key's text as first written: each part as its length, ':' and text, then '|'; a null part as '|'. */
  private static byte[] reference(SeriesKey k, String feed, String kind) {
    StringBuilder sb = new StringBuilder();
    for (String part : new String[] {k.indicatorId(), k.areaCode(), k.sex(), k.age(), k.categoryType(),
        k.category(), feed, kind}) {
      if (part != null) {
        sb.append(part.length()).append(':').append(part);
      }
      sb.append('|');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
