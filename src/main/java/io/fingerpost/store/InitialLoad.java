package io.fingerpost.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, for one poll, which changed series count as an initial load: the poll is the feed's first
 * successful one and the series had no observations before the poll began (its earlier batches in the
 * same poll do not count).
 */
public final class InitialLoad {
  private final boolean firstPoll;
  private final Set<Long> newInThisPoll = ConcurrentHashMap.newKeySet();

  public InitialLoad(boolean firstPoll) {
    this.firstPoll = firstPoll;
  }

  /** Never initial (push requests, later polls). */
  public static InitialLoad none() {
    return new InitialLoad(false);
  }

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
}
