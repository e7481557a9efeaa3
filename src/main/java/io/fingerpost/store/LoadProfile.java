package io.fingerpost.store;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a load's time goes (issue 14, item 1): nanoseconds summed per step over every batch of the process, so
 * {@code bench-load} can print the breakdown of a first load and of a re-read. The steps overlap (parsing runs on
 * its own thread, several batches are written at once), so the sums are CPU-ish shares of work, not a partition of
 * the wall time; {@link Step#LOAD_WALL} is the wall time from the first read to the last commit. Counting costs two
 * {@code nanoTime} calls a step and batch: negligible next to a 10,000-row batch.
 */
public final class LoadProfile {
  private LoadProfile() {}

  /** The steps, in the order a batch passes them. */
  public enum Step {
    PARSE("parse (reader thread + batch assembly, overlapped)"),
    PARSE_WAIT("loader waiting for a parsed batch"),
    STORE_WAIT("parser waiting for the store (batches in flight at the limit)"),
    CATALOG("catalog: indicators, areas, series ids"),
    CATALOG_SQL("  of which statements (indicators, areas, new series)"),
    INTERVALS("intervals from counts"),
    PREFETCH("stored rows read for the in-memory compare (COPY OUT)"),
    COMPARE("in-memory compare with the stored rows"),
    COPY_QUEUE("batch waiting for a COPY worker"),
    COPY("binary COPY: rows encoded and streamed, server work included"),
    PROBE("had-history probe"),
    MERGE("set-wise merge of the staged rows"),
    COMMIT("commit (WAL flush)"),
    LOAD_WALL("loader wall time, first read to last commit"),
    DIGEST_PASS("pass 1: parse + per-series digests, nothing stored"),
    DIGEST_CHECK("re-read: whether the feed has digests (at the start)"),
    DIGEST_FETCH("stored series digests fetched"),
    DIGEST_METADATA("re-read: metadata upsert + indicator kinds after pass 1"),
    DIGEST_COMPUTE("re-read: series digests computed (while the stored ones are fetched, overlapped)"),
    DIGEST_COMPARE("re-read: series digests compared with the stored ones"),
    DIGEST_STAGE("series digests staged while the last batches write (overlapped)"),
    DIGEST_SAVE("series digests saved (after the load's last commit)");

    final String label;

    Step(String label) {
      this.label = label;
    }
  }

  private static final Map<Step, LongAdder> NANOS = new EnumMap<>(Step.class);

  static {
    for (Step s : Step.values()) {
      NANOS.put(s, new LongAdder());
    }
  }

  private static volatile Runnable loadEnded;

  /** Adds the time since {@code startedNanos} to {@code step}. */
  public static void add(Step step, long startedNanos) {
    NANOS.get(step).add(System.nanoTime() - startedNanos);
    Runnable r = loadEnded;
    if (step == Step.LOAD_WALL && r != null) {
      r.run();
    }
  }

  /**
   * Runs {@code r} (null: nothing) each time a load ends, on the thread that ends it (an event loop: it must not
   * block). {@code bench-load} reads the CPU there: a first poll goes on after its rows are stored.
   */
  public static void onLoadEnd(Runnable r) {
    loadEnded = r;
  }

  /** Seconds per step since the last {@link #reset}. */
  public static Map<Step, Double> seconds() {
    Map<Step, Double> out = new EnumMap<>(Step.class);
    NANOS.forEach((s, n) -> out.put(s, n.sum() / 1e9));
    return out;
  }

  public static void reset() {
    NANOS.values().forEach(LongAdder::reset);
  }

  /** The steps that took time, one line each: label, seconds, share of {@code wallSeconds}. */
  public static String format(String title, double wallSeconds) {
    StringBuilder sb = new StringBuilder(title).append('\n');
    seconds().forEach((s, v) -> {
      if (v > 0) {
        sb.append(String.format(Locale.ROOT, "  %-60s %8.3f s %6.1f%%%n", s.label, v, 100 * v / wallSeconds));
      }
    });
    return sb.toString();
  }
}
