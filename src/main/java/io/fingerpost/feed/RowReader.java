package io.fingerpost.feed;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;

/**
 * A streaming reader of one source: yields every record as a {@link ParsedRow} or {@link RejectedRow},
 * holding only the current record in memory. {@link #hasNext()} and {@link #next()} throw
 * {@link FeedFormatException} when the source as a whole cannot be read on (e.g. the stream broke);
 * rows already returned stay valid. Bad rows, bad bytes and broken CSV quoting are {@link RejectedRow}s.
 */
public interface RowReader extends Iterator<FeedRow>, Closeable {
  /**
   * The line from which nothing could be read (broken CSV quoting that the parser could not get past), or -1
   * when the source was read to its end.
   */
  default long unreadFrom() {
    return -1;
  }

  @Override
  void close() throws IOException;
}
