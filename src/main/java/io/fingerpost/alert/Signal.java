package io.fingerpost.alert;

import io.fingerpost.model.Severity;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What one rule says about one target (or feed) at one evaluation: the condition is active (with a
 * severity), clear, or unknown (the engine could not tell; the alert keeps its state).
 *
 * @param evaluationId the evaluation that produced it; null for feed signals
 * @param step identifies the data the signal is about (period + revision); damping counts distinct steps
 *     so the same data evaluated twice is counted once
 */
public record Signal(
    Rule rule,
    String fingerprint,
    Condition condition,
    Severity severity,
    Map<String, String> labels,
    Map<String, String> annotations,
    Long evaluationId,
    String step,
    Instant at,
    boolean initialLoad,
    String generatorUrl) {

  public enum Condition {
    ACTIVE,
    CLEAR,
    UNKNOWN
  }

  public Signal {
    Objects.requireNonNull(rule);
    Objects.requireNonNull(fingerprint);
    Objects.requireNonNull(condition);
    Objects.requireNonNull(at);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    if (condition == Condition.ACTIVE) {
      Objects.requireNonNull(severity, "an active signal has a severity");
    }
  }
}
