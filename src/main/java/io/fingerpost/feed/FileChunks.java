package io.fingerpost.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * A CSV file cut into chunks of whole records, each with a SHA-256 fingerprint of its raw bytes, so a
 * re-read can skip the chunks it loaded before and parse only the changed ones.
 *
 * <p>Cuts fall only at a line end outside quotes (quoted fields may hold newlines: a {@code "} toggles
 * the quoted state, and an escaped {@code ""} toggles it twice). Where to cut is decided by the content,
 * not the position: after a record whose own hash has its low bits zero (once the chunk has its minimum
 * size), so a row inserted or deleted changes one chunk, not every chunk after it. Each fingerprint
 * covers a seed (the feed's configuration), the header and the chunk, so a new header or configuration
 * changes every chunk. Cuts and fingerprints are stored ({@code FeedChunkStore}) and compared by the next
 * poll: computing them another way would only make chunks read again, never a change missed, yet the scan
 * keeps the byte-at-a-time polynomial so that no stored chunk goes stale. Line numbers are physical lines of
 * the file (every {@code \n}, {@code \r\n} or lone {@code \r}, inside quotes too), as the readers count them.
 */
public final class FileChunks {

  /** One chunk: bytes [offset, offset + length), its first physical line, its line breaks and records. */
  public record Chunk(long offset, long length, long firstLine, long lines, long records, String fingerprint) {}

  /** Average chunk size aimed at (system property for benchmarking and tests). */
  public static long defaultAverageBytes() {
    return Long.getLong("fingerpost.chunk.bytes", 1L << 20);
  }

  private final Path file;
  private final String stamp; // size and modification time when cut
  private final String contentHash;
  private final byte[] header;
  private final long headerLines;
  private final List<Chunk> chunks;

  private FileChunks(Path file, String stamp, String contentHash, byte[] header, long headerLines, List<Chunk> chunks) {
    this.file = file;
    this.stamp = stamp;
    this.contentHash = contentHash;
    this.header = header;
    this.headerLines = headerLines;
    this.chunks = chunks;
  }

  public List<Chunk> chunks() {
    return chunks;
  }

  /** Whether the file still has the size and modification time it had when it was cut. */
  public boolean unchangedOnDisk() throws IOException {
    return stamp.equals(stamp(file));
  }

  /**
   * SHA-256 of the file's bytes: a file source's fingerprint, so a change that keeps the size and the
   * modification time (as {@code cp -p} and {@code rsync -t} do) is still seen, and a file touched with the
   * same bytes is not read again.
   */
  public static String contentHash(Path file) throws IOException {
    MessageDigest md = sha256();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
      while (ch.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Whether the file was cut with the stamp {@code stamp} (taken before the cut). */
  boolean cutAt(String stamp) {
    return this.stamp.equals(stamp);
  }

  /**
   * The file's size, modification time and identity (inode where the system has one, so a file renamed over it
   * is seen even with the same size and time).
   */
  static String stamp(Path file) throws IOException {
    var attributes = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
    return attributes.size() + ":" + attributes.lastModifiedTime().toMillis() + ":" + attributes.fileKey();
  }

  /** Cuts {@code file} into chunks of about {@code averageBytes} (at least a quarter, at most 8 times). */
  public static FileChunks of(Path file, String seed, long averageBytes) throws IOException {
    return cut(file, seed, averageBytes, false);
  }

  /**
   * As {@link #of}, and the file's {@link #contentHash} from the same pass ({@link #contentHash()}): a first
   * poll needs no fingerprint before it reads, so its load starts at once instead of after a pass of its own.
   */
  public static FileChunks withContentHash(Path file, String seed, long averageBytes) throws IOException {
    return cut(file, seed, averageBytes, true);
  }

  /** SHA-256 of the file's bytes as {@link #contentHash(Path)} gives it (null: not asked for). */
  public String contentHash() {
    return contentHash;
  }

  private static FileChunks cut(Path file, String seed, long averageBytes, boolean hashWhole) throws IOException {
    long min = Math.max(1, averageBytes / 4);
    long max = Math.max(min, averageBytes * 8);
    // Records are ~100-300 bytes: cut after about one record in (average - min) / 200.
    long mask = Long.highestOneBit(Math.max(1, (averageBytes - min) / 200)) - 1;
    MessageDigest seedDigest = sha256();
    seedDigest.update(seed.getBytes(StandardCharsets.UTF_8));
    seedDigest.update((byte) 0);
    MessageDigest whole = hashWhole ? sha256() : null;

    String stamp = stamp(file);
    ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
    List<Chunk> chunks = new ArrayList<>();
    MessageDigest prefix = null; // seed + header, cloned for every chunk
    MessageDigest md = null;
    boolean inHeader = true;
    boolean quoted = false;
    boolean pendingCr = false;
    long headerLines = 0;
    long pos = 0; // file offset of buf[0]
    long chunkStart = 0;
    long chunkFirstLine = 0;
    long line = 1; // physical line of the byte being read
    long records = 0;
    long recordStart = 0;
    long carried = 0; // polynomial hash of the record's bytes in the buffers before this one
    byte[] buf = new byte[1 << 20];
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; pos += n) {
        if (whole != null) {
          whole.update(buf, 0, n);
        }
        int segment = 0; // start in buf of the bytes not yet given to the digest
        int i = 0;
        while (i < n) {
          if (pendingCr) {
            pendingCr = false;
            if (buf[i] != '\n') {
              line++; // a lone \r ends a line
            }
          }
          i = nextSpecial(buf, i, n);
          if (i >= n) {
            break;
          }
          byte b = buf[i++];
          if (b == '"') {
            quoted = !quoted;
          } else if (b == '\r') {
            pendingCr = true;
          } else if (b == '\n') {
            line++;
            if (!quoted) {
              // a record ends here
              long end = pos + i;
              if (inHeader) {
                headerBytes.write(buf, segment, i - segment);
                segment = i;
                inHeader = false;
                headerLines = line - 1;
                prefix = seedDigest;
                prefix.update(headerBytes.toByteArray());
                chunkStart = end;
                chunkFirstLine = line;
                md = clone(prefix);
              } else {
                records++;
                long size = end - chunkStart;
                // the record's hash only where it can cut (issue 14: hashing every record was most of a cut)
                if (size >= min && ((recordHash(poly(carried, buf, (int) Math.max(0, recordStart - pos), i),
                    end - recordStart) & mask) == 0 || size >= max)) {
                  md.update(buf, segment, i - segment);
                  segment = i;
                  chunks.add(new Chunk(chunkStart, size, chunkFirstLine, line - chunkFirstLine, records,
                      HexFormat.of().formatHex(md.digest())));
                  chunkStart = end;
                  chunkFirstLine = line;
                  records = 0;
                  md = clone(prefix);
                }
              }
              recordStart = end;
              carried = 0;
            }
          }
        }
        if (!inHeader) {
          carried = poly(carried, buf, (int) Math.max(0, recordStart - pos), n); // the record goes on
        }
        if (inHeader) {
          headerBytes.write(buf, segment, n - segment);
        } else {
          md.update(buf, segment, n - segment);
        }
      }
    }
    String contentHash = whole == null ? null : HexFormat.of().formatHex(whole.digest());
    if (pendingCr) {
      line++;
    }
    if (inHeader) {
      return new FileChunks(file, stamp, contentHash, headerBytes.toByteArray(), line - 1, List.of());
    }
    if (pos > chunkStart) {
      if (pos > recordStart) {
        records++; // the last record has no line end
      }
      chunks.add(new Chunk(chunkStart, pos - chunkStart, chunkFirstLine, line - chunkFirstLine, records,
          HexFormat.of().formatHex(md.digest())));
    }
    return new FileChunks(file, stamp, contentHash, headerBytes.toByteArray(), headerLines, List.copyOf(chunks));
  }

  /** The header followed by the given chunks (in file order), as one stream. */
  public InputStream open(List<Chunk> selected) throws IOException {
    RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
    return new InputStream() {
      int next = -1; // -1: the header
      long remaining = header.length;
      long at = 0;

      private boolean advance() throws IOException {
        while (remaining == 0) {
          next++;
          if (next >= selected.size()) {
            return false;
          }
          Chunk c = selected.get(next);
          at = c.offset();
          remaining = c.length();
          raf.seek(at);
        }
        return true;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!advance()) {
          return -1;
        }
        int n = (int) Math.min(len, remaining);
        if (next < 0) {
          System.arraycopy(header, (int) at, b, off, n);
        } else {
          n = raf.read(b, off, n);
          if (n < 0) {
            throw new IOException(file + " changed while it was read");
          }
        }
        at += n;
        remaining -= n;
        return n;
      }

      @Override
      public void close() throws IOException {
        raf.close();
      }
    };
  }

  /**
   * Maps a line of the stream {@link #open} gives for {@code selected} to the physical line of the
   * file.
   */
  public LongUnaryOperator lineMap(List<Chunk> selected) {
    long[] streamStart = new long[selected.size()];
    long[] fileStart = new long[selected.size()];
    long at = headerLines + 1;
    for (int i = 0; i < selected.size(); i++) {
      streamStart[i] = at;
      fileStart[i] = selected.get(i).firstLine();
      at += selected.get(i).lines();
    }
    return line -> {
      int i = Arrays.binarySearch(streamStart, line);
      if (i < 0) {
        i = -i - 2;
      }
      return i < 0 ? line : fileStart[i] + (line - streamStart[i]);
    };
  }

  /** The index of the first quote or line end in {@code buf[from, to)} ({@code to}: none), eight bytes a step. */
  private static int nextSpecial(byte[] buf, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long special = special((long) LONGS.get(buf, i));
      if (special != 0) {
        return i + (Long.numberOfTrailingZeros(special) >>> 3);
      }
    }
    for (; i < to; i++) {
      byte b = buf[i];
      if (b == '"' || b == '\n' || b == '\r') {
        return i;
      }
    }
    return to;
  }

  /**
   * {@code h} followed by the bytes {@code buf[from, to)} in the polynomial hash of a record's bytes, each
   * (signed) byte in turn {@code h = h * 31 + b}: the definition the stored cuts were made by, eight bytes a step.
   */
  static long poly(long h, byte[] buf, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = h * POW31_8 + poly8((long) LONGS.get(buf, i));
    }
    for (; i < to; i++) {
      h = h * 31 + buf[i];
    }
    return h;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long POW31_8 = 852891037441L; // 31^8

  /** The high bit set in the first byte of {@code w} (lowest: first in the file) that is a quote or line end. */
  private static long special(long w) {
    return zeroByte(w ^ ('"' * ONES)) | zeroByte(w ^ ('\n' * ONES)) | zeroByte(w ^ ('\r' * ONES));
  }

  /** Nonzero where {@code x} has a zero byte (exact for its lowest zero byte, which is all {@link #special} uses). */
  private static long zeroByte(long x) {
    return (x - ONES) & ~x & HIGHS;
  }

  /**
   * The record's polynomial of the 8 bytes of {@code w} (first byte lowest): b0*31^7 + b1*31^6 + ... + b7, with
   * bytes signed as the byte loop takes them. Pairs, then fours, are summed in lanes wide enough not to overflow.
   */
  private static long poly8(long w) {
    long p = poly8Unsigned(w);
    long negative = w & HIGHS;
    return negative == 0 ? p : p - 256 * poly8Unsigned(negative >>> 7); // a byte >= 0x80 counts 256 less
  }

  private static long poly8Unsigned(long w) {
    long pairs = (w & 0x00FF00FF00FF00FFL) * 31 + ((w >>> 8) & 0x00FF00FF00FF00FFL);
    long fours = (pairs & 0x0000FFFF0000FFFFL) * 961 + ((pairs >>> 16) & 0x0000FFFF0000FFFFL);
    return (fours & 0xFFFFFFFFL) * 923521 + (fours >>> 32);
  }

  /**
   * The hash that decides a cut: of the record's length and a polynomial hash of its bytes, so it
   * depends on the record alone, never on where it lies in the file.
   */
  static long recordHash(long sum, long length) {
    long h = (sum * 0x9E3779B97F4A7C15L) ^ (length * 0xC2B2AE3D27D4EB4FL);
    h ^= h >>> 31;
    h *= 0xbf58476d1ce4e5b9L;
    return h ^ (h >>> 29);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest clone(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }
}
