package io.fingerpost.meters;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/**
 * A block of Prometheus exposition text rendered ahead of scrapes (the indicator state), gzip-compressed as
 * one gzip member, with its counts and uncompressed size. Lives here, apart from the renderer, so that the
 * meters have no dependency on the parts whose state is rendered.
 */
public record RenderedState(byte[] gzip, long textBytes, int states, int samples) {

  /** The uncompressed text (tests, and scrapers that do not accept gzip). */
  public byte[] text() {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 1 << 16)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
