package io.fingerpost.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
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
 * changes every chunk. Line numbers are physical lines of the file (every {@code \n}, {@code \r\n} or
 * lone {@code \r}, inside quotes too), as the readers count them.
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
  private final byte[] header;
  private final long headerLines;
  private final List<Chunk> chunks;

  private FileChunks(Path file, String stamp, byte[] header, long headerLines, List<Chunk> chunks) {
    this.file = file;
    this.stamp = stamp;
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

  private static String stamp(Path file) throws IOException {
    return java.nio.file.Files.size(file) + ":" + java.nio.file.Files.getLastModifiedTime(file).toMillis();
  }

  /** Cuts {@code file} into chunks of about {@code averageBytes} (at least a quarter, at most 8 times). */
  public static FileChunks of(Path file, String seed, long averageBytes) throws IOException {
    long min = Math.max(1, averageBytes / 4);
    long max = Math.max(min, averageBytes * 8);
    // Records are ~100-300 bytes: cut after about one record in (average - min) / 200.
    long mask = Long.highestOneBit(Math.max(1, (averageBytes - min) / 200)) - 1;
    MessageDigest seedDigest = sha256();
    seedDigest.update(seed.getBytes(StandardCharsets.UTF_8));
    seedDigest.update((byte) 0);

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
    long sum = 0; // polynomial hash of the record's bytes
    byte[] buf = new byte[1 << 20];
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; pos += n) {
        int segment = 0; // start in buf of the bytes not yet given to the digest
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (pendingCr) {
            pendingCr = false;
            if (b != '\n') {
              line++; // a lone \r ends a line
            }
          }
          if (ordinary(b)) {
            // a run of bytes with nothing to do but the record's hash (issue 14: the byte-at-a-time multiply
            // chain was most of a cut): the same polynomial four bytes a step, equal in 64-bit arithmetic
            long h = sum * 31 + b;
            int j = i + 1;
            for (; j + 3 < n; j += 4) {
              byte b0 = buf[j];
              byte b1 = buf[j + 1];
              byte b2 = buf[j + 2];
              byte b3 = buf[j + 3];
              if (!(ordinary(b0) && ordinary(b1) && ordinary(b2) && ordinary(b3))) {
                break;
              }
              h = h * 923521L + b0 * 29791L + b1 * 961L + b2 * 31L + b3;
            }
            for (; j < n && ordinary(buf[j]); j++) {
              h = h * 31 + buf[j];
            }
            sum = h;
            i = j - 1;
            continue;
          }
          sum = sum * 31 + b;
          if (b == '"') {
            quoted = !quoted;
          } else if (b == '\r') {
            pendingCr = true;
          } else if (b == '\n') {
            line++;
            if (!quoted) {
              // a record ends here
              long end = pos + i + 1;
              if (inHeader) {
                headerBytes.write(buf, segment, i + 1 - segment);
                segment = i + 1;
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
                if (size >= min && ((recordHash(sum, end - recordStart) & mask) == 0 || size >= max)) {
                  md.update(buf, segment, i + 1 - segment);
                  segment = i + 1;
                  chunks.add(new Chunk(chunkStart, size, chunkFirstLine, line - chunkFirstLine, records,
                      HexFormat.of().formatHex(md.digest())));
                  chunkStart = end;
                  chunkFirstLine = line;
                  records = 0;
                  md = clone(prefix);
                }
              }
              recordStart = end;
              sum = 0;
            }
          }
        }
        if (inHeader) {
          headerBytes.write(buf, segment, n - segment);
        } else {
          md.update(buf, segment, n - segment);
        }
      }
    }
    if (pendingCr) {
      line++;
    }
    if (inHeader) {
      return new FileChunks(file, stamp, headerBytes.toByteArray(), line - 1, List.of());
    }
    if (pos > chunkStart) {
      if (pos > recordStart) {
        records++; // the last record has no line end
      }
      chunks.add(new Chunk(chunkStart, pos - chunkStart, chunkFirstLine, line - chunkFirstLine, records,
          HexFormat.of().formatHex(md.digest())));
    }
    return new FileChunks(file, stamp, headerBytes.toByteArray(), headerLines, List.copyOf(chunks));
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

  /** A byte that is not a quote or a line end: it only goes into the record's hash. */
  private static boolean ordinary(byte b) {
    return b > '"' || b != '"' && b != '\n' && b != '\r';
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
