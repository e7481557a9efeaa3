package io.fingerpost.feed;

/**
 * A reader that can hand out a row's parts without building the row (issue 14: no {@link ParsedRow},
 * {@code Observation} or boxed numbers a row): {@link FingertipsCsvReader} and {@link ParallelChunks}. The same
 * rules, rejections and duplicate check as {@link #next()}, less the published verdicts, which only a built row
 * holds. A consumer calls either {@link #next()} or {@link #nextParts()} for a read, not both.
 */
interface PartsReader extends RowReader {

  /** The next row's rejection, or null when it parsed: its parts are then in {@link #parts()}. */
  FeedRow nextParts();

  /** The parts of the row {@link #nextParts()} returned null for; valid until the next call. */
  RowParts parts();
}
