package io.fingerpost.alert;

import io.fingerpost.model.Severity;
import io.fingerpost.alert.AlertState.State;
import java.time.Instant;
import java.util.Map;

/**
 * One change of an alert, kept as history ({@code alert_transition}) and, when {@link #notify}, sent.
 *
 * @param from the state before, null for a new alert
 * @param previousLabels the labels the alert had before, when they changed (severity): receivers that
 *     identify alerts by labels (Alertmanager) end the old label set
 * @param reason a short word for the history: fired, resolved, escalated, de-escalated
 */
public record Transition(
    String fingerprint,
    Rule rule,
    State from,
    State to,
    Severity severity,
    String reason,
    Instant at,
    Long evaluationId,
    String step,
    boolean initialLoad,
    boolean notifies,
    boolean silenced,
    Map<String, String> labels,
    Map<String, String> annotations,
    Map<String, String> previousLabels,
    String generatorUrl,
    Instant startsAt,
    Instant endsAt) {}
