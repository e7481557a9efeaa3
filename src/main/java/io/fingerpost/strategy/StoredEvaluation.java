package io.fingerpost.strategy;

import java.time.Instant;

/**
 * An evaluation as stored: the columns the database adds (id, time, initial load) around the computed
 * {@link Evaluation}. {@code previousStatus} is the status at the period before (read from the
 * {@code current_evaluation} view; null elsewhere).
 */
public record StoredEvaluation(long id, Instant evaluatedAt, boolean initialLoad, Evaluation evaluation,
    TargetStatus previousStatus, String previousPeriod) {}
