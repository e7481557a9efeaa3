package io.fingerpost.event;

import java.util.List;

/**
 * New evaluation rows, committed (target evaluator → alerts, metrics).
 *
 * @param initialLoad   true for evaluations of an initial load: alerts record them as history, notify nobody
 * @param evaluationIds ids of the new {@code evaluation} rows
 * @param targetIds     the targets they evaluate
 */
public record EvaluationsCreated(boolean initialLoad, List<Long> evaluationIds, List<String> targetIds)
    implements Event {
  public static final Address<EvaluationsCreated> ADDRESS =
      Address.of("fingerpost.evaluations.created", EvaluationsCreated.class);

  public EvaluationsCreated {
    evaluationIds = List.copyOf(evaluationIds);
    targetIds = List.copyOf(targetIds);
  }

  @Override
  public Address<EvaluationsCreated> address() {
    return ADDRESS;
  }
}
