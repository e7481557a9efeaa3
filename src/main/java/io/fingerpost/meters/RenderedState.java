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

  /** The uncompressed text of one part. */
  public static byte[] inflate(byte[] part) {
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
