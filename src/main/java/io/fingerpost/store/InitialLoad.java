package io.fingerpost.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, for one poll, which changed series count as an initial load: the poll is the feed's first
 * successful one and the series had no observations before the poll began (its earlier batches in the
 * same poll do not count).
 *
 * <p>It also carries what the store learns during the poll so later batches are cheaper: series
 * created in this poll had no observations before it (no need to ask the database), and whether
 * inserting a batch as all-new rows (no compare) is worth trying.
 */
public final class InitialLoad {
  private final boolean firstPoll;
  private final Set<Long> newInThisPoll = ConcurrentHashMap.newKeySet();
  private volatile boolean insertOnly;

  public InitialLoad(boolean firstPoll) {
    this.firstPoll = firstPoll;
    this.insertOnly = firstPoll;
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
      newInThisPoll.add(seriesId);
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
