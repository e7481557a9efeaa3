package io.fingerpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kinds of thread bench-load reports a load's CPU by, and a reading's difference and line. */
class CpuMeterTest {
  @Test
  void threadsAreKindedByTheirNameAsProcKeepsIt() {
    assertEquals(CpuMeter.C2, CpuMeter.kind("C2 CompilerThre"));
    assertEquals(CpuMeter.C1, CpuMeter.kind("C1 CompilerThre"));
    assertEquals("GC", CpuMeter.kind("GC Thread#1"));
    assertEquals("GC", CpuMeter.kind("G1 Conc#0"));
    assertEquals("vert.x workers", CpuMeter.kind("vert.x-worker-t"));
    assertEquals("event loops", CpuMeter.kind("vert.x-eventloo"));
    assertEquals("COPY writers", CpuMeter.kind("fingerpost-copy"));
    assertEquals("CSV read-ahead", CpuMeter.kind("fingerpost-csv-"));
    assertEquals("other", CpuMeter.kind("main"));
  }

  @Test
  void aDifferenceIsByKindAndTheLineListsTheBusiestFirst() {
    CpuMeter.Reading before = new CpuMeter.Reading(1, 0, 2, Map.of("C2 compiler", 0.5, "GC", 0.1));
    CpuMeter.Reading after = new CpuMeter.Reading(4, 0, 5,
        Map.of("C2 compiler", 1.5, "GC", 0.104, "COPY writers", 1.25));
    CpuMeter.Reading used = after.minus(before);
    assertEquals(3.0, used.jvm(), 1e-9);
    assertEquals(1.0, used.jit(), 1e-9, "the compilers' share");
    assertEquals(Double.NaN, new CpuMeter.Reading(1, 0, 2, Map.of()).jit(), "threads not read: not known");
    assertEquals(Map.of("C2 compiler", 1.0, "GC", 0.004, "COPY writers", 1.25).keySet(), used.threads().keySet());
    assertEquals("COPY writers 1.25, C2 compiler 1.00; threads that ended (the CSV read-ahead, …) 0.75",
        used.threadsLine(), "busiest first; under 0.005 s left out; the JVM's rest in threads that ended");
  }
}
