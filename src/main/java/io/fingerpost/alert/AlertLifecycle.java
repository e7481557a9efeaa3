package io.fingerpost.alert;

import io.fingerpost.config.Damping;
import io.fingerpost.model.Severity;
import io.fingerpost.alert.AlertState.State;
import io.fingerpost.alert.Signal.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The alert state machine (pure): firing → resolved → firing…, with de-duplication and damping.
 *
 * <ul>
 *   <li>An evaluation id at or below the last one seen changes nothing: the same evaluation never fires
 *       twice, and a replayed event is harmless.
 *   <li>Damping counts distinct data steps (period + revision), so re-evaluating the same data is not
 *       "another period"; see {@link Damping}.
 *   <li>An initial-load signal changes the state and is kept as history but notifies nobody; a resolution
 *       is announced only if the firing was.
 *   <li>A silenced transition is recorded, not sent.
 * </ul>
 */
public final class AlertLifecycle {
  private final Damping damping;

  public AlertLifecycle(Damping damping) {
    this.damping = Objects.requireNonNull(damping);
  }

  /** The new state (null when nothing is stored for this alert) and the transition, if any. */
  public record Decision(AlertState next, Transition transition) {
    public boolean changed(AlertState before) {
      return !Objects.equals(before, next);
    }
  }

  /**
   * Applies one signal.
   *
   * @param current the stored state, null when this alert never fired
   * @param silenced whether an active silence matches the signal's labels
   */
  public Decision apply(AlertState current, Signal s, boolean silenced) {
    if (current != null && s.evaluationId() != null && current.lastEvaluationId() != null
        && s.evaluationId() <= current.lastEvaluationId()) {
      return new Decision(current, null); // seen before
    }
    if (current == null) {
      if (s.condition() != Condition.ACTIVE) {
        return new Decision(null, null);
      }
      boolean notify = !s.initialLoad() && !silenced;
      Transition t = transition(s.fingerprint(), s.rule(), null, State.FIRING, s.severity(), "fired",
          s, notify, silenced, s.labels(), s.annotations(), null, s.generatorUrl(), s.at(), null);
      AlertState next = new AlertState(s.fingerprint(), s.rule(), State.FIRING, s.severity(),
          s.labels(), s.annotations(), s.generatorUrl(), s.at(), null, notify, s.evaluationId(),
          s.step(), 0, null, null, s.at());
      return new Decision(next, t);
    }
    if (s.condition() == Condition.UNKNOWN) {
      return new Decision(withEvaluation(current, s.evaluationId()), null);
    }
    boolean newStep = !Objects.equals(s.step(), current.lastStep());
    if (current.state() == State.FIRING) {
      if (s.condition() == Condition.ACTIVE && s.severity().compareTo(current.severity()) > 0) {
        return change(current, s, s.severity(), "escalated", silenced);
      }
      if (s.condition() == Condition.ACTIVE && s.severity() == current.severity()) {
        // still firing: refresh the numbers, forget any pending calm-down
        return new Decision(copy(current, current.state(), current.severity(), current.labels(),
            s.annotations(), current.startsAt(), current.endsAt(), current.notified(),
            s.evaluationId(), s.step(), 0, null, null, current.lastChangeAt()), null);
      }
      // calmer: clear, or a lower severity
      return pending(current, s, newStep, damping.periodsToResolve(), damping.minFiring(), silenced);
    }
    // resolved
    if (s.condition() == Condition.CLEAR) {
      return new Decision(copy(current, current.state(), current.severity(), current.labels(),
          current.annotations(), current.startsAt(), current.endsAt(), current.notified(),
          s.evaluationId(), s.step(), 0, null, null, current.lastChangeAt()), null);
    }
    return pending(current, s, newStep, damping.periodsToRefire(), damping.minResolved(), silenced);
  }

  /**
   * Re-checks an alert whose pending change was held back only by a minimum time: when the time has
   * passed, the change happens now, caused by the last evaluation seen.
   */
  public Decision sweep(AlertState current, Instant now, boolean silenced) {
    if (current == null || current.pendingCondition() == null) {
      return new Decision(current, null);
    }
    boolean firing = current.state() == State.FIRING;
    int need = firing ? damping.periodsToResolve() : damping.periodsToRefire();
    Duration hold = firing ? damping.minFiring() : damping.minResolved();
    if (current.pendingCount() < need || Duration.between(current.lastChangeAt(), now).compareTo(hold) < 0) {
      return new Decision(current, null);
    }
    Signal s = new Signal(current.rule(), current.fingerprint(), current.pendingCondition(),
        current.pendingSeverity(), relabel(current.labels(), current.pendingSeverity()),
        current.annotations(), null, current.lastStep(), now, false, current.generatorUrl());
    return execute(current, s, silenced, current.lastEvaluationId());
  }

