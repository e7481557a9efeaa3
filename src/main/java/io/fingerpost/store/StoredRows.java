package io.fingerpost.store;

import io.fingerpost.model.Observation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.fingerpost.event.Events;
import io.fingerpost.event.SeriesChanged;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * A feed's stored rows held in memory for one full read (issue 14, item 3), so an unchanged row is recognised
 * without a round trip: {@link #differing} keeps only the rows that are new, differ from the stored row, or are not
 * known here; those go through the store's merge, which compares again under the row lock. The comparison is the
 * merge's own ({@code IS DISTINCT FROM} over value, the four limits, count, denominator, note, period start and end
 * and ci_computed), so a row this skips is a row the merge would have left untouched.
 *
 * <p>What is held is what was stored when the read began, minus every row the read itself sent to the merge and
 * every series another writer changed meanwhile ({@link #seriesChanged}, from the {@code SeriesChanged} events):
 * those are compared by the merge again. A row missing here (a feed's row a push overwrote: its source is then
 * {@code push}; rows beyond the cap) costs a merge, never a wrong skip.
 *
 * <p>Memory: primitive arrays, about 110 bytes a row (9 float8s, a null mask, the key and its hash slot), not an
 * object a row; the number of rows is capped by the caller ({@code fingerpost.load.compareRows}).
 */
public final class StoredRows {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoredRows.class);

  /** Reads of fewer rows compare in the database; more than {@code COMPARE_ROWS} are not held in memory. */
  static final long COMPARE_MIN_ROWS = Long.getLong("fingerpost.load.compareMinRows", 20_000);
  static final int COMPARE_ROWS = Integer.getInteger("fingerpost.load.compareRows", 2_000_000);

  private volatile Runnable onClose = () -> { };

  /** float8 columns of a row, in the order of the COPY OUT. */
  private static final int DOUBLES = 9;
  private static final int COMPUTED_BIT = 1 << DOUBLES;
  private static final int NOTE_BIT = 1 << (DOUBLES + 1);
  private static final int PERIOD_BITS = 20;

  private final Map<String, Integer> periods = new HashMap<>();
  private long[] keys; // open addressing, 0 = empty (keys are stored + 1)
  private int[] slots;
  private double[] doubles;
  private int[] masks; // bit c: double c is null; COMPUTED_BIT; NOTE_BIT: a note is held
  private String[] notes;
  private final BitSet forgotten = new BitSet();
  private final Set<Long> changedSeries = ConcurrentHashMap.newKeySet();
  private int size;

  /** The COPY OUT statement's select list (its order is what {@link #read} decodes). */
  static final String COLUMNS = "series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, "
      + "lower_ci998, upper_ci998, count, denominator, value_note, ci_computed";

  static Future<StoredRows> open(Vertx vertx, Pool pool, CopyWriter copy, String feed, long expectedRows,
                                long minRows) {
    if (expectedRows >= 0 && expectedRows < minRows) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery("""
        SELECT (SELECT rows_read FROM feed_status WHERE feed = $1),
               (SELECT reltuples::bigint FROM pg_class WHERE oid = 'observation'::regclass)""")
        .execute(Tuple.of(feed)).compose(r -> {
          Row row = r.iterator().next();
          long feedRows = row.getLong(0) == null ? 0 : row.getLong(0);
          long tableRows = row.getLong(1) == null ? 0 : row.getLong(1);
          if (feedRows < minRows || feedRows > COMPARE_ROWS || feedRows * 10 < tableRows) {
            return Future.succeededFuture((StoredRows) null);
          }
          StoredRows[] held = new StoredRows[1]; // guarded by itself
          List<Long> early = new ArrayList<>();
          // listening before the snapshot: a change in between is followed, never missed
          var consumer = Events.consumer(vertx, SeriesChanged.ADDRESS, e -> {
            List<Long> ids = e.series().stream().map(SeriesChanged.Item::seriesId).toList();
            synchronized (held) {
              if (held[0] != null) {
                held[0].seriesChanged(ids);
              } else {
                early.addAll(ids);
              }
            }
          });
          return consumer.completion()
              .compose(v -> copy.storedRows(feed, COMPARE_ROWS, (int) feedRows))
              .map(rows -> {
                rows.onClose(consumer::unregister);
                synchronized (held) {
                  held[0] = rows;
                  rows.seriesChanged(early);
                }
                return rows;
              })
              .onFailure(e -> consumer.unregister());
        })
        .recover(e -> {
          LOG.debug("Feed {}: stored rows not read ({}); comparing in the database", feed, e.getMessage());
          return Future.succeededFuture(null);
        });
  }

  void onClose(Runnable r) {
    onClose = r;
  }

  /** Stops following other writers' changes (the read is over). */
  public void close() {
    onClose.run();
  }

  StoredRows(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    keys = new long[capacity];
    slots = new int[capacity];
    doubles = new double[Math.max(16, expected) * DOUBLES];
    masks = new int[Math.max(16, expected)];
    notes = new String[Math.max(16, expected)];
  }

  int size() {
    return size;
  }

  /**
   * Reads a binary COPY OUT of {@link #COLUMNS} to its end. Decoded from a large buffer by hand (big-endian
   * reads, a period label matched by its bytes against the labels met so far): no stream call, no String a row.
   */
  void read(java.io.InputStream copyOut) throws IOException {
    CopyIn in = new CopyIn(copyOut);
    in.need(19);
    in.pos += 15; // signature and flags
    int extension = in.int32();
    in.need(extension);
    in.pos += extension;
    double[] row = new double[DOUBLES];
    while (true) {
      in.need(2);
      short fields = (short) SHORT.get(in.buf, in.pos);
      in.pos += 2;
      if (fields == -1) {
        return;
      }
      if (fields != 13) {
        throw new IOException("COPY OUT row with " + fields + " fields");
      }
      in.need(4 + 8 + 4);
      in.pos += 4;
      long series = in.int64();
      int periodLength = in.int32();
      in.need(periodLength);
      int period = periodIndex(in.buf, in.pos, periodLength);
      in.pos += periodLength;
      int mask = 0;
      for (int c = 0; c < DOUBLES; c++) {
        in.need(12);
        int len = in.int32();
        if (len < 0) {
          mask |= 1 << c;
          row[c] = 0;
        } else {
          row[c] = Double.longBitsToDouble(in.int64());
        }
      }
      in.need(4);
      int noteLength = in.int32();
      String note = null;
      if (noteLength >= 0) {
        in.need(noteLength);
        note = new String(in.buf, in.pos, noteLength, StandardCharsets.UTF_8);
        in.pos += noteLength;
      }
      in.need(5);
      in.pos += 4;
      boolean computed = in.buf[in.pos++] != 0;
      add(series, period, row, mask | (computed ? COMPUTED_BIT : 0), note);
    }
  }

  private static final java.lang.invoke.VarHandle SHORT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final java.lang.invoke.VarHandle INT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  /** A refillable window on the COPY stream: {@link #need} makes {@code n} bytes readable at {@code pos}. */
  private static final class CopyIn {
    final java.io.InputStream in;
    byte[] buf = new byte[1 << 20];
    int pos;
    int limit;

    CopyIn(java.io.InputStream in) {
      this.in = in;
    }

    void need(int n) throws IOException {
      if (limit - pos >= n) {
        return;
      }
      if (n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
      }
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
      while (limit < n) {
        int read = in.read(buf, limit, buf.length - limit);
        if (read < 0) {
          throw new java.io.EOFException("COPY OUT ended inside a row");
        }
        limit += read;
      }
    }

    int int32() {
      int v = (int) INT.get(buf, pos);
      pos += 4;
      return v;
    }

    long int64() {
      long v = (long) LONG.get(buf, pos);
      pos += 8;
      return v;
    }
  }

  /** The labels by index, as bytes, for {@link #periodIndex}. */
  private final List<byte[]> periodBytes = new ArrayList<>();
  private int lastPeriod = -1;

  /** The index of the period label in {@code b[from, from + n)}, added when new (-1: too many labels). */
  private int periodIndex(byte[] b, int from, int n) {
    if (lastPeriod >= 0 && Arrays.equals(periodBytes.get(lastPeriod), 0, periodBytes.get(lastPeriod).length, b, from,
        from + n)) {
      return lastPeriod;
    }
    if (periodBytes.size() <= 64) { // the usual feed: a few dozen labels, found by their bytes
      for (int i = 0; i < periodBytes.size(); i++) {
        byte[] p = periodBytes.get(i);
        if (Arrays.equals(p, 0, p.length, b, from, from + n)) {
          return lastPeriod = i;
        }
      }
    }
    String label = new String(b, from, n, StandardCharsets.UTF_8);
    Integer p = periods.get(label);
    if (p == null) {
      if (periods.size() >= (1 << PERIOD_BITS) - 1) {
        return -1;
      }
      p = periods.size();
      periods.put(label, p);
      periodBytes.add(Arrays.copyOfRange(b, from, from + n));
    }
    return lastPeriod = p;
  }

  /** The key of a read row (-1: its period was never stored, so no row of it is held). */
  private long key(long series, String period) {
    Integer p = periods.get(period);
    return p == null ? -1 : key(series, p);
  }

  private static long key(long series, int period) {
    if (period < 0 || series < 0 || series >= 1L << (62 - PERIOD_BITS)) {
      return -1;
    }
    return (series << PERIOD_BITS | period) + 1;
  }

  private void add(long series, int period, double[] row, int mask, String note) {
    long key = key(series, period);
    if (key < 0) {
      return; // not representable: that row is merged, as one not read
    }
    if (size == masks.length) {
      int grown = size * 2;
      doubles = Arrays.copyOf(doubles, grown * DOUBLES);
      masks = Arrays.copyOf(masks, grown);
      notes = Arrays.copyOf(notes, grown);
    }
    if ((size + 1) * 2 > keys.length) {
      rehash(keys.length * 2);
    }
    int i = slot(key);
    if (keys[i] != 0) {
      return; // a key appears once in a table with this primary key
    }
    keys[i] = key;
    slots[i] = size;
    System.arraycopy(row, 0, doubles, size * DOUBLES, DOUBLES);
    masks[size] = note == null ? mask : mask | NOTE_BIT;
    notes[size] = note;
    size++;
  }

  private int slot(long key) {
    int mask = keys.length - 1;
    int i = (int) (mix(key) & mask);
    while (keys[i] != 0 && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private static long mix(long x) { // splitmix64's finaliser
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }

  private void rehash(int capacity) {
    long[] oldKeys = keys;
    int[] oldSlots = slots;
    keys = new long[capacity];
    slots = new int[capacity];
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = slot(oldKeys[j]);
        keys[i] = oldKeys[j];
        slots[i] = oldSlots[j];
      }
    }
  }

  /** Whether rows of {@code seriesId} are compared by the merge now (another writer changed the series). */
  boolean follows(long seriesId) {
    return changedSeries.contains(seriesId);
  }

  /** Another writer changed these series: their rows are compared by the merge from now on. */
  void seriesChanged(List<Long> series) {
    changedSeries.addAll(series);
  }

  /**
   * The indexes of the rows that must go to the merge (new, different, or unknown here), and forgets them: once
   * sent, the stored row is what the merge made it, no longer what this holds.
   */
  synchronized int[] differing(List<Observation> rows, Boolean[] computed, Long[] ids) {
    int[] out = new int[rows.size()];
    int n = 0;
    boolean anyChanged = !changedSeries.isEmpty();
    for (int k = 0; k < rows.size(); k++) {
      Observation o = rows.get(k);
      long key = key(ids[k], o.period().label());
      int row = -1;
      if (key >= 0 && !(anyChanged && changedSeries.contains(ids[k]))) {
        int i = slot(key);
        row = keys[i] == 0 || forgotten.get(slots[i]) ? -1 : slots[i];
      }
      if (row < 0 || !same(row, o, Boolean.TRUE.equals(computed[k]))) {
        out[n++] = k;
        if (row >= 0) {
          forgotten.set(row);
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The merge's IS DISTINCT FROM, negated: PostgreSQL's float8 equality (−0 = 0, NaN = NaN), text by bytes. */
  private boolean same(int row, Observation o, boolean computed) {
    int mask = masks[row];
    int at = row * DOUBLES;
    return ((mask & COMPUTED_BIT) != 0) == computed
        && same(mask, at, 0, o.period().start()) && same(mask, at, 1, o.period().end())
        && same(mask, at, 2, o.value()) && same(mask, at, 3, o.lowerCi95()) && same(mask, at, 4, o.upperCi95())
        && same(mask, at, 5, o.lowerCi998()) && same(mask, at, 6, o.upperCi998()) && same(mask, at, 7, o.count())
        && same(mask, at, 8, o.denominator())
        && java.util.Objects.equals((mask & NOTE_BIT) != 0 ? notes[row] : null, o.valueNote());
  }

  private boolean same(int mask, int at, int c, double v) {
    double stored = doubles[at + c];
    return (mask & (1 << c)) == 0 && (stored == v || Double.isNaN(stored) && Double.isNaN(v));
  }

  private boolean same(int mask, int at, int c, Double v) {
    if ((mask & (1 << c)) != 0) {
      return v == null;
    }
    if (v == null) {
      return false;
    }
    double stored = doubles[at + c];
    return stored == v || Double.isNaN(stored) && Double.isNaN(v);
  }
}
