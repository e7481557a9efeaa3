package io.fingerpost.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Benchmark helper: the CPU time (user + system, per thread from the JVM) spent between {@link #start} and
 * {@link #perScrape}, split between the server's threads (Vert.x event loops and workers), the benchmark's
 * client (every other Java thread: the caller and the HTTP client's) and the JVM's own threads (garbage
 * collector, compiler: the process's CPU time less every Java thread's). Server and client share the process and
 * the 2 cores, so the split says which side a scrape's wall time is spent on.
 */
final class CpuSplit {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  record Use(double eventLoop, double workers, double client, double jvm) {
    void print(String what) {
      System.out.printf("%s: server %.0f ms (event loop %.0f, workers %.0f); client %.0f ms; JVM (GC, compiler) %.0f ms%n",
          what, eventLoop + workers, eventLoop, workers, client, jvm);
    }
  }

  private final Map<Long, Long> before;
  private final long processBefore;

  private CpuSplit(Map<Long, Long> before, long processBefore) {
    this.before = before;
    this.processBefore = processBefore;
  }

  static CpuSplit start() {
    return new CpuSplit(threadTimes(), processTime());
  }

  /** Milliseconds of CPU each side spent since {@link #start}, divided by {@code scrapes}. */
  Use perScrape(int scrapes) {
    long process = processTime() - processBefore;
    long loop = 0, workers = 0, client = 0;
    Map<Long, Long> now = threadTimes();
    java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(now.keySet().stream().mapToLong(Long::longValue).toArray());
    for (java.lang.management.ThreadInfo info : infos) {
      if (info == null) continue;
      long used = now.get(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
      String name = info.getThreadName();
      if (name.startsWith("vert.x-eventloop")) loop += used;
      else if (name.startsWith("vert.x-worker") || name.startsWith("vert.x-internal")) workers += used;
      else client += used;
    }
    double d = scrapes * 1e6;
    return new Use(loop / d, workers / d, client / d, Math.max(0, process - loop - workers - client) / d);
  }

  private static Map<Long, Long> threadTimes() {
    Map<Long, Long> times = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t >= 0) times.put(id, t);
    }
    return times;
  }

  private static long processTime() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
