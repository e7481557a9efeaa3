package io.fingerpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * bench-load is not a test; this keeps its --pairs option working: a small run (embedded PostgreSQL, psql on
 * the PATH) with two pairs exits 0, keeps the cold pair's line and prints each pair and the median over pairs.
 */
class LoadBenchmarkPairsTest {

  @Test
  void twoPairsPrintTheMedianLine() throws Exception {
    Assumptions.assumeTrue(Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "psql"))), "psql is not on the PATH");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream before = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = LoadBenchmark.run(new String[] {"--rows", "20000", "--pairs", "2"});
    } finally {
      System.setOut(before);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, text);
    Matcher cold = Pattern.compile("(?m)^first load / \\\\copy rate: ([\\d.]+)").matcher(text);
    assertTrue(cold.find(), text);
    assertTrue(Pattern.compile("(?m)^pair 1 \\(the JVM's first\\): first load [\\d.]+ s").matcher(text).find(), text);
    assertTrue(Pattern.compile("(?m)^pair 2: first load [\\d.]+ s, \\\\copy [\\d.]+ s, rate [\\d.]+").matcher(text)
        .find(), text);
    Matcher median = Pattern.compile("(?m)^first load / \\\\copy rate over 2 pairs: median ([\\d.]+) \\(pairs:"
        + " ([\\d.]+) / ([\\d.]+); the JVM's first: ([\\d.]+)\\)$").matcher(text);
    assertTrue(median.find(), text);
    // every pair's CPU next to what it bounds: the load's JVM and database CPU, and the \copy's (Linux /proc)
    if (Files.isDirectory(Path.of("/proc/self/task"))) {
      Matcher bound = Pattern.compile("(?m)^  first load: JVM ([\\d.]+) \\+ database ([\\d.]+) = ([\\d.]+) core-s,"
          + " so at least [\\d.]+ s: rate at most ([\\d.]+) \\(([\\d.]+) measured\\); without the JIT's [\\d.]+ s:"
          + " at most [\\d.]+$").matcher(text);
      int bounds = 0;
      while (bound.find()) {
        bounds++;
        assertTrue(Double.parseDouble(bound.group(2)) > 0, "the database used no CPU in a load: " + bound.group());
      }
      assertEquals(2, bounds, text);
      // and the load's CPU by kind of thread: the COPY writers worked in every load, C2 in the cold one
      Matcher threads = Pattern.compile("(?m)^  first load, this JVM by thread, core-s: (.*)$").matcher(text);
      int threadLines = 0;
      while (threads.find()) {
        threadLines++;
        assertTrue(threads.group(1).contains("COPY writers "), threads.group());
        assertTrue(threadLines > 1 || threads.group(1).contains("C2 compiler "), threads.group());
      }
      assertEquals(2, threadLines, text);
      Matcher copy = Pattern.compile("(?m)^  \\\\copy: database ([\\d.]+) \\+ psql ([\\d.]+) = ").matcher(text);
      assertTrue(copy.find(), text);
      assertTrue(Double.parseDouble(copy.group(1)) > 0, "the database used no CPU in the \\copy: " + copy.group());
    }
    // the WAL each step wrote (the load writes the rows and more: series, digests, the feed's status)
    Matcher wal = Pattern.compile("(?m)^  \\(WAL written: first load (\\d+) MB, (?:no checkpoint in it|a checkpoint"
        + " began \\d+ MB into it); \\\\copy (\\d+) MB, (?:no checkpoint in it|a checkpoint began \\d+ MB into it)\\)$")
        .matcher(text);
    assertTrue(wal.find(), text);
    assertTrue(Integer.parseInt(wal.group(1)) > 0 && Integer.parseInt(wal.group(2)) > 0, wal.group());
    // whether both load targets can hold at once: the re-read against the \copy, from the table's own seconds
    Matcher copySeconds = Pattern.compile("(?m)^psql \\\\copy into an equivalent table +([\\d.]+) ").matcher(text);
    Matcher rereadSeconds = Pattern.compile("(?m)^unchanged re-read in full \\(parse \\+ compare\\) +([\\d.]+) ")
        .matcher(text);
    Matcher both = Pattern.compile("(?m)^unchanged re-read time / \\\\copy time: ([\\d.]+)% \\(both targets above at"
        + " once need <= 31.25%\\)$").matcher(text);
    assertTrue(copySeconds.find() && rereadSeconds.find() && both.find(), text);
    double expected = 100 * Double.parseDouble(rereadSeconds.group(1)) / Double.parseDouble(copySeconds.group(1));
    // the seconds are printed to the millisecond: a small run's ratio from them is a few percent off
    assertEquals(expected, Double.parseDouble(both.group(1)), Math.max(0.2, 0.03 * expected), both.group());
    // the cold line is the first pair's
    assertEquals(cold.group(1), median.group(2));
    assertEquals(cold.group(1), median.group(4));
  }

  @Test
  void walSinceSaysHowMuchAndWhereACheckpointBegan() {
    LoadBenchmark.WalPoint before = new LoadBenchmark.WalPoint(1_000_000_000L, 900_000_000L);
    assertEquals("292 MB, no checkpoint in it",
        new LoadBenchmark.WalPoint(1_292_000_000L, 900_000_000L).since(before));
    assertEquals("292 MB, a checkpoint began 150 MB into it",
        new LoadBenchmark.WalPoint(1_292_000_000L, 1_150_000_000L).since(before));
  }

  @Test
  void medianIsTheMiddleOrTheMeanOfTheTwoMiddleOnes() {
    assertEquals(2.0, LoadBenchmark.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, LoadBenchmark.median(List.of(4.0, 1.0, 3.0, 2.0)));
    assertEquals(0.7, LoadBenchmark.median(List.of(0.7)));
  }

  @Test
  void pairsBelowOneIsAUsageError() throws Exception {
    assertEquals(2, LoadBenchmark.run(new String[] {"--pairs", "0"}));
  }
}
