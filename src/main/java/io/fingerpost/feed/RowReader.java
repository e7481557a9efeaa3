package io.fingerpost.feed;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;

/**
 * A streaming reader of one source: yields every record as a {@link ParsedRow} or {@link RejectedRow},
 * holding only the current record in memory. {@link #hasNext()} and {@link #next()} throw
 * {@link FeedFormatException} when the source as a whole cannot be read on (e.g. an unterminated
 * quote); rows already returned stay valid.
 */
public interface RowReader extends Iterator<FeedRow>, Closeable {
  @Override
  void close() throws IOException;
}
