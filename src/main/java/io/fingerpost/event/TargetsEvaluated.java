package io.fingerpost.event;

import java.util.List;

/**
 * An evaluation round has finished (target evaluator → API cache): whatever it wrote about these targets
 * (new evaluations, and also a target's warning or values in use, which make no evaluation row) is
 * committed. Published after every round, even one that wrote nothing new.
 *
 * @param targetIds the targets the round evaluated
 */
public record TargetsEvaluated(List<String> targetIds) implements Event {
  public static final Address<TargetsEvaluated> ADDRESS =
      Address.of("fingerpost.targets.evaluated", TargetsEvaluated.class);

  public TargetsEvaluated {
    targetIds = List.copyOf(targetIds);
  }

  @Override
  public Address<TargetsEvaluated> address() {
    return ADDRESS;
  }
}
