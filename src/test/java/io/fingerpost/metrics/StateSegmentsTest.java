package io.fingerpost.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.strategy.Evaluation;
import io.fingerpost.strategy.TargetStatus;
import io.fingerpost.strategy.Verdicts.Comparison;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Incremental rendering: after targets change, re-rendering only their segments gives exactly the exposition a
 * full render of the new states gives; segments without a changed target keep their members (not rendered
 * again); a target read back without a state leaves; a segment that grows splits; the cap refuses new keys.
 */
class StateSegmentsTest {

  static List<IndicatorState> states(int n, TargetStatus status) {
    List<IndicatorState> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ExpositionTest.state(String.format("t-%05d", i), status, TargetStatus.ON_TRACK, Comparison.SIMILAR));
    }
    return out;
  }

  static String text(StateSegments s) {
    return new String(IndicatorStateExposition.assemble(s.segments()).text(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void changedSegmentsOnlyAndTheSameTextAsAFullRender() {
    List<IndicatorState> before = states(3000, TargetStatus.ON_TRACK);
    StateSegments segments = new StateSegments(s -> s.target().targetId());
    segments.reset(before);
    List<IndicatorStateExposition.Segment> old = segments.segments();
    assertEquals(6, old.size(), "3000 states in segments of 512");

    // targets 1000..1009 go off track; target 1500 is retired (read back without a state)
    List<IndicatorState> after = new ArrayList<>(before);
    Set<String> changed = new HashSet<>();
    for (int i = 1000; i < 1010; i++) {
      after.set(i, ExpositionTest.state(String.format("t-%05d", i), TargetStatus.OFF_TRACK, TargetStatus.ON_TRACK, Comparison.WORSE));
      changed.add(String.format("t-%05d", i));
    }
    changed.add("t-01500");
    after.remove(1500);
    StateSegments.Touch touch = segments.touch(changed, 0);
    assertEquals(2, touch.segments().size(), "ids 1000-1009 and 1500 lie in two segments: " + touch.segments());
    Set<String> read = new HashSet<>(touch.keys());
    segments.replace(touch.segments(), after.stream().filter(s -> read.contains(s.target().targetId())).toList());

    List<IndicatorStateExposition.Segment> now = segments.segments();
    int same = 0;
    for (int i = 0; i < now.size(); i++) {
      if (now.get(i) == old.get(i)) same++;
    }
    assertEquals(4, same, "untouched segments keep their rendered members");
    assertEquals(2999, segments.size());

    StateSegments full = new StateSegments(s -> s.target().targetId());
    full.reset(after);
    assertEquals(text(full), text(segments));
    assertTrue(text(segments).contains("fingerpost_target_status_code{target_id=\"t-01005\""));
    assertTrue(!text(segments).contains("target_id=\"t-01500\""));
  }

  @Test
  void newKeysJoinUntilTheCapAndAGrownSegmentSplits() {
    StateSegments segments = new StateSegments(s -> s.target().targetId());
    segments.reset(List.of());
    List<IndicatorState> all = states(1500, TargetStatus.AT_RISK);
    List<String> ids = all.stream().map(s -> s.target().targetId()).toList();
    StateSegments.Touch refused = segments.touch(ids, 0);
    assertEquals(List.of(), refused.keys(), "no room: no key joins");
    StateSegments.Touch touch = segments.touch(ids, 1200);
    assertEquals(1200, touch.keys().size());
    Set<String> read = new HashSet<>(touch.keys());
    segments.replace(touch.segments(), all.stream().filter(s -> read.contains(s.target().targetId())).toList());
    assertEquals(1200, segments.size());
    assertTrue(segments.segments().size() >= 3, "1200 states split into segments of 512: " + segments.segments().size());
    StateSegments full = new StateSegments(s -> s.target().targetId());
    full.reset(all.subList(0, 1200));
    assertEquals(text(full), text(segments));
    IndicatorStateExposition.Segment first = segments.segments().get(0);
    assertNotSame(IndicatorStateExposition.Segment.EMPTY, first);
    assertSame(first, segments.segments().get(0));
  }
}
