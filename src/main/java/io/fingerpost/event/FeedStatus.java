package io.fingerpost.event;

import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.time.Instant;
import java.util.Objects;

/**
 * A feed finished a poll (feeds → alerts for feed stale/failing, metrics, tests). Also kept per feed in
 * {@code feed.FeedBoard} (hence {@link Shareable}: immutable, shared as it is).
 *
 * @param feed                the feed's name
 * @param type                its configured type, e.g. {@code fingertips-csv}
 * @param source              where it reads from, as shown to people
 * @param ok                  whether this poll succeeded
 * @param firstPollDone       whether the feed has finished a poll since start (always true once published)
 * @param consecutiveFailures failed polls since the last success (0 after a success)
 * @param lastSuccess         when the feed last succeeded in this process, or null
 * @param lastError           the last failure's message, or null
 * @param read                what a successful poll read; null for a failed one
 * @param warning             why the latest read looks wrong although it succeeded (e.g. its row count fell
 *                            sharply against the read before), kept while the source is unchanged; else null
 */
public record FeedStatus(String feed, String type, String source, boolean ok, boolean firstPollDone,
                         int consecutiveFailures, Instant lastSuccess, String lastError, Read read, String warning)
    implements Event, Shareable {
  public static final Address<FeedStatus> ADDRESS = Address.of("fingerpost.feed.status", FeedStatus.class);

  public FeedStatus {
    Objects.requireNonNull(feed, "feed");
  }

  /** A status without a warning. */
  public FeedStatus(String feed, String type, String source, boolean ok, boolean firstPollDone,
                    int consecutiveFailures, Instant lastSuccess, String lastError, Read read) {
    this(feed, type, source, ok, firstPollDone, consecutiveFailures, lastSuccess, lastError, read, null);
  }

  /**
   * What a successful poll did.
   *
   * @param unchanged  true when the source had the same fingerprint and was not read ({@code rows} is null)
   * @param durationMs how long the poll took
   * @param rows       the rows read, or null when the source was unchanged
   * @param chunks     for a chunked read, the chunks and those skipped as already loaded; else null
   * @param storedMs   how long from the poll's start until its rows were stored (its load's last commit); a
   *                   file's first poll then cuts it into chunks for the next read, so its durationMs is longer
   */
  public record Read(boolean unchanged, long durationMs, Rows rows, Chunks chunks, long storedMs) {
    /** A poll whose rows were stored when it ended. */
    public Read(boolean unchanged, long durationMs, Rows rows, Chunks chunks) {
      this(unchanged, durationMs, rows, chunks, durationMs);
    }
  }

  /** Row counts of a read (skipped chunks count as read and unchanged). */
  public record Rows(long read, long inserted, long updated, long unchanged, long rejected) {}

  /** Chunks of a chunked read, and how many of them were skipped as loaded before. */
  public record Chunks(int chunks, int skipped) {}

  /** Whether the poll found the source unchanged and skipped reading it. */
  public boolean unchanged() {
    return read != null && read.unchanged();
  }

  /** The rows the poll read, or null (failed, or source unchanged). */
  public Rows rows() {
    return read == null ? null : read.rows();
  }

  @Override
  public Address<FeedStatus> address() {
    return ADDRESS;
  }

  /** The documented JSON form (docs/internals.md "Feed status"), as {@code GET /ready} reads it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("feed", feed).put("type", type).put("source", source).put("ok", ok)
        .put("firstPollDone", firstPollDone).put("consecutiveFailures", consecutiveFailures)
        .put("lastSuccess", lastSuccess == null ? null : lastSuccess.toString()).put("lastError", lastError);
    if (read != null) {
      json.put("unchanged", read.unchanged()).put("durationMs", read.durationMs());
      if (read.chunks() != null) {
        json.put("chunks", read.chunks().chunks()).put("chunksSkipped", read.chunks().skipped());
      }
      if (read.rows() != null) {
        Rows r = read.rows();
        json.put("rowsRead", r.read()).put("rowsInserted", r.inserted()).put("rowsUpdated", r.updated())
            .put("rowsUnchanged", r.unchanged()).put("rowsRejected", r.rejected()).put("storedMs", read.storedMs());
      }
    }
    if (warning != null) {
      json.put("warning", warning);
    }
    return json;
  }
}
