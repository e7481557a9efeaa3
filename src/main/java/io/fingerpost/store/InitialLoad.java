package io.fingerpost.store;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, for one poll, which changed series count as an initial load: the poll belongs to the feed's
 * first load (no poll of the feed has completed yet) and the series had no observations from before that
 * load began (its earlier batches in the same poll do not count). The first load began at the feed's first
 * attempt ({@code feed_status.first_load_started}), so a load killed half way and run again after a
 * restart is still initial for the series it had begun: observations that load wrote arrived after that
 * time.
 *
 * <p>It also carries what the store learns during the poll so later batches are cheaper: series
 * created in this poll had no observations before it (no need to ask the database), and whether
 * inserting a batch as all-new rows (no compare) is worth trying.
 */
public final class InitialLoad {
  private final boolean firstPoll;
  private final OffsetDateTime historyBefore;
  private final Set<Long> newInThisPoll = ConcurrentHashMap.newKeySet();
  private volatile boolean insertOnly;

  /** A first load that began with this poll (any observation stored before it is another's history). */
  public InitialLoad(boolean firstPoll) {
    this(firstPoll, null);
  }

  private InitialLoad(boolean firstPoll, OffsetDateTime historyBefore) {
    this.firstPoll = firstPoll;
    this.historyBefore = historyBefore;
    this.insertOnly = firstPoll;
  }

  /**
   * A poll of a feed whose first load has not completed, which began at {@code started} (null: now):
   * only observations that arrived before then make a series' changes "not initial".
   */
  public static InitialLoad firstLoad(OffsetDateTime started) {
    return new InitialLoad(true, started);
  }

  /** Observations that arrived before this time are history from elsewhere (null: any stored one). */
  OffsetDateTime historyBefore() {
    return historyBefore;
  }

  /** Never initial (push requests, later polls). */
  public static InitialLoad none() {
    return new InitialLoad(false);
  }

  /** A series the store created during this poll: it had no observations before the poll. */
  void seriesCreated(long seriesId) {
    if (firstPoll) {
      newInThisPoll.add(seriesId);
    }
  }

  /** Whether the store must ask the database if this series had observations before the batch. */
  boolean needsHistoryCheck(long seriesId) {
    return firstPoll && !newInThisPoll.contains(seriesId);
  }

  /** Only asked for series where {@link #needsHistoryCheck} was true; others pass any value. */
  boolean isInitial(long seriesId, boolean hadObservationsBeforeBatch) {
    if (!firstPoll) {
      return false;
    }
    if (!hadObservationsBeforeBatch) {
      if (!newInThisPoll.contains(seriesId)) { // a read first: adding locks a bin, a first load asks per batch
        newInThisPoll.add(seriesId);
      }
      return true;
    }
    return newInThisPoll.contains(seriesId);
  }

  /**
   * Whether to try a batch as a plain insert of new rows (a first poll, until one batch met rows that
   * were already stored: from then on every batch of the poll goes through the compare path).
   */
  boolean tryInsertOnly() {
    return insertOnly;
  }

  void insertOnlyFailed() {
    insertOnly = false;
  }
}
