package io.fingerpost.feed;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A feed's reader that its verticle's stop ends: once {@code stopping} is set, {@link #hasNext()} throws
 * {@link Stopped}, so the load in progress fails at its next batch boundary (the batches already sent to the store
 * commit, the one being parsed is dropped) and the poll stores no fingerprint or chunks: the next start reads the
 * source again (docs/internals.md "Stopping"). Keeps {@link PartsReader} when the reader is one.
 */
class StoppableReader implements RowReader {

  /** The load was ended by the feed's stop (not a failure of the feed). */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped by the service's stop", null, false, false);
    }
  }

  static RowReader of(RowReader reader, AtomicBoolean stopping) {
    return reader instanceof PartsReader parts ? new Parts(parts, stopping) : new StoppableReader(reader, stopping);
  }

  private final RowReader reader;
  private final AtomicBoolean stopping;

  private StoppableReader(RowReader reader, AtomicBoolean stopping) {
    this.reader = reader;
    this.stopping = stopping;
  }

  @Override
  public boolean hasNext() {
    if (stopping.get()) {
      throw new Stopped();
    }
    return reader.hasNext();
  }

  @Override
  public FeedRow next() {
    return reader.next();
  }

  @Override
  public List<LineRange> unread() {
    return reader.unread();
  }

  @Override
  public void expectRows(long rows) {
    reader.expectRows(rows);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  private static final class Parts extends StoppableReader implements PartsReader {
    private final PartsReader parts;

    Parts(PartsReader parts, AtomicBoolean stopping) {
      super(parts, stopping);
      this.parts = parts;
    }

    @Override
    public FeedRow nextParts() {
      return parts.nextParts();
    }

    @Override
    public RowParts parts() {
      return parts.parts();
    }
  }
}
