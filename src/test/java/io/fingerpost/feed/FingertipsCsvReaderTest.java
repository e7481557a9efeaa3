package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.model.Observation;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FingertipsCsvReaderTest {

  static final String HEADER = "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,"
      + "Sex,Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
      + "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
      + "Compared to England value or percentiles,Compared to Counties & UAs (from Apr 2023) value or percentiles,"
      + "Time period Sortable,New data,Compared to goal,Time period range";

  static Path realExport() {
    String shared = System.getProperty("fingerpost.shared");
    assertTrue(shared != null, "system property fingerpost.shared is not set");
    Path p = Path.of(shared, "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv");
    assertTrue(Files.isRegularFile(p), "missing reference file " + p);
    return p;
  }

  static List<FeedRow> readAll(FingertipsCsvReader r) throws Exception {
    List<FeedRow> rows = new ArrayList<>();
    try (r) {
      r.forEachRemaining(rows::add);
    }
    return rows;
  }

  @Test
  void realExportParsesEveryRecordWithPhysicalLines() throws Exception {
    FingertipsCsvReader reader = FingertipsCsvReader.open(realExport());
    assertEquals("Compared to Region value or percentiles", reader.parentComparatorColumn());
    List<FeedRow> rows = readAll(reader);
    // 1705 physical lines: a header on 1 line, 852 records on 2 lines each (the name holds a newline)
    assertEquals(852, rows.size());
    assertEquals(852, rows.stream().filter(r -> r instanceof ParsedRow).count(), () -> rows.stream()
        .filter(r -> r instanceof RejectedRow).limit(5).toList().toString());
    assertEquals(2, rows.get(0).line());
    assertEquals(4, rows.get(1).line());
    assertEquals(1704, rows.get(851).line());
    ParsedRow first = (ParsedRow) rows.get(0);
    assertEquals("Campylobacter incidence rate/100,000", first.indicator().name());
    assertEquals("E92000001", first.area().code());
    assertEquals("Country", first.area().type());
    Observation o = first.observation();
    assertEquals("93356", o.key().indicatorId());
    assertEquals("Persons", o.key().sex());
    assertEquals("All ages", o.key().age());
    assertEquals("", o.key().category());
    assertEquals("2015", o.period().label());
    assertEquals(94.7261896202678, o.value());
    assertEquals(93.9129396546008, o.lowerCi95());
    assertNull(o.lowerCi998());
    assertEquals(51897.0, o.count());
    assertEquals(54786327.0, o.denominator());
    ParsedRow dudley = rows.stream().map(r -> (ParsedRow) r)
        .filter(r -> r.area().code().equals("E08000027") && r.observation().key().age().equals("All ages")
            && r.observation().period().label().equals("2017"))
        .findFirst().orElseThrow();
    assertEquals("E12000005", dudley.area().parentCode());
    assertEquals(116.486270361485, dudley.observation().value(), 1e-12);
    assertTrue(dudley.published().comparedToEngland() != null);
  }

  /** Header and lines 2–9: a quoted line break, then bad rows of each kind, between rows that parse. */
  static String badRowsCsv() {
    return HEADER + "\n"
        + row("E08000027", "2019", "10.5").replace("Campylobacter", "\"Campylobacter\nrate\"") + "\n" // 2-3 ok
        + row("E08000027", "2020", "abc") + "\n"                        // 4 non-numeric
        + "93356,Name,E12000005\n"                                      // 5 wrong column count
        + row("", "2020", "1") + "\n"                                   // 6 no area code
        + row("E08000027", "2019", "11") + "\n"                         // 7 duplicate of line 2
        + row("E08000027", "20x9", "11") + "\n"                         // 8 bad period
        + row("E08000028", "2019", "") + "\n";                          // 9 ok, no value
  }

  @Test
  void badRowsAreRejectedWithTheirLineAndTheRestParse() throws Exception {
    String csv = badRowsCsv();
    List<FeedRow> rows = readAll(FingertipsCsvReader.open(new StringReader(csv)));
    assertEquals(7, rows.size());
    assertInstanceOf(ParsedRow.class, rows.get(0));
    assertEquals("Campylobacter\nrate", ((ParsedRow) rows.get(0)).indicator().name());
    assertReject(rows.get(1), 4, "Value 'abc' is not a number");
    assertReject(rows.get(2), 5, "has 3 fields, the header has 27");
    assertReject(rows.get(3), 6, "no Area Code");
    assertReject(rows.get(4), 7, "duplicates the series and period of line 2");
    assertReject(rows.get(5), 8, "time period '20x9'");
    ParsedRow last = assertInstanceOf(ParsedRow.class, rows.get(6));
    assertNull(last.observation().value());
    assertEquals(9, last.line());
    assertEquals("Similar", last.published().comparedToParent());
  }

  @Test
  void headerWithoutRequiredColumnsIsRefused() {
    FeedFormatException e = assertThrows(FeedFormatException.class,
        () -> FingertipsCsvReader.open(new StringReader("area,period,value\nE1,2020,1\n")));
    assertTrue(e.getMessage().contains("Indicator ID"), e.getMessage());
    assertEquals(1, e.line());
  }

  /** The real export with physical line {@code line} (1-based) changed by {@code edit}, as bytes. */
  static byte[] realExportWith(int line, java.util.function.UnaryOperator<String> edit) throws Exception {
    return realExportWith(realExport(), line, edit);
  }

  /** {@code file} with physical line {@code line} (1-based) changed by {@code edit}, as bytes. */
  static byte[] realExportWith(Path file, int line, java.util.function.UnaryOperator<String> edit) throws Exception {
    String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
    lines[line - 1] = edit.apply(lines[line - 1]);
    return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
  }

  private static List<FeedRow> readAll(byte[] bytes) throws Exception {
    return readAll(FingertipsCsvReader.open(CsvRecords.utf8(new ByteArrayInputStream(bytes))));
  }

  private static List<RejectedRow> rejected(List<FeedRow> rows) {
    return rows.stream().filter(r -> r instanceof RejectedRow).map(r -> (RejectedRow) r).toList();
  }

  @Test
  void nulByteRejectsItsRowOnlyWithItsLine() throws Exception {
    // line 855 is the second physical line of the record that starts on line 854
    List<FeedRow> rows = readAll(realExportWith(855, l -> l.replace("Rochdale", "Roch\u0000dale")));
    assertEquals(852, rows.size());
    List<RejectedRow> bad = rejected(rows);
    assertEquals(1, bad.size(), bad.toString());
    assertReject(bad.get(0), 854, "column 'Area Name' holds a NUL byte");
    assertFalse(bad.get(0).content().contains("\u0000"), "a rejection's content is stored: no NUL in it");
    assertTrue(bad.get(0).content().contains("Roch\u2400dale"), bad.get(0).content());
  }

  @Test
  void bytesThatAreNotUtf8RejectTheirRowNotReplacedByUfffd() throws Exception {
    byte[] text = (HEADER + "\n" + row("E08000027", "2019", "10.5") + "\n"
        + row("E08000028", "2019", "7.25").replace("Dudley", "Dud@ley") + "\n"
        + row("E08000029", "2019", "7.5").replace("Dudley", "Dud\uFFFDley") + "\n"
        + row("E08000030", "2019", "8").replace("Dudley", "Dud#ley") + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new String(text, StandardCharsets.ISO_8859_1)
        .replace("@", "\u00ff").replace("#", "\u00c3")  // 0xFF never occurs in UTF-8; 0xC3 alone is cut short
        .getBytes(StandardCharsets.ISO_8859_1);
    List<FeedRow> rows = readAll(bytes);
    assertEquals(4, rows.size());
    assertInstanceOf(ParsedRow.class, rows.get(0));
    assertReject(rows.get(1), 3, "column 'Area Name' holds bytes that are not UTF-8");
    // a U+FFFD written as UTF-8 is text like any other
    assertEquals("Dud\uFFFDley", assertInstanceOf(ParsedRow.class, rows.get(2)).area().name());
    assertReject(rows.get(3), 5, "column 'Area Name' holds bytes that are not UTF-8");
  }

  @Test
  void quoteErrorRejectsOnlyItsRecordAtTheLineItIsOn() throws Exception {
    byte[] bytes = realExportWith(855, l -> l.replace(",Rochdale,", ",\"Roch\"dale,"));
    List<FeedRow> rows = readAll(bytes);
    List<RejectedRow> bad = rejected(rows);
    assertEquals(1, bad.size(), bad.toString());
    assertReject(bad.get(0), 855, "the record that starts 1 line above is rejected");
    assertTrue(bad.get(0).reason().contains("invalid character between encapsulated token and delimiter"),
        bad.get(0).reason());
    assertEquals(851, rows.size() - 1, "every other record parses");
    assertEquals(856, rows.get(rows.indexOf(bad.get(0)) + 1).line());
    try (FingertipsCsvReader again = FingertipsCsvReader.open(CsvRecords.utf8(new ByteArrayInputStream(bytes)))) {
      again.forEachRemaining(r -> { });
      assertEquals(List.of(new RowReader.LineRange(854, 855)), again.unread());
    }

    // Read in chunks (a re-read), the fault is still reported at its line of the file, not of the stream.
    Path file = Files.createTempFile("quote", ".csv");
    try {
      Files.write(file, bytes);
      FileChunks fc = FileChunks.of(file, "seed", 4096);
      List<FileChunks.Chunk> broken = fc.chunks().stream()
          .filter(c -> c.firstLine() <= 855 && 855 < c.firstLine() + c.lines()).toList();
      try (java.io.InputStream in = fc.open(broken)) {
        List<RejectedRow> inChunk = rejected(readAll(FingertipsCsvReader.open(CsvRecords.utf8(in), fc.lineMap(broken))));
        assertEquals(1, inChunk.size(), inChunk.toString());
        assertEquals(855, inChunk.get(0).line());
      }
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void unclosedQuoteStopsTheReadAndKeepsTheRowsBefore() throws Exception {
    FingertipsCsvReader reader = FingertipsCsvReader.open(CsvRecords.utf8(new ByteArrayInputStream(
        realExportWith(855, l -> l.replace(",Rochdale,", ",\"Rochdale,")))));
    List<FeedRow> rows = readAll(reader);
    List<RejectedRow> bad = rejected(rows);
    assertEquals(1, bad.size(), bad.toString());
    assertTrue(bad.get(0).reason().contains("nothing from line 854 on is read"), bad.get(0).reason());
    assertEquals(List.of(new RowReader.LineRange(854, Long.MAX_VALUE)), reader.unread());
    // the 426 records on lines 2..853 parse
    assertEquals(426, rows.stream().filter(r -> r instanceof ParsedRow).count());
    assertTrue(rows.stream().filter(r -> r instanceof ParsedRow).allMatch(r -> r.line() < 854));
  }

  /**
   * A carriage return inside the quoted last field, then a line feed ending the record: the line feed ends it
   * (FastCSV 4.0.0 took it for the second half of a CRLF and ran the next line into the record, which was then
   * refused for its width and the next row lost with it; fixed in FastCSV 4.3.x).
   */
  @Test
  void aCarriageReturnInTheQuotedLastFieldDoesNotJoinTheNextLine() throws Exception {
    String csv = HEADER + "\n"
        + row("E08000027", "2019", "10.5").replace(",1y", ",\"1\ry\"") + "\n"  // lines 2-3 (the CR breaks a line)
        + row("E08000027", "2020", "11.5") + "\n"                            // line 4
        + row("E08000027", "2021", "12.5").replace(",1y", ",\"1y\r\"") + "\n"  // lines 5-6
        + row("E08000027", "2022", "13.5") + "\n";                           // line 7
    List<FeedRow> rows = readAll(FingertipsCsvReader.open(new StringReader(csv)));
    assertEquals(4, rows.size(), rows.toString());
    assertTrue(rows.stream().allMatch(r -> r instanceof ParsedRow), rows.toString());
    assertEquals(List.of(2L, 4L, 5L, 7L), rows.stream().map(FeedRow::line).toList());
    assertEquals(List.of("2019", "2020", "2021", "2022"),
        rows.stream().map(r -> ((ParsedRow) r).observation().period().label()).toList());
  }

  /**
   * A lone carriage return, then text, then a line feed inside one quoted field are two line ends (as the tape and
   * an editor count them): the rows after it, and a broken record after it, keep their own lines. FastCSV (4.0 to
   * 4.3.1) counts one there; {@link CsvRecords} makes up the difference.
   */
  @Test
  void aLoneCarriageReturnThenTextThenALineFeedInQuotesAreTwoLines() throws Exception {
    String csv = HEADER + "\n"
        + row("E08000027", "2019", "10.5").replace("Campylobacter", "\"Camp\rylo\nbacter\"") + "\n" // lines 2-4
        + row("E08000027", "2020", "11.5") + "\n"                                            // line 5
        + row("E08000027", "2021", "12.5").replace(",Dudley,", ",\"Dud\"ley,") + "\n"          // line 6, broken
        + row("E08000027", "2022", "13.5") + "\n"                                            // line 7
        + row("E08000027", "2023", "14.5").replace("Campylobacter", "\"a\rb\nc\rd\ne\"") + "\n"  // lines 8-12
        + row("E08000027", "2024", "15.5") + "\n";                                           // line 13
    List<FeedRow> rows = readAll(FingertipsCsvReader.open(new StringReader(csv)));
    assertEquals(List.of(2L, 5L, 6L, 7L, 8L, 13L), rows.stream().map(FeedRow::line).toList(), rows.toString());
    assertReject(rows.get(2), 6, "cannot be read as CSV");
    assertEquals("Camp\rylo\nbacter", ((ParsedRow) rows.get(0)).indicator().name());
    assertEquals("2024", ((ParsedRow) rows.get(5)).observation().period().label());
  }

  private static void assertReject(FeedRow row, long line, String reasonPart) {
    RejectedRow r = assertInstanceOf(RejectedRow.class, row);
    assertEquals(line, r.line());
    assertTrue(r.reason().contains(reasonPart), r.reason());
  }

  /** A row with its value and no confidence limits (a value outside its own limits is a warning). */
  static String row(String area, String period, String value) {
    return "93356,Campylobacter,E12000005,West Midlands region," + area + ",Dudley,UA,Persons,All ages,,,"
        + period + "," + value + ",,,,,10,1000,,,Worse,Similar,20190000,,,1y";
  }
}
