package io.fingerpost.metrics;

import io.fingerpost.meters.RenderedState;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip member (RFC 1952: 10-byte header, raw deflate, CRC-32 and length) at the fastest level, with one
 * reused deflater per thread: a refresh compresses hundreds of small members, and a new deflater per member
 * would allocate its window each time. Members concatenated are one gzip stream (RFC 1952 section 2.2). Also
 * inflates a member into a direct buffer for a plain scrape ({@link #inflateInto}).
 */
final class GzipMember {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED, true));

  /** The deflate output of the thread's last member, kept for the next (a refresh compresses hundreds). */
  private static final ThreadLocal<byte[]> OUT = ThreadLocal.withInitial(() -> new byte[1 << 16]);

  private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(() -> new Inflater(true));

  private GzipMember() {}

  /**
   * Appends one member's text to {@code out} (a direct buffer: inflated in place, nothing copied). A member with
   * the plain 10-byte header (every member rendered here) is inflated straight into the buffer with a reused
   * inflater; any other goes through {@link RenderedState#inflate}.
   */
  static void inflateInto(byte[] member, ByteBuf out) {
    int size = (int) RenderedState.textSize(member);
    if (member.length >= 18 && member[0] == 0x1f && member[1] == (byte) 0x8b && member[2] == 8 && member[3] == 0) {
      Inflater inf = INFLATER.get();
      inf.reset();
      inf.setInput(member, 10, member.length - 18);
      out.ensureWritable(size);
      ByteBuffer into = out.nioBuffer(out.writerIndex(), size);
      try {
        while (into.hasRemaining()) {
          if (inf.inflate(into) == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) break;
        }
      } catch (DataFormatException e) {
        throw new UncheckedIOException(new IOException("corrupt gzip member", e));
      }
      if (!into.hasRemaining() && inf.finished()) {
        out.writerIndex(out.writerIndex() + size);
        return;
      }
    }
    out.writeBytes(RenderedState.inflate(member));
  }

  static byte[] of(byte[] data) {
    return of(data, data.length);
  }

  /**
   * The member of {@code data[0, length)}. Deflates into a reused per-thread buffer (grown as needed) and copies
   * the member out once.
   */
  static byte[] of(byte[] data, int length) {
    Deflater def = DEFLATER.get();
    def.reset();
    def.setInput(data, 0, length);
    def.finish();
    byte[] buf = OUT.get();
    System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
    int at = HEADER.length;
    while (!def.finished()) {
      if (at == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
        OUT.set(buf);
      }
      at += def.deflate(buf, at, buf.length - at);
    }
    CRC32 crc = new CRC32();
    crc.update(data, 0, length);
    byte[] member = Arrays.copyOf(buf, at + 8);
    writeIntLe(member, at, (int) crc.getValue());
    writeIntLe(member, at + 4, length);
    return member;
  }

  private static void writeIntLe(byte[] out, int at, int v) {
    out[at] = (byte) v;
    out[at + 1] = (byte) (v >>> 8);
    out[at + 2] = (byte) (v >>> 16);
    out[at + 3] = (byte) (v >>> 24);
  }
}
