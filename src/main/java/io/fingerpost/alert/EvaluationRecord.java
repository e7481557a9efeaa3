package io.fingerpost.alert;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetContext;
import java.time.Instant;

/**
 * One stored evaluation (the strategy part's {@link Evaluation}, read by its {@code EvaluationMapping}) with the
 * columns the database adds (id, time, initial load) and its target's context: the input of the alert rules.
 * Nullable numbers and verdicts in {@code evaluation} are null when the engine could not compute them.
 */
public record EvaluationRecord(long id, Instant evaluatedAt, boolean initialLoad, Evaluation evaluation,
    TargetContext target) {

  public String targetId() {
    return evaluation.targetId();
  }

  public String period() {
    return evaluation.period();
  }

  /** The observation revision evaluated; 0 when none was (NOT_ENOUGH_DATA). */
  public int observationRevision() {
    return evaluation.observationRevision() == null ? 0 : evaluation.observationRevision();
  }

  /** The same evaluation marked as part of a feed's initial load (history: recorded, not notified). */
  public EvaluationRecord asInitialLoad() {
    return new EvaluationRecord(id, evaluatedAt, true, evaluation, target);
  }
}
