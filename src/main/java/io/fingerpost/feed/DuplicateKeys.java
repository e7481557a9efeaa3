package io.fingerpost.feed;

import io.fingerpost.model.SeriesKey;

/**
 * Remembers which (series, period) keys a read has seen, and on which line, so that a key that appears
 * twice in one source is rejected instead of silently overwriting the first value. Keys are held as
 * 64-bit hashes in an open-addressing table (about 12 bytes per row, so millions of rows fit); two
 * different keys share a hash with probability about n²/2⁶⁵ (1e-8 for a million rows).
 */
final class DuplicateKeys {
  private long[] hashes = new long[1 << 12];
  private long[] lines = new long[1 << 12];
  private int size;

  /** Records the key; returns the line it was first seen on, or -1 when it is new. */
  long firstLineOf(SeriesKey key, String period, long line) {
    long h = hash(key, period);
    if (h == 0) {
      h = 1; // 0 marks an empty slot
    }
    if (size * 2 >= hashes.length) {
      grow();
    }
    int mask = hashes.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (hashes[i] != 0) {
      if (hashes[i] == h) {
        return lines[i];
      }
      i = (i + 1) & mask;
    }
    hashes[i] = h;
    lines[i] = line;
    size++;
    return -1;
  }

  private void grow() {
    long[] oldH = hashes;
    long[] oldL = lines;
    hashes = new long[oldH.length * 2];
    lines = new long[oldH.length * 2];
    int mask = hashes.length - 1;
    for (int j = 0; j < oldH.length; j++) {
      if (oldH[j] != 0) {
        int i = (int) (oldH[j] ^ (oldH[j] >>> 32)) & mask;
        while (hashes[i] != 0) {
          i = (i + 1) & mask;
        }
        hashes[i] = oldH[j];
        lines[i] = oldL[j];
      }
    }
  }

  static long hash(SeriesKey k, String period) {
    long h = 0xcbf29ce484222325L;
    h = mix(h, k.indicatorId());
    h = mix(h, k.areaCode());
    h = mix(h, k.sex());
    h = mix(h, k.age());
    h = mix(h, k.categoryType());
    h = mix(h, k.category());
    h = mix(h, period);
    // murmur3 finaliser: spreads FNV's weak low bits
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= 0x1f; // separator, so ("ab","c") differs from ("a","bc")
    return h * 0x100000001b3L;
  }
}
