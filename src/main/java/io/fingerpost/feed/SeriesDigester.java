package io.fingerpost.feed;

import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.SeriesDigestStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * Per-series digests of a read's parsed rows (issue 14): each row's fields as the store writes or compares them
 * (period label, start and end, value, the four limits, count, denominator, note; null told apart from every
 * number) hashed to 128 bits by MurmurHash3 x64-128 (commons-codec), summed per series modulo 2^128, so the digest
 * does not depend on the rows' order (a file has each (series, period) once: the reader rejects repeats). The
 * series' digest adds a hash of {@link #VERSION}, the feed, the key and what the store's intervals from counts read
 * of the indicator (value type, unit), so it names exactly one series of one feed under one computation.
 * MurmurHash3 is not cryptographic: it detects changes, it does not resist a forger who edits the file to collide
 * (who can edit the file can write the store anyway). One reader thread at a time.
 */
final class SeriesDigester {

  /** Raised when what the store writes for a row changes meaning: every saved digest then stops matching. */
  static final int VERSION = 1;

  /** One series' sum. */
  static final class Sum {
    final SeriesKey key;
    final long a;
    final long b;
    final int rows;

    Sum(SeriesKey key, long a, long b, int rows) {
      this.key = key;
      this.a = a;
      this.b = b;
      this.rows = rows;
    }
  }

  /**
   * The running sums by series id (dense, in order of first sight): {@code sums[4i..4i+3]} = hash, a, b, rows, one
   * cache line a row where a HashMap of {@link SeriesKey} cost a key hash and three objects (a sixth of pass 1's
   * reader thread in a flight recording). A series' id is found by open addressing on its 64-bit hash
   * ({@link DuplicateKeys#seriesHashOf}, which the Fingertips reader hands over in {@link RowParts#seriesHash}):
   * {@code index[2j]} = hash (0: empty), {@code index[2j + 1]} = id; but first the id after the last row's is tried,
   * which a period-major file (each period's series in the same order) hits every row: the sums are then read in
   * order, where a table by hash had cost a cache miss a row (10% of pass 1's thread, issue 14). Two series whose
   * 64-bit hashes are equal (about n²/2⁶⁵ for n series) share one sum under the last one's key: its digest then
   * matches no stored one and the other has none, so both are written again: a collision costs work, never a change
   * missed.
   */
  private long[] sums = new long[4 << 11];
  private SeriesKey[] keys = new SeriesKey[1 << 11];
  private long[] index = new long[2 << 12];
  private int size;
  private SeriesKey lastKey;
  private int lastSlot = -1;
  private byte[] buf = new byte[256];
  private int pos;
  private long rows;

  private final RowParts scratch = new RowParts();

  /** Adds one parsed row. */
  void add(Observation o) {
    add(scratch.of(o, null, null), o.key() == lastKey ? 0 : DuplicateKeys.seriesHashOf(o.key()));
  }

  /**
   * Adds one parsed row from its parts: the same bytes as {@link #add(Observation)} of the observation they
   * make (one code for both), without the observation (pass 1 of a re-read, {@link DigestedLoad}).
   */
  void add(RowParts o) {
    add(o, o.seriesHash != 0 || o.key == lastKey ? o.seriesHash : DuplicateKeys.seriesHashOf(o.key));
  }

  /**
   * Adds a row whose series has the hash {@code seriesHash} (read only when the series is not the last row's). Each
   * caller takes the hash its own way before: one test of which way in here, first passed the other way by a
   * re-read after a first load, undid the compiled {@link #add} (issue 14).
   */
  private void add(RowParts o, long seriesHash) {
    SeriesKey key = o.key;
    int slot = lastSlot;
    if (key != lastKey) {
      long h = nonZero(seriesHash);
      slot++; // the series after the last row's (see sums)
      if (slot < size && sums[4 * slot] == h) {
        keys[slot] = key; // as slot() does: the last key of the hash
      } else {
        slot = slot(h, key);
      }
      lastKey = key;
      lastSlot = slot;
    }
    pos = 0;
    text(o.period.label()); // anew each row: a label kept while it repeats undid the compiled add at the next one
    number(o.period.start());
    number(o.period.end());
    for (int i = 0; i < RowParts.NUMBERS; i++) {
      if (o.has(i)) {
        number(o.numbers[i]);
      } else {
        ensure(1);
        buf[pos++] = 0;
      }
    }
    text(o.note);
    long[] h = MurmurHash3.hash128x64(buf, 0, pos, 0);
    long[] t = sums;
    int i = 4 * slot;
    long a = t[i + 1] + h[0];
    t[i + 2] += h[1] + carry(t[i + 1], h[0], a); // 128-bit sum: carry from the low half
    t[i + 1] = a;
    t[i + 3]++;
    rows++;
  }

  /**
   * The carry out of the unsigned sum {@code x + y = sum}, without a branch: a test (sum &lt; x) is never passed
   * while a first load's series are new (their sums start at 0) and undid the compiled {@link #add} at the first
   * series that came back (issue 14).
   */
  static long carry(long x, long y, long sum) {
    return ((x & y) | ((x | y) & ~sum)) >>> 63;
  }

