package io.fingerpost.alert;

import io.fingerpost.strategy.EvaluationRow;
import io.fingerpost.strategy.TargetContext;
import java.time.Instant;

/**
 * One stored evaluation (the targets part's {@link EvaluationRow}, read by {@link EvaluationRow#of}) with the
 * columns the database adds (id, time, initial load) and its target's context: the input of the alert rules.
 * Nullable numbers and verdicts in {@code row} are null when the engine could not compute them.
 */
public record EvaluationRecord(long id, Instant evaluatedAt, boolean initialLoad, EvaluationRow row,
    TargetContext target) {

  public String targetId() {
    return row.targetId();
  }

  public String period() {
    return row.period();
  }

  /** The observation revision evaluated; 0 when none was (NOT_ENOUGH_DATA). */
  public int observationRevision() {
    return row.observationRevision() == null ? 0 : row.observationRevision();
  }

  /** The same evaluation marked as part of a feed's initial load (history: recorded, not notified). */
  public EvaluationRecord asInitialLoad() {
    return new EvaluationRecord(id, evaluatedAt, true, row, target);
  }
}
