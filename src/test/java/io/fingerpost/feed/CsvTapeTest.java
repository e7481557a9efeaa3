package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CsvTape} notes line starts as its text arrives and lets go of old text past 512K characters: the lines of
 * rows and of a broken record far past that point must be the file's physical lines, with every kind of line end
 * ({@code \n}, {@code \r\n}, a lone {@code \r}, and line ends inside quoted fields), and reading must resume after
 * the broken record from text the tape still holds.
 */
class CsvTapeTest {

  @Test
  void linesStayExactPastTheReleasedTextWithEveryLineEnd() throws Exception {
    StringBuilder sb = new StringBuilder(FingertipsCsvReaderTest.HEADER).append('\n');
    String[] ends = {"\n", "\r\n", "\r"};
    List<Long> expected = new ArrayList<>(); // the line each good row starts on
    long line = 2;
    long brokenLine = -1;
    int rows = 30_000; // about 4.1M characters: the tape lets go of old text several times
    for (int i = 0; i < rows; i++) {
      String area = String.format("E%08d", i);
      String period = String.valueOf(2000 + i % 7);
      String r = FingertipsCsvReaderTest.row(area, period, String.valueOf(i % 97));
      int breaks = 0;
      if (i % 5 == 0) { // a quoted name over two or three physical lines
        // a lone \r, then text, then a \n inside one quoted field among them (i % 6 == 2): FastCSV (4.0-4.3.1) counts
        // one line end there, the tape two; CsvRecords makes up FastCSV's count, so every line below is the file's
        boolean two = i % 2 == 0;
        String inner = ends[i % 3] + "part two" + (two ? ends[(i + 1) % 3] + "part three" : "");
        breaks = two ? 2 : 1;
        r = r.replace(",Dudley,", ",\"Dudley" + inner + "\",");
      }
      if (i == 25_001) { // a broken quote, far past the first release
        r = r.replace(",Dudley,", ",\"Dud\"ley,");
        brokenLine = line;
      } else {
        expected.add(line);
      }
      sb.append(r).append(ends[i % 3]);
      line += 1 + breaks;
    }
    assertTrue(sb.length() > 6 * (1 << 19), "the file must pass the tape's 512K-character release several times");

    List<FeedRow> read = FingertipsCsvReaderTest.readAll(FingertipsCsvReader.open(CsvRecords.utf8(
        new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)))));
    List<Long> parsedLines = new ArrayList<>();
    List<RejectedRow> rejected = new ArrayList<>();
    for (FeedRow r : read) {
      if (r instanceof ParsedRow p) {
        parsedLines.add(p.line());
      } else {
        rejected.add((RejectedRow) r);
      }
    }
    assertEquals(1, rejected.size(), rejected.toString());
    assertEquals(brokenLine, rejected.get(0).line(), rejected.get(0).reason());
    assertTrue(rejected.get(0).reason().contains("invalid character between encapsulated token and delimiter"),
        rejected.get(0).reason());
    assertEquals(expected, parsedLines, "every other row parses, at its physical line");
  }
}