  private Decision pending(AlertState current, Signal s, boolean newStep, int need, Duration hold,
      boolean silenced) {
    boolean same = current.pendingCondition() == s.condition()
        && current.pendingSeverity() == (s.condition() == Condition.ACTIVE ? s.severity() : null);
    int count = newStep ? (same ? current.pendingCount() + 1 : 1) : Math.max(current.pendingCount(), 1);
    boolean timeOk = Duration.between(current.lastChangeAt(), s.at()).compareTo(hold) >= 0;
    if (count >= need && timeOk) {
      return execute(current, s, silenced, s.evaluationId());
    }
    Severity ps = s.condition() == Condition.ACTIVE ? s.severity() : null;
    return new Decision(copy(current, current.state(), current.severity(), current.labels(),
        current.annotations(), current.startsAt(), current.endsAt(), current.notified(),
        maxId(current.lastEvaluationId(), s.evaluationId()), s.step(), count, s.condition(), ps,
        current.lastChangeAt()), null);
  }

  private Decision execute(AlertState current, Signal s, boolean silenced, Long evaluationId) {
    if (current.state() == State.FIRING && s.condition() == Condition.CLEAR) {
      boolean notify = !s.initialLoad() && current.notified();
      Transition t = transition(current.fingerprint(), current.rule(), State.FIRING, State.RESOLVED,
          current.severity(), "resolved", s, evaluationId, notify, silenced, current.labels(),
          current.annotations(), null, current.generatorUrl(), current.startsAt(), s.at());
      AlertState next = copy(current, State.RESOLVED, current.severity(), current.labels(),
          current.annotations(), current.startsAt(), s.at(), current.notified(),
          maxId(current.lastEvaluationId(), evaluationId), s.step(), 0, null, null, s.at());
      return new Decision(next, t);
    }
    if (current.state() == State.FIRING) {
      return change(current, s, s.severity(), "de-escalated", silenced, evaluationId);
    }
    // re-fire: a new episode
    boolean notify = !s.initialLoad() && !silenced;
    Transition t = transition(current.fingerprint(), current.rule(), State.RESOLVED, State.FIRING,
        s.severity(), "fired", s, evaluationId, notify, silenced, s.labels(), s.annotations(),
        current.labels().equals(s.labels()) ? null : current.labels(), s.generatorUrl(), s.at(), null);
    AlertState next = copy(current, State.FIRING, s.severity(), s.labels(), s.annotations(), s.at(),
        null, notify, maxId(current.lastEvaluationId(), evaluationId), s.step(), 0, null, null, s.at());
    return new Decision(next, t);
  }

  private Decision change(AlertState current, Signal s, Severity sev, String reason, boolean silenced) {
    return change(current, s, sev, reason, silenced, s.evaluationId());
  }

  private Decision change(AlertState current, Signal s, Severity sev, String reason, boolean silenced,
      Long evaluationId) {
    boolean escalation = "escalated".equals(reason);
    boolean notify = !s.initialLoad() && !silenced && (escalation || current.notified());
    Map<String, String> labels = relabel(s.labels(), sev);
    Transition t = transition(current.fingerprint(), current.rule(), State.FIRING, State.FIRING, sev,
        reason, s, evaluationId, notify, silenced, labels, s.annotations(), current.labels(),
        current.generatorUrl(), current.startsAt(), null);
    AlertState next = copy(current, State.FIRING, sev, labels, s.annotations(), current.startsAt(),
        null, current.notified() || notify, maxId(current.lastEvaluationId(), evaluationId),
        s.step(), 0, null, null, s.at());
    return new Decision(next, t);
  }

  private static Map<String, String> relabel(Map<String, String> labels, Severity sev) {
    if (sev == null || sev.label().equals(labels.get("severity"))) {
      return labels;
    }
    var m = new java.util.LinkedHashMap<>(labels);
    m.put("severity", sev.label());
    return m;
  }

  private static Transition transition(String fp, Rule rule, State from, State to, Severity sev,
      String reason, Signal s, boolean notify, boolean silenced, Map<String, String> labels,
      Map<String, String> ann, Map<String, String> previous, String url, Instant starts,
      Instant ends) {
    return transition(fp, rule, from, to, sev, reason, s, s.evaluationId(), notify, silenced, labels,
        ann, previous, url, starts, ends);
  }

  private static Transition transition(String fp, Rule rule, State from, State to, Severity sev,
      String reason, Signal s, Long evaluationId, boolean notify, boolean silenced,
      Map<String, String> labels, Map<String, String> ann, Map<String, String> previous, String url,
      Instant starts, Instant ends) {
    return new Transition(fp, rule, from, to, sev, reason, s.at(), evaluationId, s.step(),
        s.initialLoad(), notify, silenced && !notify, labels, ann, previous, url, starts, ends);
  }

  private static AlertState withEvaluation(AlertState c, Long evaluationId) {
    return copy(c, c.state(), c.severity(), c.labels(), c.annotations(), c.startsAt(), c.endsAt(),
        c.notified(), maxId(c.lastEvaluationId(), evaluationId), c.lastStep(), c.pendingCount(),
        c.pendingCondition(), c.pendingSeverity(), c.lastChangeAt());
  }

  private static Long maxId(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }

  private static AlertState copy(AlertState c, State state, Severity sev, Map<String, String> labels,
      Map<String, String> ann, Instant starts, Instant ends, boolean notified, Long evalId,
      String step, int pending, Condition pc, Severity ps, Instant lastChange) {
    return new AlertState(c.fingerprint(), c.rule(), state, sev, labels, ann, c.generatorUrl(), starts,
        ends, notified, evalId, step, pending, pc, ps, lastChange);
  }
}
