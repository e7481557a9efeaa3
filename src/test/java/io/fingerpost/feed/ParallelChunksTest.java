package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunks of a file read in parts on a pool ({@link ParallelChunks}) give what one reader over the same
 * chunks gives: every row in order, with its line, every rejection with its reason and content (a
 * duplicate whose first line is in another part too), and the same lines lost to broken quoting.
 */
class ParallelChunksTest {

  @TempDir
  Path dir;

  /** Rows as text: kind, line, and the observation and warnings or the rejection's reason and content. */
  private static List<String> describe(RowReader r) throws Exception {
    List<String> out = new ArrayList<>();
    try (r) {
      while (r.hasNext()) {
        FeedRow row = r.next();
        out.add(row instanceof ParsedRow p ? "parsed " + p.line() + " " + p.observation() + " " + p.indicator()
            + " " + p.area() + " " + p.published() + " " + p.warnings()
            : "rejected " + row.line() + " " + ((RejectedRow) row).reason() + " | " + ((RejectedRow) row).content());
      }
    }
    return out;
  }

  /** The same by {@link PartsReader#nextParts()}: a parsed row as its line, parts and warnings. */
  private static List<String> describeParts(PartsReader r) throws Exception {
    List<String> out = new ArrayList<>();
    try (r) {
      while (r.hasNext()) {
        FeedRow row = r.nextParts();
        RowParts p = r.parts();
        out.add(row == null ? "parsed " + p.line + " " + p.observation() + " " + p.indicator + " " + p.area + " "
            + p.warnings : "rejected " + row.line() + " " + ((RejectedRow) row).reason() + " | "
            + ((RejectedRow) row).content());
      }
    }
    return out;
  }

  private record Read(List<String> rows, List<RowReader.LineRange> unread) {}

  /** By parts, in parts (the pool) and in one stream alike, with the same lines lost. */
  private void samePartsBothWays(Path file) throws Exception {
    FileChunks fc = FileChunks.of(file, "seed", 4096);
    ParallelChunks inParts = new ParallelChunks(fc, fc.chunks(), 8192);
    FingertipsCsvReader one = FingertipsCsvReader.open(CsvRecords.utf8(fc.open(fc.chunks())), fc.lineMap(fc.chunks()));
    List<String> expected = describeParts(one);
    assertEquals(expected, describeParts(inParts));
    assertEquals(one.unread(), inParts.unread());
  }

  private Read inParts(Path file) throws Exception {
    FileChunks fc = FileChunks.of(file, "seed", 4096);
    assertTrue(fc.chunks().size() > 8, "a small file cut into many chunks: " + fc.chunks().size());
    ParallelChunks r = new ParallelChunks(fc, fc.chunks(), 8192);
    List<String> rows = describe(r);
    return new Read(rows, r.unread());
  }

  private static Read oneStream(Path file) throws Exception {
    FileChunks fc = FileChunks.of(file, "seed", 4096);
    FingertipsCsvReader r = FingertipsCsvReader.open(CsvRecords.utf8(fc.open(fc.chunks())), fc.lineMap(fc.chunks()));
    List<String> rows = describe(r);
    return new Read(rows, r.unread());
  }

  private Path write(byte[] bytes) throws Exception {
    Path p = Files.createTempFile(dir, "export", ".csv");
    Files.write(p, bytes);
    return p;
  }

  @Test
  void theRealExportWithADuplicateInALaterPartReadsAsOneStream() throws Exception {
    String text = Files.readString(FingertipsCsvReaderTest.realExport(), StandardCharsets.UTF_8);
    // the record on lines 854-855 again at the end: a duplicate of line 854, many parts later
    String[] lines = text.split("\n", -1);
    String again = lines[853] + "\n" + lines[854] + "\n";
    Path file = write((text + (text.endsWith("\n") ? "" : "\n") + again).getBytes(StandardCharsets.UTF_8));

    Read parts = inParts(file);
    Read one = oneStream(file);
    assertEquals(one.rows(), parts.rows());
    assertEquals(List.of(), parts.unread());
    assertTrue(parts.rows().get(parts.rows().size() - 1).contains("duplicates the series and period of line 854"),
        parts.rows().get(parts.rows().size() - 1));
    assertTrue(parts.rows().stream().filter(s -> s.startsWith("parsed")).count() > 800);
    samePartsBothWays(file);
  }

  @Test
  void brokenQuotingLosesTheSameLinesWithTheSameMessages() throws Exception {
    Path broken = write(FingertipsCsvReaderTest.realExportWith(855, l -> l.replace(",Rochdale,", ",\"Roch\"dale,")));
    Read parts = inParts(broken);
    Read one = oneStream(broken);
    assertEquals(one.rows(), parts.rows());
    assertEquals(List.of(new RowReader.LineRange(854, 855)), parts.unread());

    Path unclosed = write(FingertipsCsvReaderTest.realExportWith(855, l -> l.replace(",Rochdale,", ",\"Rochdale,")));
    Read partsU = inParts(unclosed);
    assertEquals(oneStream(unclosed).rows(), partsU.rows());
    assertEquals(List.of(new RowReader.LineRange(854, Long.MAX_VALUE)), partsU.unread());
    assertTrue(partsU.rows().stream().anyMatch(s -> s.contains("nothing from line 854 on is read")), partsU.rows().toString());
    samePartsBothWays(broken);
    samePartsBothWays(unclosed);
  }
  /**
   * Names holding a lone CR, then text, then the LF the export already has (three physical lines a record, which
   * FastCSV alone counts as two) and a broken record later: in parts and in one stream the rows, their lines and the
   * lines lost agree, and the broken record is rejected at its physical line.
   */
  @Test
  void loneCarriageReturnsInQuotesKeepEveryLineInPartsAndInOneStream() throws Exception {
    String text = Files.readString(FingertipsCsvReaderTest.realExport(), StandardCharsets.UTF_8)
        .replace("\"Campylobacter", "\"Camp\rylobacter");
    int at = text.indexOf(",Rochdale,", text.length() / 2);
    text = text.substring(0, at) + ",\"Roch\"dale," + text.substring(at + ",Rochdale,".length());
    long line = 1; // the physical line of the broken record: \n, \r\n and a lone \r each end one
    for (int i = 0; i < at; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' && text.charAt(i + 1) != '\n') {
        line++;
      }
    }
    long brokenLine = line;
    Path file = write(text.getBytes(StandardCharsets.UTF_8));
    Read parts = inParts(file);
    Read one = oneStream(file);
    assertEquals(one.rows(), parts.rows());
    assertEquals(one.unread(), parts.unread());
    assertTrue(parts.rows().stream().anyMatch(r -> r.startsWith("rejected " + brokenLine + " cannot be read as CSV")),
        "the broken record at line " + brokenLine + ": " + parts.rows().stream().filter(r -> r.startsWith("rejected"))
            .toList());
    assertEquals(851, parts.rows().stream().filter(r -> r.startsWith("parsed")).count()); // 852 less the broken one
    assertTrue(parts.rows().get(0).startsWith("parsed 2 "), parts.rows().get(0));
    assertTrue(parts.rows().get(1).startsWith("parsed 5 "), parts.rows().get(1)); // records of three lines
    samePartsBothWays(file);
  }
}
