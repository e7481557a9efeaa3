package io.fingerpost.metrics;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip member (RFC 1952: 10-byte header, raw deflate, CRC-32 and length) at the fastest level, with one
 * reused deflater per thread: a refresh compresses hundreds of small members, and a new deflater per member
 * would allocate its window each time. Members concatenated are one gzip stream (RFC 1952 section 2.2).
 */
final class GzipMember {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED, true));

  private GzipMember() {}

  static byte[] of(byte[] data) {
    Deflater def = DEFLATER.get();
    def.reset();
    def.setInput(data);
    def.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 6 + 64);
    out.writeBytes(HEADER);
    byte[] buf = new byte[1 << 16];
    while (!def.finished()) {
      int n = def.deflate(buf);
      out.write(buf, 0, n);
    }
    CRC32 crc = new CRC32();
    crc.update(data);
    writeIntLe(out, (int) crc.getValue());
    writeIntLe(out, data.length);
    return out.toByteArray();
  }

  private static void writeIntLe(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
