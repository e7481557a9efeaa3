package io.fingerpost.meters;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A block of Prometheus exposition text rendered ahead of scrapes (the indicator state), held as gzip members
 * in exposition order ({@code parts}: each a whole gzip member; their concatenation is one valid gzip
 * stream), with its counts and uncompressed size. Parts let a refresh replace only the members of the states
 * that changed and a scrape send them without copying. Lives here, apart from the renderer, so that the
 * meters have no dependency on the parts whose state is rendered.
 */
public record RenderedState(List<byte[]> parts, long textBytes, int states, int samples) {

  public RenderedState {
    parts = List.copyOf(parts);
  }

  /** The parts as one gzip stream (tests; a scrape sends the parts as they are). */
  public byte[] gzip() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static final ThreadLocal<java.util.zip.Inflater> INFLATER =
      ThreadLocal.withInitial(() -> new java.util.zip.Inflater(true));

  /** The uncompressed size of one part: its gzip trailer's ISIZE (RFC 1952; a part is far below 4 GiB). */
  public static long textSize(byte[] part) {
    int n = part.length;
    return (part[n - 4] & 0xffL) | (part[n - 3] & 0xffL) << 8 | (part[n - 2] & 0xffL) << 16 | (part[n - 1] & 0xffL) << 24;
  }

  /**
   * The uncompressed text of one part. A member with the plain 10-byte header (no optional fields: every part
   * rendered here) is inflated straight into an array of its trailer's size with a reused inflater, so a plain
   * scrape allocates the text once; any other member goes through GZIPInputStream.
   */
  public static byte[] inflate(byte[] part) {
    if (part.length >= 18 && part[0] == 0x1f && part[1] == (byte) 0x8b && part[2] == 8 && part[3] == 0) {
      java.util.zip.Inflater inf = INFLATER.get();
      inf.reset();
      inf.setInput(part, 10, part.length - 18);
      byte[] out = new byte[(int) textSize(part)];
      try {
        int n = 0;
        while (n < out.length) {
          int k = inf.inflate(out, n, out.length - n);
          if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) break;
          n += k;
        }
        if (n == out.length && inf.finished()) return out;
      } catch (java.util.zip.DataFormatException e) {
        throw new UncheckedIOException(new IOException("corrupt gzip member", e));
      }
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(part), 1 << 16)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uncompressed text (tests, and scrapers that do not accept gzip). */
  public byte[] text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, textBytes));
    for (byte[] p : parts) out.writeBytes(inflate(p));
    return out.toByteArray();
  }
}
