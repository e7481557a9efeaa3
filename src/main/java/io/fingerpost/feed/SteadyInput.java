package io.fingerpost.feed;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A source's bytes read into one array of its own, the first read made when it is opened (issue 14). The JDK's
 * file stream ({@code Files.newInputStream}) wraps the caller's array anew when it is not the array of the call
 * before, so a stream's first read takes a branch no later read takes. Where the compiled tokeniser of an earlier
 * read had that stream inlined, the next read's first call trapped there and threw the whole compiled tokeniser
 * away (JFR jdk.Deoptimization: unstable_if at ChannelInputStream.read; C2 then compiled it again, about a second
 * of a core, during the unchanged re-read). Here every read of the source passes the same array, and the first
 * is made outside the reading loop.
 */
final class SteadyInput extends InputStream {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int len; // bytes in buf; -1: the source ended

  /** Reads the first bytes of {@code in}; closes it if that fails. */
  SteadyInput(InputStream in) throws IOException {
    this.in = in;
    try {
      fill();
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private void fill() throws IOException {
    pos = 0;
    len = in.read(buf, 0, buf.length);
  }

  @Override
  public int read(byte[] b, int off, int n) throws IOException {
    Objects.checkFromIndexSize(off, n, b.length);
    if (n == 0) {
      return 0;
    }
    if (pos == len) {
      fill();
    }
    if (len < 0) {
      return -1;
    }
    int k = Math.min(n, len - pos);
    System.arraycopy(buf, pos, b, off, k);
    pos += k;
    return k;
  }

  @Override
  public int read() throws IOException {
    if (pos == len) {
      fill();
    }
    return len < 0 ? -1 : buf[pos++] & 0xFF;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
