package io.fingerpost.feed;

import io.fingerpost.config.FeedConfig;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.DatabaseOutage;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.Lease;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;

/**
 * What every polled feed verticle ({@link FeedVerticle}, {@code fingertips-api}, {@code fingertips-next}) does
 * between its polls, in one place: the poll timer; the cluster lease ({@code feed:<name>}: only its holder polls,
 * a member that does not hold it looks again every {@code leaseCheck}, and polls at once when it takes the lease
 * over); the count of failed polls in a row with the configured {@code retry} backoff; the failure's log line
 * (debug while the database is known to be away, the store logs that outage once); the status of each poll
 * ({@code feed_status}, the {@link FeedBoard} and the event bus). A poll that fails because this member lost its
 * lease meanwhile ({@link Lease#isLost}) is not a failure of the feed: the new holder writes from then on, so
 * nothing is counted, recorded or warned about. Runs on the verticle's context.
 */
public final class FeedRetry {

  private final FeedConfig config;
  private final String source;
  private final FeedStatusStore status;
  private final Lease lease;
  private final long leaseCheckMs;
  private final Logger log;
  private Vertx vertx;
  private Runnable poll;
  private long timer = -1;
  private int failures;
  private boolean stopped;
  /** A poll is under way (a lease taken meanwhile does not start a second one). */
  private boolean polling;
  private Instant lastSuccess;
  private String lastError;
  /** The latest read's warning, kept while the source is unchanged. */
  private String warning;

  /**
   * @param source     the feed's source as shown to people
   * @param lease      the feed's lease (cluster), or null: always poll
   * @param leaseCheck how often a member without the lease looks again (null: 1 s)
   * @param log        the feed verticle's logger, so the lines keep their origin
   */
  public FeedRetry(FeedConfig config, String source, FeedStatusStore status, Lease lease, Duration leaseCheck,
                   Logger log) {
    this.config = config;
    this.source = source;
    this.status = status;
    this.lease = lease;
    this.leaseCheckMs = leaseCheck == null ? 1000 : Math.max(1, leaseCheck.toMillis());
    this.log = log;
  }

  /** Starts polling with {@code poll} on the calling (verticle's) context: the first poll at once. */
  public void start(Vertx vertx, Runnable poll) {
    this.vertx = vertx;
    this.poll = poll;
    if (lease != null) { // taken (again): poll now, not at the end of an interval timed while it was lost
      Context here = vertx.getOrCreateContext();
      lease.onTaken(() -> here.runOnContext(v -> {
        if (!polling && !stopped) {
          vertx.cancelTimer(timer);
          poll.run();
        }
      }));
    }
    timer = vertx.setTimer(1, t -> poll.run());
  }

  /** Whether the feed was stopped (undeployed): a poll waiting for its turn gives up. */
  public boolean stopped() {
    return stopped;
  }

  public void stop() {
    stopped = true;
    if (vertx != null) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * Called first by each poll: whether it may go on (not stopped, this member holds the lease). When it may not,
   * the next look is scheduled.
   */
  public boolean begin() {
    if (stopped) {
      return false;
    }
    if (lease != null && !lease.held()) {
      schedule(leaseCheckMs); // another member polls this feed; look again soon
      return false;
    }
    polling = true;
    return true;
  }

  /** The poll succeeded: the failure count starts again, the status is published, the next poll is timed. */
  public void succeeded(FeedStatus.Read read) {
    polling = false;
    failures = 0;
    lastSuccess = Instant.now();
    FeedBoard.update(vertx, status(true, read));
    schedule(config.intervalOrDefault().toMillis());
  }

  /**
   * The poll failed: a lost lease is left to the new holder; anything else counts a failure, is logged and
   * recorded, and the poll is retried after the configured backoff for that many failures in a row.
   */
  public void failed(Throwable cause) {
    polling = false;
    if (Lease.isLost(cause)) {
      // fenced: another member took the feed over while this poll ran; it writes from now on
      log.info("Feed {}: {}; the poll's remaining writes are left to the new holder", config.name(),
          cause.getMessage());
      schedule(leaseCheckMs);
      return;
    }
    failures++;
    lastError = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    long delay = config.retryOrDefault().delayAfter(failures).toMillis();
    if (DatabaseOutage.isDown(vertx) && DatabaseOutage.isConnectionFailure(cause)) {
      // the database is away: the store logs that once; the retry below picks up when it is back
      log.debug("Feed {} waits for the database ({} in a row), retrying in {} ms", config.name(), failures, delay);
    } else {
      log.warn("Feed {} failed ({} in a row), retrying in {} ms: {}", config.name(), failures, delay, lastError);
    }
    FeedBoard.update(vertx, status(false, null));
    status.pollFailed(config.name(), lastError, failures, OffsetDateTime.now(ZoneOffset.UTC).plusNanos(delay * 1_000_000))
        .onFailure(e -> {
          if (!DatabaseOutage.isConnectionFailure(e)) {
            log.warn("Feed {}: cannot record its failure: {}", config.name(), e.getMessage());
          }
        });
    schedule(delay);
  }

  /** Sets the latest read's warning (null: none), shown in the status from now on. */
  public void warning(String warning) {
    this.warning = warning;
  }

  /** Failed polls since the last success. */
  public int failures() {
    return failures;
  }

  /** When the next poll is due after a success (stored in {@code feed_status}). */
  public OffsetDateTime nextPoll() {
    return OffsetDateTime.now(ZoneOffset.UTC).plus(config.intervalOrDefault());
  }

  private FeedStatus status(boolean ok, FeedStatus.Read read) {
    return new FeedStatus(config.name(), config.type(), source, ok, true, failures, lastSuccess, lastError, read,
        warning);
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delayMs), t -> poll.run());
    }
  }
}
