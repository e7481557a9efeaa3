package io.fingerpost.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU seconds of the processes a load benchmark runs on one machine: this JVM, the share of it its JIT compilers
 * took, the processes it started and waited for (psql), and the embedded PostgreSQL (the postmaster, the backends
 * it has reaped and the ones alive). A step is measured as the difference of two {@link Reading}s.
 *
 * <p>Why: on a machine of N cores a step can take no less wall time than its CPU seconds over N, so the readings
 * bound what a rate can reach there ({@link #bound}). Linux only ({@code /proc}, clock ticks of 1/100 s); elsewhere,
 * or for a server that is not local, the parts read NaN.
 */
final class CpuMeter {

  /** USER_HZ: the unit of /proc's CPU times on every Linux architecture the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Path pidFile;

  /** @param pgdata the embedded server's data directory (its postmaster.pid names the postmaster), or null */
  CpuMeter(Path pgdata) {
    this.pidFile = pgdata == null ? null : pgdata.resolve("postmaster.pid");
  }

  /**
   * Cumulative CPU seconds at one instant; {@code threads}: this JVM's by kind of thread ({@link #kind}; a thread
   * that ended took its time with it; empty where /proc cannot be read).
   */
  record Reading(double jvm, double children, double database, Map<String, Double> threads) {
    Reading minus(Reading before) {
      Map<String, Double> used = new TreeMap<>();
      threads.forEach((k, v) -> used.put(k, v - before.threads.getOrDefault(k, 0.0)));
      return new Reading(jvm - before.jvm, children - before.children, database - before.database, used);
    }

    /** The JIT compiler threads' share of {@link #jvm} (NaN where the threads cannot be read). */
    double jit() {
      return threads.isEmpty() ? Double.NaN : threads.getOrDefault(C1, 0.0) + threads.getOrDefault(C2, 0.0);
    }

    /**
     * The kinds of thread, most CPU first, as "kind 1.23" joined by commas (those under 0.005 s left out), then what
     * the JVM used in threads that ended before the reading (a read's CSV read-ahead thread ends with its file).
     */
    String threadsLine() {
      double ended = jvm - threads.values().stream().mapToDouble(Double::doubleValue).sum();
      return String.join(", ", threads.entrySet().stream().filter(e -> e.getValue() >= 0.005)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .map(e -> String.format(java.util.Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).toList())
          + String.format(java.util.Locale.ROOT, "; threads that ended (the CSV read-ahead, …) %.2f", ended);
    }
  }

  Reading read() {
    return new Reading(jvmSeconds(), childrenSeconds(), databaseSeconds(), threadSeconds());
  }

  /**
   * The highest rate {@code referenceSeconds / stepSeconds} a step using {@code cpuSeconds} can reach on
   * {@code cores} cores: the step lasts at least {@code cpuSeconds / cores}.
   */
  static double bound(double referenceSeconds, double cpuSeconds, int cores) {
    return referenceSeconds * cores / cpuSeconds;
  }

  private static double jvmSeconds() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1e9 : Double.NaN;
  }

  static final String C1 = "C1 compiler";
  static final String C2 = "C2 compiler";

  /**
   * What a thread is, from its name as /proc keeps it (the first 15 characters): HotSpot's compiler threads ("C1
   * CompilerThread0", …), the garbage collector's, Vert.x's event loops and workers, the COPY writers, the CSV
   * read-ahead; anything else is "other".
   */
  static String kind(String comm) {
    if (comm.startsWith("C1 CompilerThre")) {
      return C1;
    }
    if (comm.startsWith("C2 CompilerThre")) {
      return C2;
    }
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
      return "GC";
    }
    if (comm.startsWith("vert.x-eventloo")) {
      return "event loops";
    }
    if (comm.startsWith("vert.x-worker")) {
      return "vert.x workers";
    }
    if (comm.startsWith("fingerpost-copy")) {
      return "COPY writers";
    }
    if (comm.startsWith("fingerpost-csv")) {
      return "CSV read-ahead";
    }
    return "other";
  }

  /**
   * CPU of this JVM's threads by {@link #kind} (/proc/self/task), or empty when it cannot be read. For the compilers,
   * not CompilationMXBean's compile time, which sums elapsed time and counts a compiler thread waiting for a core.
   */
  private static Map<String, Double> threadSeconds() {
    Map<String, Double> out = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String line = statLine(t.resolve("stat"));
        long[] f = line == null ? null : fields(line);
        if (f != null) { // else the thread ended
          String comm = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
          out.merge(kind(comm), (f[11] + f[12]) / TICKS_PER_SECOND, Double::sum);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return out;
  }

  /** Children of this JVM it has waited for (cutime + cstime): the psql runs. */
  private static double childrenSeconds() {
    long[] f = stat(Path.of("/proc/self/stat"));
    return f == null ? Double.NaN : (f[13] + f[14]) / TICKS_PER_SECOND;
  }

  /**
   * The postmaster with the children it reaped, plus its live children (backends, background workers). A child
   * reaped while the children are listed would be counted in neither, so the listing is repeated (a few times at
   * most) until the postmaster's reaped-children time is the same before and after it.
   */
  private double databaseSeconds() {
    if (pidFile == null) {
      return Double.NaN;
    }
    long postmaster;
    try {
      postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    Path pmStat = Path.of("/proc", Long.toString(postmaster), "stat");
    for (int attempt = 0; attempt < 10; attempt++) {
      long[] pm = stat(pmStat);
      if (pm == null) {
        return Double.NaN;
      }
      long children = liveChildrenTicks(postmaster);
      long[] after = stat(pmStat);
      if (children < 0 || after == null) {
        return Double.NaN;
      }
      if (after[13] + after[14] == pm[13] + pm[14]) {
        return (pm[11] + pm[12] + pm[13] + pm[14] + children) / TICKS_PER_SECOND;
      }
    }
    return Double.NaN;
  }

  /** utime + stime of the live processes whose parent is {@code parent}, or -1 when /proc cannot be listed. */
  private static long liveChildrenTicks(long parent) {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
          long[] f = stat(p.resolve("stat"));
          if (f != null && f[1] == parent) {
            ticks += f[11] + f[12];
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks;
  }

  /**
   * The numeric fields of a /proc stat line after the command name (index 0 is the state's field 3, so field
   * n of proc(5) is at n - 3; a letter reads 0), or null when it cannot be read (gone, not Linux).
   */
  private static long[] stat(Path file) {
    String s = statLine(file);
    return s == null ? null : fields(s);
  }

  /** A /proc stat file's line, or null when it cannot be read. */
  private static String statLine(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@link #stat}'s fields of a stat line, or null when it has no command name. */
  private static long[] fields(String s) {
    int close = s.lastIndexOf(')'); // the command name may hold spaces and parentheses
    if (close < 0) {
      return null;
    }
    String[] parts = s.substring(close + 2).trim().split(" ");
    long[] f = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        f[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        f[i] = 0;
      }
    }
    return f;
  }
}
