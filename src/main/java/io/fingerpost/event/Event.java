package io.fingerpost.event;

/**
 * Something one part tells the others, on the Vert.x event bus of this JVM. Every event is an immutable
 * record listed here; {@link Events} registers a pass-by-reference codec for each, so adding an event is
 * one record (with its {@link Address}) and its name in {@code permits}.
 */
public sealed interface Event permits SeriesChanged, EvaluationsCreated, TargetsEvaluated, FeedStatus, AlertsChanged,
    OutboxWakeUp {

  /** Where this event is sent. */
  Address<?> address();
}
