package io.fingerpost.store;

import io.fingerpost.model.Observation;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.copy.CopyIn;

/**
 * A batch's rows in PostgreSQL's binary COPY format (the "Binary Format" section of the COPY manual page): a
 * float8 travels as its 8 IEEE-754 bytes, so neither Java nor the server formats or parses a number, and a value
 * comes back bit for bit. Each row is the 13 columns of {@code observation} the feed gives (series_id … ci_computed)
 * and then either the source (a copy straight into {@code observation}) or the ordinal n (the staging table).
 */
final class CopyRows {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  private static final int FLUSH_AT = 1 << 16;

  private final List<Observation> rows;
  private final Boolean[] computed;
  private final Long[] ids;

  /** Row k is {@code rows.get(k)} with series {@code ids[k]} and ci_computed {@code computed[k]}. */
  CopyRows(List<Observation> rows, Boolean[] computed, Long[] ids) {
    this.rows = rows;
    this.computed = computed;
    this.ids = ids;
  }

  int size() {
    return rows.size();
  }

  /**
   * Streams rows {@code order[0..]} (indexes into the batch; null: all in order) to {@code in} and ends the COPY.
   * The last column is {@code source} when not null, else the row's 1-based position in {@code order}.
   */
  void write(CopyIn in, int[] order, String source) throws SQLException {
    Buffer b = Buffer.begin(in);
    byte[] sourceBytes = source == null ? null : source.getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> labels = new HashMap<>(); // a batch has few periods
    int n = order == null ? rows.size() : order.length;
    for (int j = 0; j < n; j++) {
      int k = order == null ? j : order[j];
      Observation o = rows.get(k);
      b.int16(14);
      b.int32(8);
      b.int64(ids[k]);
      b.text(labels.computeIfAbsent(o.period().label(), l -> l.getBytes(StandardCharsets.UTF_8)));
      b.float8(o.period().start());
      b.float8(o.period().end());
      b.float8(o.value());
      b.float8(o.lowerCi95());
      b.float8(o.upperCi95());
      b.float8(o.lowerCi998());
      b.float8(o.upperCi998());
      b.float8(o.count());
      b.float8(o.denominator());
      b.text(o.valueNote() == null ? null : o.valueNote().getBytes(StandardCharsets.UTF_8));
      b.int32(1);
      b.put(Boolean.TRUE.equals(computed[k]) ? 1 : 0);
      if (sourceBytes != null) {
        b.text(sourceBytes);
      } else {
        b.int32(8);
        b.int64(j + 1);
      }
      b.flushIfFull();
    }
    b.end();
  }

  /** Streams series keys (the 6 text columns of {@code series} after its id) to {@code in} and ends the COPY. */
  static void writeKeys(CopyIn in, List<io.fingerpost.model.SeriesKey> keys) throws SQLException {
    Buffer b = Buffer.begin(in);
    for (io.fingerpost.model.SeriesKey k : keys) {
      b.int16(6);
      key(b, k);
      b.flushIfFull();
    }
    b.end();
  }

  /** Streams new series rows (their ids, then the 6 text columns of the key) to {@code in} and ends the COPY. */
  static void writeSeries(CopyIn in, List<io.fingerpost.model.SeriesKey> keys, long[] ids) throws SQLException {
    Buffer b = Buffer.begin(in);
    for (int k = 0; k < ids.length; k++) {
      b.int16(7);
      b.int32(8);
      b.int64(ids[k]);
      key(b, keys.get(k));
      b.flushIfFull();
    }
    b.end();
  }

  /** Streams digest rows (series id, key hash, the digest's two halves: 4 bigints) to {@code in} and ends the COPY. */
  static void writeDigests(CopyIn in, Long[] id, Long[] key, Long[] a, Long[] b) throws SQLException {
    Buffer buf = Buffer.begin(in);
    for (int i = 0; i < id.length; i++) {
      buf.int16(4);
      buf.bigint(id[i]);
      buf.bigint(key[i]);
      buf.bigint(a[i]);
      buf.bigint(b[i]);
      buf.flushIfFull();
    }
    buf.end();
  }

  private static void key(Buffer b, io.fingerpost.model.SeriesKey k) throws SQLException {
    b.text(k.indicatorId().getBytes(StandardCharsets.UTF_8));
    b.text(k.areaCode().getBytes(StandardCharsets.UTF_8));
    b.text(k.sex().getBytes(StandardCharsets.UTF_8));
    b.text(k.age().getBytes(StandardCharsets.UTF_8));
    b.text(k.categoryType().getBytes(StandardCharsets.UTF_8));
    b.text(k.category().getBytes(StandardCharsets.UTF_8));
  }

  /** A big-endian write buffer handed to the COPY stream in blocks of about 64 KiB. */
  private static final class Buffer {
    private final CopyIn in;
    private final byte[] buf = new byte[FLUSH_AT + 4096];
    private int pos;

    private Buffer(CopyIn in) {
      this.in = in;
    }

    /** A buffer for {@code in} holding the binary COPY header (signature, flags, no header extension). */
    static Buffer begin(CopyIn in) {
      Buffer b = new Buffer(in);
      b.bytes(SIGNATURE);
      b.int32(0); // flags
      b.int32(0); // header extension length
      return b;
    }

    /** Writes the trailer, sends what is held and ends the COPY. */
    void end() throws SQLException {
      int16(-1);
      flush();
      in.endCopy();
    }

    void put(int v) {
      buf[pos++] = (byte) v;
    }

    void int16(int v) {
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void int32(int v) {
      buf[pos++] = (byte) (v >>> 24);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void int64(long v) {
      int32((int) (v >>> 32));
      int32((int) v);
    }

    /** A non-null bigint field: its length, then its 8 bytes. */
    void bigint(long v) {
      int32(8);
      int64(v);
    }

    void float8(Double v) {
      if (v == null) {
        int32(-1);
      } else {
        int32(8);
        int64(Double.doubleToRawLongBits(v));
      }
    }

    void float8(double v) {
      int32(8);
      int64(Double.doubleToRawLongBits(v));
    }

    void text(byte[] v) throws SQLException {
      if (v == null) {
        int32(-1);
        return;
      }
      int32(v.length);
      if (pos + v.length > FLUSH_AT) { // the spare 4 KiB stays for the row's fixed-size fields
        flush();
        if (v.length > FLUSH_AT) {
          in.writeToCopy(v, 0, v.length);
          return;
        }
      }
      System.arraycopy(v, 0, buf, pos, v.length);
      pos += v.length;
    }

    void bytes(byte[] v) {
      System.arraycopy(v, 0, buf, pos, v.length);
      pos += v.length;
    }

    void flushIfFull() throws SQLException {
      if (pos >= FLUSH_AT) {
        flush();
      }
    }

    void flush() throws SQLException {
      if (pos > 0) {
        in.writeToCopy(buf, 0, pos);
        pos = 0;
      }
    }
  }
}
