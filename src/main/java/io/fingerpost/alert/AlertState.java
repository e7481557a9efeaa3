package io.fingerpost.alert;

import io.fingerpost.model.Severity;
import io.fingerpost.alert.Signal.Condition;
import java.time.Instant;
import java.util.Map;

/**
 * The stored state of one alert (a row of {@code alert}): what {@link AlertLifecycle} needs to decide
 * the next transition.
 *
 * @param notified whether the current firing episode was announced to anyone (false for episodes that
 *     fired during an initial load or under a silence); a resolution is announced only when it was
 * @param lastStep period and revision of the last evaluation counted for damping
 * @param pendingCount consecutive distinct evaluations that contradict the current state
 * @param pendingCondition what those evaluations said (ACTIVE or CLEAR), null when none
 * @param pendingSeverity the severity they said, when ACTIVE
 */
public record AlertState(
    String fingerprint,
    Rule rule,
    State state,
    Severity severity,
    Map<String, String> labels,
    Map<String, String> annotations,
    String generatorUrl,
    Instant startsAt,
    Instant endsAt,
    boolean notified,
    Long lastEvaluationId,
    String lastStep,
    int pendingCount,
    Condition pendingCondition,
    Severity pendingSeverity,
    Instant lastChangeAt) {

  public enum State {
    FIRING,
    RESOLVED;

    public String label() {
      return this == FIRING ? "firing" : "resolved";
    }
  }

  public AlertState {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
