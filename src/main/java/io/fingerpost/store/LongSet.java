package io.fingerpost.store;

/**
 * A set of longs safe for concurrent use, without a boxed {@code Long} or a map node per element: 64 stripes, each
 * an open-addressing table under its own lock. A first load asks {@link InitialLoad} about every series of every
 * batch (a million questions for a million rows); a {@code ConcurrentHashMap} key set boxed each id for each
 * question, 4% of the first load's allocation (issue 14).
 */
final class LongSet {
  private static final int STRIPES = 64;
  private final Stripe[] stripes = new Stripe[STRIPES];

  LongSet() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  private static long mix(long v) {
    return v * 0x9E3779B97F4A7C15L;
  }

  private Stripe stripe(long h) {
    return stripes[(int) (h >>> 58)]; // the top 6 bits pick the stripe, the low bits the slot
  }

  /** Adds {@code v}; whether it was absent. */
  boolean add(long v) {
    long h = mix(v);
    Stripe s = stripe(h);
    synchronized (s) {
      return s.add(v, h);
    }
  }

  boolean contains(long v) {
    long h = mix(v);
    Stripe s = stripe(h);
    synchronized (s) {
      return s.contains(v, h);
    }
  }

  /** One stripe: linear probing, {@code used[i]} tells a stored 0 from an empty slot; load factor at most 1/2. */
  private static final class Stripe {
    long[] values = new long[16];
    boolean[] used = new boolean[16];
    int size;

    boolean contains(long v, long h) {
      int mask = values.length - 1;
      for (int i = (int) h & mask; used[i]; i = (i + 1) & mask) {
        if (values[i] == v) {
          return true;
        }
      }
      return false;
    }

    boolean add(long v, long h) {
      int mask = values.length - 1;
      int i = (int) h & mask;
      for (; used[i]; i = (i + 1) & mask) {
        if (values[i] == v) {
          return false;
        }
      }
      values[i] = v;
      used[i] = true;
      if (++size * 2 > values.length) {
        grow();
      }
      return true;
    }

    private void grow() {
      long[] oldValues = values;
      boolean[] oldUsed = used;
      values = new long[oldValues.length * 2];
      used = new boolean[oldValues.length * 2];
      int mask = values.length - 1;
      for (int k = 0; k < oldValues.length; k++) {
        if (oldUsed[k]) {
          int i = (int) mix(oldValues[k]) & mask;
          while (used[i]) {
            i = (i + 1) & mask;
          }
          values[i] = oldValues[k];
          used[i] = true;
        }
      }
    }
  }
}
