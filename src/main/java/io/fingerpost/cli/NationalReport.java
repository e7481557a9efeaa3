package io.fingerpost.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@link NationalBenchmark}'s figures, one column per scale, with per-unit costs and, for each cost that should
 * stay flat as the data grows (a cost per observation or series, or the cost of a change of fixed size), the
 * ratio of the largest scale's to the smallest's: above 1.5 the cost grows worse than linearly with the data
 * (per-unit rows) or grows with the data at all (fixed-size rows).
 */
final class NationalReport {

  private final List<Double> scales;
  private final Map<Double, Map<String, Double>> byScale = new LinkedHashMap<>();

  NationalReport(List<Double> scales) {
    this.scales = scales;
  }

  void add(double scale, Map<String, Double> figures) {
    Map<String, Double> f = new LinkedHashMap<>(figures);
    double obs = f.get("observations");
    double series = f.get("series");
    derive(f, "first load µs an observation", "first load (/health to /ready) s", 1e6 / obs);
    // the list endpoints answer every target: their cost a request per target should stay flat
    if (f.containsKey("/api/targets req/s")) {
      f.put("/api/targets µs a request a target", 1e6 / f.get("/api/targets req/s") / f.get("targets"));
    }
    derive(f, "database bytes an observation", "database MB", 1e6 / obs);
    if (f.containsKey("observation table MB")) {
      f.put("observation table+indexes bytes an observation",
          (f.get("observation table MB") + f.get("observation indexes MB")) * 1e6 / obs);
    }
    derive(f, "peak heap (first load) bytes a series", "peak heap MB, first load", 1e6 / series);
    derive(f, "heap after GC (first load) bytes a series", "heap after GC MB, first load", 1e6 / series);
    // a change of fixed size (5 values of one indicator): its evaluation should not grow with the data
    derive(f, "change: evaluator ms a target evaluated", "change: rounds evaluated ms",
        1 / Math.max(1, f.getOrDefault("change: targets evaluated", 1.0)));
    if (f.containsKey("/metrics state sets")) {
      derive(f, "/metrics plain scrape µs a set", "/metrics plain scrape s", 1e6 / f.get("/metrics state sets"));
      derive(f, "/metrics gzip bytes a set", "/metrics gzip MB", 1e6 / f.get("/metrics state sets"));
    }
    byScale.put(scale, f);
  }

  private static void derive(Map<String, Double> f, String name, String from, double factor) {
    if (f.containsKey(from)) {
      f.put(name, f.get(from) * factor);
    }
  }

  /** What a row's trend across scales means: flat per unit, flat in total, or neither (a size). */
  enum Kind { SIZE, PER_UNIT, FIXED, THROUGHPUT }

  static Kind kind(String row) {
    if (row.contains(" an observation") || row.contains(" a series") || row.contains(" a set") || row.contains(" a target")) {
      return Kind.PER_UNIT;
    }
    if (row.endsWith("req/s")) {
      return Kind.THROUGHPUT;
    }
    if (row.contains("poll") || row.contains("evaluated") || row.endsWith("p99 ms")) {
      return Kind.FIXED;
    }
    return Kind.SIZE;
  }

  void print(PrintStream out) {
    Set<String> rows = new LinkedHashSet<>();
    byScale.values().forEach(f -> rows.addAll(f.keySet()));
    List<Double> done = new ArrayList<>(byScale.keySet());
    out.println();
    out.println("National-scale run: figures by scale (columns); 'last/first' is the largest scale's value over the"
        + " smallest's");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-52s", "scale"));
    done.forEach(s -> head.append(String.format(Locale.ROOT, " %14s", s)));
    head.append(String.format(Locale.ROOT, " %11s  %s", "last/first", "reading"));
    out.println(head);
    for (String row : rows) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-52s", row));
      for (double s : done) {
        Double v = byScale.get(s).get(row);
        line.append(v == null ? String.format(Locale.ROOT, " %14s", "-") : String.format(Locale.ROOT, " %14s", num(v)));
      }
      Double first = byScale.get(done.get(0)).get(row);
      Double last = byScale.get(done.get(done.size() - 1)).get(row);
      if (done.size() > 1 && first != null && last != null && first != 0) {
        double ratio = last / first;
        line.append(String.format(Locale.ROOT, " %11.2f  %s", ratio, reading(kind(row), ratio)));
      }
      out.println(line);
    }
    if (done.size() > 1) {
      double span = byScale.get(done.get(done.size() - 1)).get("observations")
          / byScale.get(done.get(0)).get("observations");
      out.printf(Locale.ROOT, "The data grew %.0f×. Per-unit rows should stay near 1 (linear); fixed-size rows"
          + " (one file's poll, one change's evaluation, API p99) should stay near 1 (independent of size).%n", span);
    }
  }

  static String reading(Kind kind, double ratio) {
    return switch (kind) {
      case PER_UNIT -> ratio > 1.5 ? "WORSE THAN LINEAR" : ratio < 0.67 ? "better than linear (fixed costs amortised)"
          : "linear";
      case FIXED -> ratio > 1.5 ? "GROWS WITH THE DATA" : "flat";
      case THROUGHPUT -> ratio < 0.67 ? "DROPS WITH THE DATA" : "flat";
      case SIZE -> "";
    };
  }

  private static String num(double v) {
    double a = Math.abs(v);
    return a >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
