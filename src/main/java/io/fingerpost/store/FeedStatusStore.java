package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/** The {@code feed_status} and {@code feed_rejection} tables. */
public final class FeedStatusStore {

  /** At most this many rejections are kept per poll (all are counted). */
  public static final int MAX_STORED_REJECTIONS = 10_000;

  private final Pool pool;

  public FeedStatusStore(Pool pool) {
    this.pool = pool;
  }

  /** Counts of one finished read, and a warning about it (null: none). */
  public record PollCounts(long read, long inserted, long updated, long unchanged, long rejected, String warning) {
    public PollCounts(long read, long inserted, long updated, long unchanged, long rejected) {
      this(read, inserted, updated, unchanged, rejected, null);
    }

    public PollCounts withWarning(String warning) {
      return new PollCounts(read, inserted, updated, unchanged, rejected, warning);
    }
  }

  /**
   * What the table remembers of a feed before its poll: has it ever succeeded, on what source, and, while
   * its first load has not completed, when that load began (its first attempt, kept across restarts).
   */
  public record Previous(boolean succeededBefore, String sourceFingerprint, OffsetDateTime firstLoadStarted,
                         long rowsRead, String warning) {

    /** How this poll's batches count: a feed whose first load never completed is still loading history. */
    public InitialLoad initialLoad() {
      return succeededBefore ? InitialLoad.none() : InitialLoad.firstLoad(firstLoadStarted);
    }
  }

  public Future<Previous> pollStarted(String feed, String type, String source) {
    return pool.preparedQuery("""
        INSERT INTO feed_status (feed, type, source, last_poll_started, first_load_started)
        VALUES ($1, $2, $3, now(), now())
        ON CONFLICT (feed) DO UPDATE SET type = excluded.type, source = excluded.source,
          last_poll_started = now(),
          first_load_started = CASE WHEN feed_status.first_success IS NULL
            THEN COALESCE(feed_status.first_load_started, now()) END
        RETURNING first_success IS NOT NULL, source_fingerprint, first_load_started, rows_read, warning""")
        .execute(Tuple.of(feed, type, source))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Previous(r.getBoolean(0), r.getString(1), r.getOffsetDateTime(2), r.getLong(3), r.getString(4));
        });
  }

  /** A poll that read its source to the end (or found it unchanged: counts null). */
  public Future<Void> pollSucceeded(String feed, PollCounts counts, String fingerprint, OffsetDateTime nextPoll) {
    if (counts == null) {
      return pool.preparedQuery("""
          UPDATE feed_status SET last_poll_finished = now(), last_success = now(),
            first_success = COALESCE(first_success, now()), consecutive_failures = 0, next_poll_at = $2
          WHERE feed = $1""").execute(Tuple.of(feed, nextPoll)).mapEmpty();
    }
    return pool.preparedQuery("""
        UPDATE feed_status SET last_poll_finished = now(), last_success = now(),
          first_success = COALESCE(first_success, now()), consecutive_failures = 0,
          rows_read = $2, rows_inserted = $3, rows_updated = $4, rows_unchanged = $5, rows_rejected = $6,
          source_fingerprint = $7, next_poll_at = $8, warning = $9
        WHERE feed = $1""")
        .execute(Tuple.tuple().addValue(feed).addValue(counts.read()).addValue(counts.inserted())
            .addValue(counts.updated()).addValue(counts.unchanged()).addValue(counts.rejected())
            .addValue(fingerprint).addValue(nextPoll).addValue(counts.warning()))
        .mapEmpty();
  }

  public Future<Void> pollFailed(String feed, String error, int consecutiveFailures, OffsetDateTime nextPoll) {
    return pool.preparedQuery("""
        UPDATE feed_status SET last_poll_finished = now(), last_error = $2, last_error_at = now(),
          consecutive_failures = $3, next_poll_at = $4
        WHERE feed = $1""")
        .execute(Tuple.of(feed, error, consecutiveFailures, nextPoll)).mapEmpty();
  }

  /** Replaces a file feed's rejections with those of its latest read, in one transaction. */
  public Future<Void> replaceRejections(String feed, List<Rejection> rejections) {
    return pool.withTransaction(c -> c.preparedQuery("DELETE FROM feed_rejection WHERE feed = $1")
        .execute(Tuple.of(feed))
        .compose(v -> insert(c, feed, rejections)));
  }

  /** Adds rejections (the push endpoint keeps those of every request). */
  public Future<Void> addRejections(String feed, List<Rejection> rejections) {
    return insert(pool, feed, rejections);
  }

  private static Future<Void> insert(io.vertx.sqlclient.SqlClient c, String feed, List<Rejection> rejections) {
    if (rejections.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Rejection> keep = rejections.size() > MAX_STORED_REJECTIONS
        ? rejections.subList(0, MAX_STORED_REJECTIONS) : rejections;
    int n = keep.size();
    String[] source = new String[n], reason = new String[n], content = new String[n];
    Long[] line = new Long[n];
    for (int i = 0; i < n; i++) {
      Rejection r = keep.get(i);
      source[i] = r.source();
      line[i] = r.line();
      reason[i] = r.reason();
      content[i] = r.content();
    }
    return c.preparedQuery("""
        INSERT INTO feed_rejection (feed, source, line, reason, content)
        SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[])""")
        .execute(Tuple.of(feed, source, line, reason, content)).mapEmpty();
  }

  /** Makes sure the push feed has a status row. */
  public Future<RowSet<Row>> ensure(String feed, String type, String source) {
    return pool.preparedQuery("""
        INSERT INTO feed_status (feed, type, source) VALUES ($1, $2, $3)
        ON CONFLICT (feed) DO UPDATE SET type = excluded.type, source = excluded.source""")
        .execute(Tuple.of(feed, type, source));
  }

  /** A push request: adds its counts to the totals. */
  public Future<Void> pushReceived(String feed, PollCounts counts) {
    return pool.preparedQuery("""
        UPDATE feed_status SET last_poll_started = now(), last_poll_finished = now(), last_success = now(),
          first_success = COALESCE(first_success, now()), rows_read = rows_read + $2,
          rows_inserted = rows_inserted + $3, rows_updated = rows_updated + $4,
          rows_unchanged = rows_unchanged + $5, rows_rejected = rows_rejected + $6
        WHERE feed = $1""")
        .execute(Tuple.tuple().addValue(feed).addValue(counts.read()).addValue(counts.inserted())
            .addValue(counts.updated()).addValue(counts.unchanged()).addValue(counts.rejected()))
        .mapEmpty();
  }
}
