package io.fingerpost.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads the shared reference data (system property {@code fingerpost.shared}); fails, never skips. */
public final class Reference {

  private Reference() {}

  public static Path shared() {
    String dir = System.getProperty("fingerpost.shared");
    if (dir == null) {
      fail("system property fingerpost.shared is not set (surefire sets it to src/test/resources/shared)");
    }
    return Path.of(dir);
  }

  public static Path file(String relative) {
    Path p = shared().resolve(relative);
    assertTrue(Files.isRegularFile(p), "reference file missing: " + p);
    return p;
  }

  /** A CSV row by header name; empty cells are null. Lines starting with '#' are comments. */
  public record Row(long line, Map<String, String> cells) {
    public String get(String name) {
      if (!cells.containsKey(name)) {
        throw new IllegalArgumentException("no column " + name + " in " + cells.keySet());
      }
      String v = cells.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    }

    public Double num(String name) {
      String v = get(name);
      return v == null ? null : Double.valueOf(v);
    }
  }

  /** Every non-comment, non-blank row of a CSV file with a header line. */
  public static List<Row> csv(String relative) {
    Path p = file(relative);
    CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader()
        .setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true).setAllowMissingColumnNames(true)
        .build();
    List<Row> rows = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(r, format)) {
      List<String> header = parser.getHeaderNames();
      for (CSVRecord rec : parser) {
        Map<String, String> cells = new LinkedHashMap<>();
        boolean any = false;
        for (int i = 0; i < header.size() && i < rec.size(); i++) {
          String v = rec.get(i);
          cells.put(header.get(i), v);
          any |= v != null && !v.isBlank();
        }
        if (any) {
          rows.add(new Row(rec.getParser().getCurrentLineNumber(), cells));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read " + p, e);
    }
    assertTrue(!rows.isEmpty(), "no rows in " + p);
    return rows;
  }

  /** Relative closeness: |a − e| ≤ tol·max(|e|, tiny). */
  public static void close(double expected, double actual, double relTol, String what) {
    double scale = Math.max(Math.abs(expected), 1e-300);
    if (!(Math.abs(actual - expected) <= relTol * scale)) {
      fail(what + ": expected " + expected + " but was " + actual + " (relative tolerance " + relTol + ")");
    }
  }
}
