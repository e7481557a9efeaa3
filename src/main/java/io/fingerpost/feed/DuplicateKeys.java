package io.fingerpost.feed;

import io.fingerpost.model.SeriesKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers which (series, period) keys a read has seen, and on which line, so that a key that appears
 * twice in one source is rejected instead of silently overwriting the first value. A series is known by its
 * 64-bit hash ({@link #seriesHashOf}); two different series share a hash with probability about n²/2⁶⁵ for n
 * series. Lines are held in a grid of series by period, or in a table when a source fills too little of the grid
 * (at most 32 bytes a row either way, so millions of rows fit).
 */
final class DuplicateKeys {
  /*
   * Each series (its 64-bit hash) and each period label gets a dense id in order of first sight; while the grid
   * fits the budget, the line of (series s, period p) is grid[p][s] (line + 1; 0: not seen). The ids keep a
   * file's order: a period-major file (a year's series, then the next year's in the same order) writes grid[p]
   * from left to right, a series-major one walks a few columns at one index, where one table on the whole key's
   * hash had taken a cache miss a row in a 32 MB table (15% of a re-read's pass-1 thread, issue 14). Two series
   * whose 64-bit hashes are equal (about n²/2⁶⁵ for n series) share an id, as two keys sharing a hash did before.
   */
  private long[] series = new long[2 << 10]; // series hash at [2i] (0: empty), its id at [2i + 1]
  private int seriesCount;
  private long[] hashes = new long[1 << 10]; // by id
  private long lastSeriesHash;               // 0: none (a hash of 0 is taken as 1)
  private int lastSeries = -1;
  private final Map<String, Integer> periodIds = new HashMap<>();
  private String lastPeriod = new String("\0 none"); // no label is this instance
  private int lastPeriodId;

  private int[][] grid = new int[4][];       // null: too sparse for the budget, the table below holds the lines
  private int capacity = 1 << 10;            // the series ids a column is sized for
  private long expected;
  private long size;

  // when the grid would be too sparse: (series id, period id) as one long + 1 at [2s] (0: empty), the line at [2s + 1]
  private long[] slots;

  private final Hasher hasher = new Hasher();

  /**
   * Takes {@code rows} (the feed's last read; negative: not known) as the number of keys to expect: the grid may
   * hold up to 8 ints a key (the 32 bytes a key the hash table took), and the table, if used, is sized for it at
   * once instead of doubling (at a million rows the doublings were G1 humongous allocations, JFR, issue 14).
   */
  void expect(long rows) {
    if (size == 0 && rows > 0) {
      expected = Math.min(rows, 1L << 24);
    }
  }

  /** Records the key; returns the line it was first seen on, or -1 when it is new. */
  long firstLineOf(SeriesKey key, String period, long line) {
    return firstLineOf(hasher.series(key), period, line);
  }

  /**
   * Records the key of the series of hash {@code seriesHash} ({@link #seriesHashOf}, as {@link Hasher#series()}
   * gives it) and period label {@code period}; returns the line it was first seen on, or -1 when it is new.
   */
  long firstLineOf(long seriesHash, String period, long line) {
    int p = period == lastPeriod ? lastPeriodId : periodId(period);
    long h = seriesHash | (((seriesHash | -seriesHash) >>> 63) ^ 1); // 0 marks an empty slot: taken as 1
    int s = lastSeries;
    if (h != lastSeriesHash) {
      // the series after the last one's id: a period-major file meets its series in the same order each period,
      // so this reads hashes[] in order where the table's probe was a cache miss a row (JFR, issue 14)
      s++;
      if (s >= seriesCount || hashes[s] != h) {
        s = seriesId(h);
      }
      lastSeriesHash = h;
      lastSeries = s;
    }
    int[][] g = grid;
    if (g != null && line < Integer.MAX_VALUE - 1) {
      int[] column = g[p];
      if (s >= column.length) {
        column = g[p] = Arrays.copyOf(column, capacity);
      }
      int first = column[s];
      if (first != 0) {
        return first - 1;
      }
      column[s] = (int) line + 1;
      size++;
      return -1;
    }
    if (g != null) {
      toTable(); // a line beyond an int
    }
    return tableFirstLineOf(((long) s << 32 | p) + 1, line);
  }

  /**
   * The hash of series {@code id} (an id {@link #lastSeries} gave), as recorded: a hash of 0 is held as 1, which the
   * duplicate check and {@link SeriesDigester} take alike.
   */
  long seriesHash(int id) {
    return hashes[id];
  }

  /** The dense id (order of first sight) of the series of the last {@link #firstLineOf}; -1 before the first. */
  int lastSeries() {
    return lastSeries;
  }

  private int periodId(String period) {
    Integer known = periodIds.get(period);
    int p;
    if (known != null) {
      p = known;
    } else {
      p = periodIds.size();
      periodIds.put(period, p);
      if (grid != null) {
        if ((long) (p + 1) * capacity > budget()) {
          toTable();
        } else {
          if (p == grid.length) {
            grid = Arrays.copyOf(grid, 2 * p);
          }
          grid[p] = new int[capacity];
        }
      }
    }
    lastPeriod = period;
    lastPeriodId = p;
    return p;
  }

  /** The id of the series of hash {@code h} (not 0), a new one when it is new. */
  private int seriesId(long h) {
    long[] t = series;
    int mask = (t.length >> 1) - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    for (long x; ; i = (i + 1) & mask) {
      if ((x = t[2 * i]) == h) {
        return (int) t[2 * i + 1];
      }
      if (x == 0) {
        break;
      }
    }
    int id = seriesCount++;
    t[2 * i] = h;
    t[2 * i + 1] = id;
    if (seriesCount * 4 >= t.length) {
      growSeries();
    }
    if (id == capacity) {
      capacity *= 2;
      hashes = Arrays.copyOf(hashes, capacity);
      if (grid != null && (long) periodIds.size() * capacity > budget()) {
        toTable();
      }
    }
    hashes[id] = h;
    return id;
  }

  /** The ints the grid may take: 8 a key expected or held (what the hash table took), at least 8 MB. */
  private long budget() {
    return Math.max(1L << 21, 8 * Math.max(expected, size + 1));
  }

  private void growSeries() {
    series = doubled(series, false);
  }

  /** Moves the grid's lines into the table (a source whose series and periods fill too little of it). */
  private void toTable() {
    long want = 4 * Math.max(expected, size + 1); // longs: two a slot, at most half the slots used
    slots = new long[Math.max(2 << 12, (int) Long.highestOneBit(want - 1) << 1)];
    int[][] g = grid;
    grid = null;
    long held = size;
    size = 0;
    for (int p = 0; p < g.length && g[p] != null; p++) {
      int[] column = g[p];
      for (int s = 0; s < column.length; s++) {
        if (column[s] != 0) {
          tableFirstLineOf(((long) s << 32 | p) + 1, column[s] - 1);
        }
      }
    }
    assert size == held;
  }

  private long tableFirstLineOf(long key, long line) {
    if (size * 4 >= slots.length) {
      grow();
    }
    long[] t = slots;
    int mask = (t.length >> 1) - 1;
    long h = finish(key);
    int i = (int) (h ^ (h >>> 32)) & mask;
    for (long s; (s = t[2 * i]) != 0; i = (i + 1) & mask) {
      if (s == key) {
        return t[2 * i + 1];
      }
    }
    t[2 * i] = key;
    t[2 * i + 1] = line;
    size++;
    return -1;
  }

  private void grow() {
    slots = doubled(slots, true);
  }

  /**
   * {@code old} (a key at [2i], 0: empty, its value at [2i + 1]) in a table of twice its slots; a key's first slot
   * comes from its bits, {@link #finish}ed first when {@code hashed} (the table's keys are (series id, period id),
   * the series table's are hashes already).
   */
  private static long[] doubled(long[] old, boolean hashed) {
    long[] t = new long[old.length * 2];
    int mask = (t.length >> 1) - 1;
    for (int j = 0; j < old.length; j += 2) {
      long key = old[j];
      if (key != 0) {
        long h = hashed ? finish(key) : key;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (t[2 * i] != 0) {
          i = (i + 1) & mask;
        }
        t[2 * i] = key;
        t[2 * i + 1] = old[j + 1];
      }
    }
    return t;
  }

  /** Whether the lines are in the grid (tests). */
  boolean usesGrid() {
    return grid != null;
  }

  /**
   * {@link #seriesHashOf} of one reader's keys in order, taking the hash of the leading parts the key before shared
   * (the same Strings) from it. One thread at a time.
   */
  static final class Hasher {
    private final String[] parts = new String[6];
    private final String[] lastParts = new String[6];
    private final long[] lastHashes = {0xcbf29ce484222325L, 0, 0, 0, 0, 0, 0}; // [i + 1]: after part i

    /** {@link #seriesHashOf}{@code (k)}. */
    long series(SeriesKey k) {
      String[] p = parts;
      RowParts.keyParts(k, p);
      // loops, so that the compiled hash holds mix once, not once a part (issue 14: 2.7 KB inlined)
      int i = 0;
      while (i < p.length && lastParts[i] == p[i]) {
        i++;
      }
      long h = lastHashes[i];
      for (; i < p.length; i++) {
        h = mix(h, p[i]);
        lastParts[i] = p[i];
        lastHashes[i + 1] = h;
      }
      return finish(h);
    }
  }

  /** A series' 64-bit hash ({@link SeriesDigester}'s table), in one go: the reference {@link Hasher} must equal. */
  static long seriesHashOf(SeriesKey k) {
    String[] parts = new String[6];
    RowParts.keyParts(k, parts);
    long h = 0xcbf29ce484222325L;
    for (String part : parts) { // a loop: mix compiled once, not six times (2 KB; a first load hashes every key)
      h = mix(h, part);
    }
    return finish(h);
  }

  private static long finish(long h) {
    // murmur3 finaliser: spreads FNV's weak low bits
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long mix(long h, String s) {
    if (s == null) { // a key built in code (not read: the readers give "" for a blank part) told apart from ""
      return (h ^ 0x1e) * 0x100000001b3L;
    }
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= 0x1f; // separator, so ("ab","c") differs from ("a","bc")
    return h * 0x100000001b3L;
  }
}
