package io.fingerpost.cli;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.fingerpost.feed.ChunkPlan;
import io.fingerpost.feed.FileChunks;
import io.fingerpost.feed.FingertipsCsvReader;
import io.fingerpost.feed.ParsedRow;
import io.fingerpost.feed.RowReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Parse benchmark (issue 14, not a test): the {@code bench-load} file of N rows (default 1,000,000) read by
 * each of the feed's read paths, nothing stored, next to a reference measured in the same run: FastCSV
 * tokenising the same file on one thread with every field made a String (the floor of a String-per-field
 * read). Each path runs {@code --runs} times (after one warm-up); each run and the median are printed.
 *
 * <pre>
 *   java -jar target/fingerpost.jar bench-parse [--rows N] [--runs N] [--only WORD]
 * </pre>
 */
public final class ParseBenchmark {

  private ParseBenchmark() {}

  public static int run(String[] args) throws Exception {
    int rows = 1_000_000;
    int runs = 3;
    String only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--only" -> only = args[++i];
        default -> {
          System.err.println("usage: bench-parse [--rows N] [--runs N] [--only WORD (paths whose name holds it, and the reference)]");
          return 2;
        }
      }
    }
    Path dir = Files.createTempDirectory("fingerpost-parse");
    Path csv = dir.resolve("all_data.csv");
    try {
      LoadBenchmark.generate(csv, rows);
      System.out.printf(Locale.ROOT, "%,d rows, %,d bytes (the bench-load file); %d runs after one warm-up%n",
          rows, Files.size(csv), runs);
      final int expected = rows;
      Map<String, Callable<Long>> paths = new LinkedHashMap<>();
      paths.put("reference: FastCSV tokenising, a String per field", () -> tokenise(csv));
      paths.put("one stream (FingertipsCsvReader.open, a re-read)", () -> count(FingertipsCsvReader.open(csv)));
      // the service's path after a first poll: the chunks read in parallel on more than 2 cores, else one stream
      paths.put("cut into chunks, then the chunks " + (ChunkPlan.parallel() ? "in parallel" : "as one stream")
          + " (ChunkPlan)", () -> count(new ChunkPlan(
          FileChunks.of(csv, "parse", FileChunks.defaultAverageBytes()), Map.of()).open()));
      paths.put("cut into chunks only (FileChunks.of: record ends, SHA-256)", () -> (long) expected
          + 0 * FileChunks.of(csv, "parse", FileChunks.defaultAverageBytes()).chunks().size());
      paths.put("content hash only (SHA-256 of the file, a poll's fingerprint)", () -> (long) expected
          + 0 * FileChunks.contentHash(csv).length());
      Map<String, double[]> seconds = new LinkedHashMap<>();
      for (var e : paths.entrySet()) {
        if (only != null && !e.getKey().contains(only) && !e.getKey().startsWith("reference")) {
          continue;
        }
        long n = e.getValue().call(); // warm-up
        LoadBenchmark.check(n == expected || e.getKey().startsWith("reference"), e.getKey() + ": parsed " + n);
        double[] s = new double[runs];
        for (int r = 0; r < runs; r++) {
          long t0 = System.nanoTime();
          e.getValue().call();
          s[r] = (System.nanoTime() - t0) / 1e9;
        }
        seconds.put(e.getKey(), s);
      }
      double reference = median(seconds.values().iterator().next());
      System.out.printf(Locale.ROOT, "%-56s %-26s %9s %12s%n", "", "runs, s", "median s", "vs reference");
      for (var e : seconds.entrySet()) {
        List<String> each = new ArrayList<>();
        for (double s : e.getValue()) {
          each.add(String.format(Locale.ROOT, "%.3f", s));
        }
        double m = median(e.getValue());
        System.out.printf(Locale.ROOT, "%-56s %-26s %9.3f %11.2fx%n", e.getKey(), String.join(" ", each), m,
            m / reference);
      }
      return 0;
    } finally {
      LoadBenchmark.deleteTree(dir);
    }
  }

  private static long tokenise(Path csv) throws Exception {
    long sink = 0;
    try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
         CsvReader<CsvRecord> p = CsvReader.builder().extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                 .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
             .ofCsvRecord(in)) {
      for (CsvRecord r : p) {
        for (int i = 0; i < r.getFieldCount(); i++) {
          sink += r.getField(i).length();
        }
      }
    }
    return sink;
  }

  private static long count(RowReader r) throws Exception {
    long parsed = 0;
    try (r) {
      while (r.hasNext()) {
        parsed += r.next() instanceof ParsedRow ? 1 : 0;
      }
    }
    return parsed;
  }

  private static double median(double[] s) {
    double[] c = s.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }
}
