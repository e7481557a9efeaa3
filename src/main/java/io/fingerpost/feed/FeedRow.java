package io.fingerpost.feed;

/**
 * One record of a feed's source as a reader saw it: either parsed into an observation
 * ({@link ParsedRow}) or rejected with a reason ({@link RejectedRow}). {@link #line()} is the
 * physical line of the source where the record starts (1 is the header), so a person can find it.
 */
public sealed interface FeedRow permits ParsedRow, RejectedRow {
  long line();
}