  /** The id of the series of hash {@code h} (not 0), taken for {@code key} when new. */
  private int slot(long h, SeriesKey key) {
    if (2 * (size + 1) > index.length >> 1) {
      growIndex();
    }
    if (size == keys.length) {
      sums = Arrays.copyOf(sums, 2 * sums.length);
      keys = Arrays.copyOf(keys, 2 * keys.length);
    }
    int j = probe(index, (index.length >> 1) - 1, h);
    // no branch on whether the series is new (see probe): an old one's id gets its hash and an equal key again
    long s = index[2 * j];
    int fresh = (int) (((s | -s) >>> 63) ^ 1); // 1 when s was 0 (an empty slot): its id is 0 there
    int id = (int) index[2 * j + 1] + fresh * size;
    index[2 * j] = h;
    index[2 * j + 1] = id;
    sums[4 * id] = h;
    keys[id] = key;
    size += fresh;
    return id;
  }

  /**
   * The slot of {@code index} (of {@code mask + 1} slots) holding {@code h}, or the empty one where it would go. One
   * exit test, which a first load takes both ways from its first rows: a test of its own for a series seen before,
   * first passed when a series comes back mid-file, undid the compiled {@link #add} (issue 14).
   */
  private static int probe(long[] t, int mask, long h) {
    int i = (int) (h ^ (h >>> 32)) & mask;
    for (long s; ((s = t[2 * i]) == 0 ? h : s) != h; ) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private static long nonZero(long hash) {
    return hash == 0 ? 1 : hash; // 0 marks an empty slot
  }

  private void growIndex() {
    long[] old = index;
    long[] t = new long[old.length * 2];
    int mask = (t.length >> 1) - 1;
    for (int j = 0; j < old.length; j += 2) {
      long h = old[j];
      if (h != 0) {
        int i = probe(t, mask, h);
        t[2 * i] = h;
        t[2 * i + 1] = old[j + 1];
      }
    }
    index = t;
  }

  long rows() {
    return rows;
  }

  int series() {
    return size;
  }

  /** The sum of {@code key} (null: no row of it seen). */
  Sum sum(SeriesKey key) {
    int j = probe(index, (index.length >> 1) - 1, nonZero(DuplicateKeys.seriesHashOf(key)));
    return index[2 * j] == 0 ? null : sumAt((int) index[2 * j + 1]);
  }

  /** Every series' sum, in no particular order. */
  List<Sum> sums() {
    List<Sum> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(sumAt(i));
    }
    return out;
  }

  private Sum sumAt(int i) {
    return new Sum(keys[i], sums[4 * i + 1], sums[4 * i + 2], (int) sums[4 * i + 3]);
  }

  /** The 64-bit hash of a key that finds its digest ({@code feed_series_digest.key_hash}). */
  static long keyHash(SeriesKey key) {
    KeyText t = new KeyText();
    t.parts(key);
    return t.keyHash();
  }

  /** A series' digest: its rows' sum plus the hash of version, feed, key and indicator kind ({@code kinds}). */
  static SeriesDigestStore.Digest digest(String feed, Sum s, Map<String, String> kinds) {
    KeyText t = new KeyText();
    t.parts(s.key); // the key's text once for both hashes
    long keyHash = t.keyHash();
    t.part(feed);
    t.part(kinds.getOrDefault(s.key.indicatorId(), ""));
    long[] h = MurmurHash3.hash128x64(t.buf, 0, t.pos, VERSION);
    long a = s.a + h[0];
    long b = s.b + h[1] + carry(s.a, h[0], a);
    return new SeriesDigestStore.Digest(keyHash, a, b);
  }

  /** The digests of {@code sums}, in their order. */
  static SeriesDigestStore.Digest[] digests(String feed, List<Sum> sums, Map<String, String> kinds) {
    SeriesDigestStore.Digest[] out = new SeriesDigestStore.Digest[sums.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = digest(feed, sums.get(i), kinds);
    }
    return out;
  }

  /**
   * A key's text in UTF-8: each part as its length (in UTF-16 units, decimal), ':' and its text, then '|'; null as
   * '|' alone. Written straight into bytes, the parts in a loop: the StringBuilder it replaces compiled to 8 KB at
   * the end of a first load, while its 100,000 digests were computed with nothing else to do (issue 14).
   */
  private static final class KeyText {
    private final String[] parts = new String[6];
    private byte[] buf = new byte[256];
    private int pos;

    void parts(SeriesKey k) {
      RowParts.keyParts(k, parts);
      for (String p : parts) {
        part(p);
      }
    }

    /** The key's hash: its parts, then a null feed and a null kind; the text is left at the key's parts. */
    long keyHash() {
      int end = pos;
      part(null);
      part(null);
      long h = MurmurHash3.hash128x64(buf, 0, pos, 0)[0];
      pos = end;
      return h;
    }

    void part(String s) {
      if (s != null) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ensure(utf8.length + 13);
        decimal(s.length());
        buf[pos++] = ':';
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
      }
      ensure(1);
      buf[pos++] = '|';
    }

    private void decimal(int v) {
      int digits = 1;
      for (int x = v; x >= 10; x /= 10) {
        digits++;
      }
      pos += digits;
      for (int i = pos - 1; i >= pos - digits; i--, v /= 10) {
        buf[i] = (byte) ('0' + v % 10);
      }
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  /** A tag (null or not), then the UTF-16 units with the length first: no two texts encode alike. */
  private void text(String s) {
    if (s == null) {
      ensure(1);
      buf[pos++] = 0;
      return;
    }
    int n = s.length();
    ensure(5 + 2 * n);
    buf[pos++] = 1;
    putInt(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      buf[pos++] = (byte) c;
      buf[pos++] = (byte) (c >>> 8);
    }
  }

  private void number(double d) {
    ensure(9);
    buf[pos++] = 1;
    long v = Double.doubleToLongBits(d);
    for (int i = 0; i < 8; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  private void putInt(int v) {
    buf[pos++] = (byte) v;
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 24);
  }
}
