package io.fingerpost.feed;

import io.fingerpost.model.SeriesKey;

/**
 * Remembers which (series, period) keys a read has seen, and on which line, so that a key that appears
 * twice in one source is rejected instead of silently overwriting the first value. Keys are held as
 * 64-bit hashes in an open-addressing table (16–32 bytes per row, so millions of rows fit); two
 * different keys share a hash with probability about n²/2⁶⁵ (1e-8 for a million rows).
 */
final class DuplicateKeys {
  // slot s: its key's hash at [2s] (0: empty) and the line at [2s + 1], side by side: one cache miss a lookup
  private long[] slots = new long[2 << 12];
  private int size;
  private final Hasher hasher = new Hasher();

  /**
   * Sizes the table for about {@code rows} keys at once (the feed's last read; negative: not known), instead of
   * doubling up to it: at a million rows the doublings were arrays of 0.5 to 16 MB each, G1 humongous allocations
   * that each started a concurrent cycle (JFR, issue 14). Only before the first key; the hint is capped at 2^24 keys (a 512 MB table), beyond which it grows.
   */
  void expect(long rows) {
    if (size > 0 || rows <= 0) {
      return;
    }
    long want = Math.min(rows, 1L << 24) * 4; // longs: two a slot, at most half the slots used
    if (want > slots.length) {
      slots = new long[(int) Long.highestOneBit(want - 1) << 1];
    }
  }

  /** Records the key; returns the line it was first seen on, or -1 when it is new. */
  long firstLineOf(SeriesKey key, String period, long line) {
    return firstLineOf(hasher.hash(key, period), line);
  }

  /**
   * Records the key of {@link Hasher#hash} {@code h} (hashed where the row was parsed: {@link ParallelChunks}'
   * parts hash on the pool); returns the line it was first seen on, or -1 when it is new.
   */
  long firstLineOf(long h, long line) {
    if (h == 0) {
      h = 1; // 0 marks an empty slot
    }
    if (size * 4 >= slots.length) {
      grow();
    }
    long[] t = slots;
    int mask = (t.length >> 1) - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    for (long s; (s = t[2 * i]) != 0; i = (i + 1) & mask) {
      if (s == h) {
        return t[2 * i + 1];
      }
    }
    t[2 * i] = h;
    t[2 * i + 1] = line;
    size++;
    return -1;
  }

  private void grow() {
    long[] old = slots;
    long[] t = new long[old.length * 2];
    int mask = (t.length >> 1) - 1;
    for (int j = 0; j < old.length; j += 2) {
      long h = old[j];
      if (h != 0) {
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (t[2 * i] != 0) {
          i = (i + 1) & mask;
        }
        t[2 * i] = h;
        t[2 * i + 1] = old[j + 1];
      }
    }
    slots = t;
  }

  /**
   * {@link #hashOf} of one reader's keys in order, taking the hash of the leading parts the key before shared (the
   * same Strings) from it. One thread at a time.
   */
  static final class Hasher {
    private final String[] parts = new String[7]; // the key being hashed, then its period
    private final String[] lastParts = new String[7];
    private final long[] lastHashes = {0xcbf29ce484222325L, 0, 0, 0, 0, 0, 0, 0}; // [i + 1]: after part i

    /** {@link #hashOf}{@code (k, period)}; {@link #series()} is then {@link #seriesHashOf}{@code (k)}. */
    long hash(SeriesKey k, String period) {
      String[] p = parts;
      RowParts.keyParts(k, p);
      p[6] = period;
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

    /** The series' hash of the key of the last {@link #hash} (the same steps, before the period's). */
    long series() {
      return finish(lastHashes[6]);
    }
  }

  /** The whole key's hash, in one go: the reference {@link Hasher#hash} must equal (DuplicateKeysTest). */
  static long hashOf(SeriesKey k, String period) {
    return finish(mix(seriesSteps(k), period));
  }

  /** A series' 64-bit hash ({@link SeriesDigester}'s table). */
  static long seriesHashOf(SeriesKey k) {
    return finish(seriesSteps(k));
  }

  private static long seriesSteps(SeriesKey k) {
    String[] parts = new String[6];
    RowParts.keyParts(k, parts);
    long h = 0xcbf29ce484222325L;
    for (String part : parts) { // a loop: mix compiled once, not six times (2 KB; a first load hashes every key)
      h = mix(h, part);
    }
    return h;
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
