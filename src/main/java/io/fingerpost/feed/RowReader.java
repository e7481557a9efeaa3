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
  /** Lines {@code from}..{@code to} (inclusive) of the source. */
  record LineRange(long from, long to) {
    boolean overlaps(long first, long last) {
      return from <= last && first <= to;
    }
  }

  /**
   * The lines whose records could not be read (broken CSV quoting; up to {@link Long#MAX_VALUE} when the
   * parser could not get past it), in order; empty when every record was read. Valid once read to the end.
   */
  default java.util.List<LineRange> unread() {
    return java.util.List.of();
  }

  /**
   * A hint before the first row: about {@code rows} rows follow (the feed's last read; negative: not known).
   * Readers size their tables from it instead of growing them row by row; a wrong hint costs only memory or growth.
   */
  default void expectRows(long rows) {}

  @Override
  void close() throws IOException;
}
