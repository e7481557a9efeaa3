package io.fingerpost.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The exported states partitioned by key hash into segments of about {@link #SEGMENT_SIZE} states, each
 * rendered on its own ({@link IndicatorStateExposition#segment}): a change re-renders only the segments
 * holding the changed keys, from a fresh read of those segments' keys (the database stays the one copy of the
 * state; memory holds the keys and the compressed segments, ~400 bytes a state). The segment count is a power
 * of two fixed at the last full read; when the states outgrow it, {@link #outgrown()} asks for a full read,
 * which repartitions. Used from one refresh at a time (worker threads, in turn); methods are synchronized for
 * visibility between those threads.
 */
final class StateSegments {
  static final int SEGMENT_SIZE = 512;

  private final Function<IndicatorState, String> key;
  private List<TreeSet<String>> keys = List.of(new TreeSet<>());
  private IndicatorStateExposition.Segment[] rendered = {IndicatorStateExposition.Segment.EMPTY};
  private int size;

  /** {@code key}: a state's key in this set (target id, or series id for series without a target). */
  StateSegments(Function<IndicatorState, String> key) {
    this.key = key;
  }

  synchronized int size() {
    return size;
  }

  /** Segments to read again for these changed keys, and all their keys; new keys join while {@code room} > 0. */
  record Touch(Set<Integer> segments, List<String> keys) {}

  synchronized Touch touch(Collection<String> changed, int room) {
    Set<Integer> segments = new TreeSet<>();
    for (String k : changed) {
      int s = segmentOf(k, keys.size());
      TreeSet<String> seg = keys.get(s);
      if (!seg.contains(k)) {
        if (room <= 0) continue;
        seg.add(k);
        size++;
        room--;
      }
      segments.add(s);
    }
    List<String> all = new ArrayList<>();
    for (int s : segments) all.addAll(keys.get(s));
    return new Touch(segments, all);
  }

  /**
   * The states read for a {@link Touch}: its segments now hold exactly these (a key read without a state, a
   * target no longer active or not evaluated, leaves) and are rendered again, in parallel.
   */
  synchronized void replace(Set<Integer> segments, List<IndicatorState> states) {
    Map<Integer, List<IndicatorState>> bySegment = new HashMap<>();
    for (int s : segments) bySegment.put(s, new ArrayList<>());
    for (IndicatorState st : states) {
      List<IndicatorState> list = bySegment.get(segmentOf(key.apply(st), keys.size()));
      if (list != null) list.add(st);
    }
    render(bySegment);
  }

  /** Starts again from a full read: every state, partitioned for its count. */
  synchronized void reset(List<IndicatorState> states) {
    int count = Integer.highestOneBit(Math.max(1, states.size() / SEGMENT_SIZE));
    if (count < states.size() / SEGMENT_SIZE) count <<= 1;
    List<TreeSet<String>> fresh = new ArrayList<>(count);
    Map<Integer, List<IndicatorState>> bySegment = new HashMap<>();
    for (int s = 0; s < count; s++) {
      fresh.add(new TreeSet<>());
      bySegment.put(s, new ArrayList<>());
    }
    keys = fresh;
    rendered = new IndicatorStateExposition.Segment[count];
    Arrays.fill(rendered, IndicatorStateExposition.Segment.EMPTY);
    size = 0;
    for (IndicatorState st : states) bySegment.get(segmentOf(key.apply(st), count)).add(st);
    render(bySegment);
  }

  /** True when the states have grown to more than twice the segment size on average: time for a full read. */
  synchronized boolean outgrown() {
    return size > 2L * SEGMENT_SIZE * keys.size();
  }

  synchronized List<IndicatorStateExposition.Segment> segments() {
    return List.of(rendered);
  }

  private void render(Map<Integer, List<IndicatorState>> bySegment) {
    Map<Integer, IndicatorStateExposition.Segment> done = new HashMap<>();
    // common pool: this runs on a worker thread, never on an event loop
    bySegment.entrySet().parallelStream().forEach(e -> {
      List<IndicatorState> list = e.getValue();
      list.sort(Comparator.comparing(key));
      IndicatorStateExposition.Segment seg = IndicatorStateExposition.segment(list);
      synchronized (done) {
        done.put(e.getKey(), seg);
      }
    });
    for (var e : bySegment.entrySet()) {
      TreeSet<String> seg = keys.get(e.getKey());
      size -= seg.size();
      seg.clear();
      for (IndicatorState st : e.getValue()) seg.add(key.apply(st));
      size += seg.size();
      rendered[e.getKey()] = done.get(e.getKey());
    }
  }

  private static int segmentOf(String key, int count) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (count - 1);
  }
}
