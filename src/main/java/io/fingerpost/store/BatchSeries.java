package io.fingerpost.store;

import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import java.util.List;

/**
 * The distinct series of a batch, in the order of their first row, found with one open-addressing table of
 * primitive ids: no boxed Long, no map node per row or per series (a first load's batch of 10,000 rows names up to
 * 10,000 series; the HashMaps this replaces were a tenth of the first load's allocation, issue 14). A run of rows
 * of one series costs one comparison a row.
 */
final class BatchSeries {
  private final long[] ids;
  private final int[] firstRow;
  private int size;

  private BatchSeries(int capacity) {
    ids = new long[capacity];
    firstRow = new int[capacity];
  }

  /** The distinct series of {@code rowIds} (one id a row, none null). */
  static BatchSeries of(Long[] rowIds) {
    int n = rowIds.length;
    BatchSeries s = new BatchSeries(n);
    int slots = Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1; // load factor at most 1/2
    int mask = slots - 1;
    int[] table = new int[slots]; // 1 + index into ids, 0: empty
    long previous = 0;
    for (int k = 0; k < n; k++) {
      long id = rowIds[k];
      if (k > 0 && id == previous) {
        continue;
      }
      previous = id;
      int h = (int) (id * 0x9E3779B97F4A7C15L >>> 40) & mask;
      while (true) {
        int at = table[h];
        if (at == 0) {
          s.ids[s.size] = id;
          s.firstRow[s.size] = k;
          table[h] = ++s.size;
          break;
        }
        if (s.ids[at - 1] == id) {
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return s;
  }

  int size() {
    return size;
  }

  long id(int i) {
    return ids[i];
  }

  /** The key of series {@code i}: that of its first row. */
  SeriesKey key(int i, List<Observation> rows) {
    return rows.get(firstRow[i]).key();
  }

  /** The series whose history the database must be asked about ({@link InitialLoad#needsHistoryCheck}). */
  Long[] needingHistoryCheck(InitialLoad initialLoad) {
    Long[] out = new Long[size];
    int m = 0;
    for (int i = 0; i < size; i++) {
      if (initialLoad.needsHistoryCheck(ids[i])) {
        out[m++] = ids[i];
      }
    }
    return java.util.Arrays.copyOf(out, m);
  }
}
