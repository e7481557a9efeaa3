package io.fingerpost.alert;

import io.fingerpost.config.Damping;
import io.fingerpost.config.RulesConfig;
import io.fingerpost.model.Severity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.alert.AlertLifecycle.Decision;
import io.fingerpost.alert.AlertState.State;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {
  private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  private final AlertRules rules = new AlertRules(RulesConfig.defaults(), "http://x");

  private Signal sig(long id, String period, String status, boolean initial, Instant at) {
    double value = switch (status) {
      case "OFF_TRACK" -> 76.0;
      case "AT_RISK" -> 77.3;
      default -> 78.0;
    };
    return rules.offTrajectory(Evaluations.trajectory(id, period, 1, io.fingerpost.strategy.TargetStatus.valueOf(status), value, 78.0, initial, at));
  }

  @Test
  void firesOnceResolvesAndIgnoresTheSameEvaluationAgain() {
    AlertLifecycle lc = new AlertLifecycle(Damping.none());
    Decision d1 = lc.apply(null, sig(1, "2020", "OFF_TRACK", false, T0), false);
    assertEquals(State.FIRING, d1.next().state());
    assertEquals("fired", d1.transition().reason());
    assertTrue(d1.transition().notifies());
    assertEquals(1L, d1.transition().evaluationId());

    // the same evaluation delivered twice, and a re-evaluation of the same data: nothing new
    assertNull(lc.apply(d1.next(), sig(1, "2020", "OFF_TRACK", false, T0), false).transition());
    Decision same = lc.apply(d1.next(), sig(2, "2020", "OFF_TRACK", false, T0.plusSeconds(5)), false);
    assertNull(same.transition());

    Decision d3 = lc.apply(same.next(), sig(3, "2021", "ON_TRACK", false, T0.plusSeconds(60)), false);
    assertEquals(State.RESOLVED, d3.next().state());
    assertTrue(d3.transition().notifies());
    assertEquals(T0.plusSeconds(60), d3.transition().endsAt());
    assertEquals("critical", d3.transition().labels().get("severity"), "resolves with the labels it fired with");
    // replaying the firing evaluation after the resolution changes nothing
    assertSame(d3.next(), lc.apply(d3.next(), sig(2, "2020", "OFF_TRACK", false, T0), false).next());
  }

  @Test
  void clearOrUnknownWithoutAnAlertStoresNothing() {
    AlertLifecycle lc = new AlertLifecycle(Damping.none());
    assertNull(lc.apply(null, sig(1, "2020", "ON_TRACK", false, T0), false).next());
    assertNull(lc.apply(null, sig(1, "2020", "NOT_ENOUGH_DATA", false, T0), false).next());
  }

  @Test
  void initialLoadIsHistoryWithoutNotification() {
    AlertLifecycle lc = new AlertLifecycle(Damping.none());
    Decision d1 = lc.apply(null, sig(1, "2018", "OFF_TRACK", true, T0), false);
    assertFalse(d1.transition().notifies());
    assertTrue(d1.transition().initialLoad());
    Decision d2 = lc.apply(d1.next(), sig(2, "2019", "ON_TRACK", true, T0), false);
    assertEquals(State.RESOLVED, d2.next().state());
    assertFalse(d2.transition().notifies());
    // a live resolution of an episode nobody heard about is not announced either
    Decision d3 = lc.apply(d2.next(), sig(3, "2020", "AT_RISK", true, T0), false);
    Decision d4 = lc.apply(d3.next(), sig(4, "2021", "ON_TRACK", false, T0), false);
    assertEquals(State.RESOLVED, d4.next().state());
    assertFalse(d4.transition().notifies());
    // a live firing is announced
    Decision d5 = lc.apply(d4.next(), sig(5, "2022", "OFF_TRACK", false, T0), false);
    assertTrue(d5.transition().notifies());
  }

  @Test
  void escalationIsImmediateAndCarriesThePreviousLabels() {
    AlertLifecycle lc = new AlertLifecycle(new Damping(2, 1, null, null));
    Decision d1 = lc.apply(null, sig(1, "2020", "AT_RISK", false, T0), false);
    Decision d2 = lc.apply(d1.next(), sig(2, "2021", "OFF_TRACK", false, T0), false);
    assertEquals("escalated", d2.transition().reason());
    assertEquals(Severity.CRITICAL, d2.next().severity());
    assertEquals("warning", d2.transition().previousLabels().get("severity"));
    assertEquals("critical", d2.transition().labels().get("severity"));
    assertEquals(T0, d2.transition().startsAt());
    // de-escalation is damped like a resolution: two periods
    Decision d3 = lc.apply(d2.next(), sig(3, "2022", "AT_RISK", false, T0), false);
    assertNull(d3.transition());
    Decision d4 = lc.apply(d3.next(), sig(4, "2023", "AT_RISK", false, T0), false);
    assertEquals("de-escalated", d4.transition().reason());
  }

  @Test
  void periodDampingCountsDistinctPeriodsOnly() {
    AlertLifecycle lc = new AlertLifecycle(new Damping(2, 2, null, null));
    AlertState s = lc.apply(null, sig(1, "2020", "OFF_TRACK", false, T0), false).next();
    Decision a = lc.apply(s, sig(2, "2021", "ON_TRACK", false, T0), false);
    assertNull(a.transition());
    assertEquals(1, a.next().pendingCount());
    Decision again = lc.apply(a.next(), sig(3, "2021", "ON_TRACK", false, T0), false); // same data
    assertNull(again.transition());
    Decision flap = lc.apply(again.next(), sig(4, "2022", "OFF_TRACK", false, T0), false);
    assertNull(flap.transition());
    assertEquals(0, flap.next().pendingCount());
    Decision c1 = lc.apply(flap.next(), sig(5, "2023", "ON_TRACK", false, T0), false);
    Decision c2 = lc.apply(c1.next(), sig(6, "2024", "ON_TRACK", false, T0), false);
    assertEquals(State.RESOLVED, c2.next().state());
    // re-fire needs two periods too
    Decision r1 = lc.apply(c2.next(), sig(7, "2025", "OFF_TRACK", false, T0), false);
    assertNull(r1.transition());
    Decision r2 = lc.apply(r1.next(), sig(8, "2026", "OFF_TRACK", false, T0), false);
    assertEquals(State.FIRING, r2.next().state());
    assertEquals(8L, r2.transition().evaluationId());
  }

  @Test
  void timeDampingHoldsAndTheSweepCompletesTheChange() {
    AlertLifecycle lc = new AlertLifecycle(new Damping(1, 1, Duration.ofMinutes(10), Duration.ofMinutes(30)));
    AlertState s = lc.apply(null, sig(1, "2020", "OFF_TRACK", false, T0), false).next();
    Decision early = lc.apply(s, sig(2, "2021", "ON_TRACK", false, T0.plusSeconds(60)), false);
    assertNull(early.transition());
    assertNull(lc.sweep(early.next(), T0.plusSeconds(300), false).transition());
    Decision later = lc.sweep(early.next(), T0.plusSeconds(601), false);
    assertEquals(State.RESOLVED, later.next().state());
    assertEquals(2L, later.transition().evaluationId());
    assertTrue(later.transition().notifies());
    // a quick re-fire is held for 30 minutes
    Decision quick = lc.apply(later.next(), sig(3, "2022", "OFF_TRACK", false, T0.plusSeconds(700)), false);
    assertNull(quick.transition());
    Decision refire = lc.apply(quick.next(), sig(4, "2023", "OFF_TRACK", false, T0.plusSeconds(601 + 1800)), false);
    assertEquals(State.FIRING, refire.next().state());
  }

  @Test
  void silencedFiringIsRecordedNotSent() {
    AlertLifecycle lc = new AlertLifecycle(Damping.none());
    Decision d = lc.apply(null, sig(1, "2020", "OFF_TRACK", false, T0), true);
    assertFalse(d.transition().notifies());
    assertTrue(d.transition().silenced());
    assertFalse(d.next().notified());
    assertFalse(lc.apply(d.next(), sig(2, "2021", "ON_TRACK", false, T0), false).transition().notifies());
  }
}
