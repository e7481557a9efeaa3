package io.fingerpost.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The exported states partitioned by key range (keys in sorted order) into segments of about
 * {@link #SEGMENT_SIZE} states, each rendered on its own ({@link IndicatorStateExposition#segment}): a change
 * re-renders only the segments holding the changed keys, from a fresh read of those segments' keys (the
 * database stays the one copy of the state; memory holds the keys and the compressed segments). Ranges, not
 * hashes, because targets that change together tend to share an id prefix (one indicator's targets across
 * places, {@code le-birth-male@E08000025}…), so a round touches few segments. A segment read back with more
 * than twice the size splits; the exposition comes out sorted by key. Used from one refresh at a time (worker
 * threads, in turn); methods are synchronized for visibility between those threads.
 */
final class StateSegments {
  static final int SEGMENT_SIZE = 512;

  private final Function<IndicatorState, String> key;
  /** Segments by their lower bound; the first bound is "" so that every key has a segment. */
  private TreeMap<String, Seg> segments = new TreeMap<>(Map.of("", new Seg()));
  private int size;

  private static final class Seg {
    final TreeSet<String> keys = new TreeSet<>();
    IndicatorStateExposition.Segment rendered = IndicatorStateExposition.Segment.EMPTY;
  }

  /** {@code key}: a state's key in this set (target id, or series id for series without a target). */
  StateSegments(Function<IndicatorState, String> key) {
    this.key = key;
  }

  synchronized int size() {
    return size;
  }

  /** The segments (by lower bound) to read again for changed keys, and all their keys. */
  record Touch(Set<String> segments, List<String> keys) {}

  /** The segments holding these keys; a new key joins its segment while {@code room} > 0, else is left out. */
  synchronized Touch touch(Collection<String> changed, int room) {
    Set<String> touched = new TreeSet<>();
    for (String k : changed) {
      Map.Entry<String, Seg> e = segments.floorEntry(k);
      if (!e.getValue().keys.contains(k)) {
        if (room <= 0) continue;
        e.getValue().keys.add(k);
        size++;
        room--;
      }
      touched.add(e.getKey());
    }
    List<String> all = new ArrayList<>();
    for (String bound : touched) all.addAll(segments.get(bound).keys);
    return new Touch(touched, all);
  }

  /**
   * The states read for a {@link Touch}: its segments now hold exactly these (a key read without a state, a
   * target no longer active or not evaluated, leaves), split when grown past twice the size, and rendered
   * again, in parallel.
   */
  synchronized void replace(Set<String> touched, List<IndicatorState> states) {
    Map<String, List<IndicatorState>> byBound = new HashMap<>();
    for (String bound : touched) byBound.put(bound, new ArrayList<>());
    for (IndicatorState st : states) {
      List<IndicatorState> list = byBound.get(segments.floorKey(key.apply(st)));
      if (list != null) list.add(st);
    }
    Map<String, List<IndicatorState>> chunks = new HashMap<>();
    for (var e : byBound.entrySet()) {
      size -= segments.get(e.getKey()).keys.size();
      List<IndicatorState> list = e.getValue();
      list.sort(Comparator.comparing(key));
      size += list.size();
      chunks.putAll(split(e.getKey(), list, 2 * SEGMENT_SIZE));
    }
    render(chunks);
  }

  /** What {@link #dropTo} left out, and the segment to read again when it cut into one (else null). */
  record Cut(int dropped, Touch reread) {}

  /**
   * Leaves out states from the end of the key order until at most {@code keep} remain: whole segments, then the
   * last keys of one, whose remaining keys the caller reads again ({@link #replace}) to render it without them.
   */
  synchronized Cut dropTo(int keep) {
    int target = Math.max(0, keep);
    int dropped = 0;
    while (size > target && !segments.isEmpty()) {
      Map.Entry<String, Seg> last = segments.lastEntry();
      TreeSet<String> keys = last.getValue().keys;
      if (size - keys.size() >= target) { // the whole segment goes (the first keeps its bound, empty)
        size -= keys.size();
        dropped += keys.size();
        if (last.getKey().isEmpty()) {
          keys.clear();
          last.getValue().rendered = IndicatorStateExposition.Segment.EMPTY;
          break;
        }
        segments.remove(last.getKey());
        continue;
      }
      int cut = size - target;
      for (int i = 0; i < cut; i++) keys.pollLast();
      size -= cut;
      dropped += cut;
      return new Cut(dropped, new Touch(Set.of(last.getKey()), new ArrayList<>(keys)));
    }
    return new Cut(dropped, null);
  }

  /** Starts again from a full read. */
  synchronized void reset(List<IndicatorState> states) {
    List<IndicatorState> sorted = new ArrayList<>(states);
    sorted.sort(Comparator.comparing(key));
    segments = new TreeMap<>();
    size = sorted.size();
    render(split("", sorted, SEGMENT_SIZE));
  }

  synchronized List<IndicatorStateExposition.Segment> segments() {
    return segments.values().stream().map(s -> s.rendered).toList();
  }

  /** Sorted states cut into chunks of {@code SEGMENT_SIZE} when more than {@code max}, by lower bound. */
  private Map<String, List<IndicatorState>> split(String bound, List<IndicatorState> sorted, int max) {
    Map<String, List<IndicatorState>> out = new HashMap<>();
    if (sorted.size() <= max) {
      out.put(bound, sorted);
      return out;
    }
    for (int from = 0; from < sorted.size(); from += SEGMENT_SIZE) {
      List<IndicatorState> chunk = sorted.subList(from, Math.min(sorted.size(), from + SEGMENT_SIZE));
      out.put(from == 0 ? bound : key.apply(chunk.get(0)), chunk);
    }
    return out;
  }

  private void render(Map<String, List<IndicatorState>> chunks) {
    Map<String, IndicatorStateExposition.Segment> done = new HashMap<>();
    // the common pool: this runs on a worker thread, never on an event loop
    chunks.entrySet().parallelStream().forEach(e -> {
      IndicatorStateExposition.Segment seg = IndicatorStateExposition.segment(e.getValue());
      synchronized (done) {
        done.put(e.getKey(), seg);
      }
    });
    for (var e : chunks.entrySet()) {
      Seg seg = segments.computeIfAbsent(e.getKey(), b -> new Seg());
      seg.keys.clear();
      for (IndicatorState st : e.getValue()) seg.keys.add(key.apply(st));
      seg.rendered = done.get(e.getKey());
    }
    if (segments.isEmpty() || !segments.firstKey().isEmpty()) segments.put("", new Seg());
  }
}
