package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The read's fast paths (issue 14) against what they replaced: numbers parsed from characters give
 * {@link Double#parseDouble}'s double and refuse what the old regex refused, with the same message; the
 * text cache gives equal Strings (one instance for a column's repeats); a record judged plain holds nothing
 * {@link RowRules#badText} refuses.
 */
class ParseFastPathsTest {

  /** The rule {@link Values} had: this regex, then Double.parseDouble. */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private static Double old(String text, String column) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (!DECIMAL.matcher(text).matches()) {
      String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
      throw new IllegalArgumentException(column + " '" + shown + "' is not a number");
    }
    double d = Double.parseDouble(text);
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(column + " '" + text + "' is not a finite number");
    }
    return d;
  }

  private static void same(String text) {
    Double expected;
    try {
      expected = old(text, "Value");
    } catch (IllegalArgumentException e) {
      IllegalArgumentException got = assertThrows(IllegalArgumentException.class, () -> Values.number(text, "Value"),
          text);
      assertEquals(e.getMessage(), got.getMessage(), text);
      char[] padded = ("x" + text + "y").toCharArray();
      assertEquals(e.getMessage(), assertThrows(IllegalArgumentException.class,
          () -> Values.number(padded, 1, padded.length - 1, "Value")).getMessage(), text);
      return;
    }
    Double got = Values.number(text, "Value");
    if (expected == null) {
      assertNull(got, text);
      return;
    }
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(got), text);
    char[] padded = ("9" + text + "9").toCharArray(); // digits around: only the range counts
    assertEquals(Double.doubleToRawLongBits(expected),
        Double.doubleToRawLongBits(Values.number(padded, 1, padded.length - 1, "Value")), text);
  }

  @Test
  void numbersAreJavasDoublesAndRefusalsReadAsBefore() {
    for (String t : List.of("", "0", "-0", "+0", "5", "5.", ".5", "-.5", "+.5e3", "1e3", "1E-3", "1e+3", "00012.50",
        "0.1", "0.3", "1.7976931348623157e308", "1.8e308", "4.9e-324", "2e-324", "1e-400", "1e400",
        "123456789012345678901234567890", "0.000000000000000000000000000000001234567890123456789",
        "9007199254740993", "2.2250738585072011e-308", "2.2250738585072012e-308", "8.47129", "12.3456789012345678",
        ".", "-", "+", "e5", "1e", "1e+", "1.2.3", "0x1p3", "5d", "5f", "Infinity", "-Infinity", "NaN", " 5", "5 ",
        "1,5", "١٢", "12%", "*", "..5", "5..", "--5", "+-5", "1e5.5", "x".repeat(60), "1".repeat(400),
        "1e99999999999", "-1e-99999999999")) {
      same(t);
    }
    Random rnd = new Random(14);
    for (int i = 0; i < 200_000; i++) {
      String t = switch (i % 4) {
        case 0 -> String.format(java.util.Locale.ROOT, "%.6f", rnd.nextDouble() * Math.pow(10, rnd.nextInt(12)));
        case 1 -> Double.toString(Double.longBitsToDouble(rnd.nextLong()));
        case 2 -> Long.toString(rnd.nextLong()) + "." + Math.abs(rnd.nextInt()) + "e" + (rnd.nextInt(700) - 350);
        default -> Double.toString(rnd.nextDouble() * 1e6).replace("E", rnd.nextBoolean() ? "e" : "E");
      };
      same(t);
    }
    // every length of whole part and fraction up to and just beyond the fast path's 15 digits
    for (int whole = 0; whole <= 17; whole++) {
      for (int fraction = 0; fraction <= 17; fraction++) {
        for (int k = 0; k < 20; k++) {
          StringBuilder t = new StringBuilder(rnd.nextInt(4) == 0 ? "-" : "");
          for (int j = 0; j < whole; j++) {
            t.append((char) ('0' + rnd.nextInt(10)));
          }
          if (fraction > 0 || rnd.nextBoolean()) {
            t.append('.');
          }
          for (int j = 0; j < fraction; j++) {
            t.append((char) ('0' + rnd.nextInt(10)));
          }
          if (k % 5 == 0 && t.length() > 0) { // a character put in at random: read or refused as the old rule did
            t.setCharAt(rnd.nextInt(t.length()), "x./-e".charAt(rnd.nextInt(5)));
          }
          same(t.toString());
        }
      }
    }
  }

  @Test
  void theTextCacheGivesEqualTextsOneString() {
    TextCache cache = new TextCache();
    char[] a = "E06000001,E06000002,E06000001,,E06000002".toCharArray();
    String first = cache.get(a, 0, 9);
    String second = cache.get(a, 10, 19);
    assertEquals("E06000001", first);
    assertEquals("E06000002", second);
    assertSame(first, cache.get(a, 20, 29));
    assertEquals("", cache.get(a, 30, 30));
    assertSame(second, cache.get(a, 31, 40));
    // more distinct texts than it keeps: still the right Strings
    String kept = null;
    for (int i = 0; i < TextCache.MAX + 100; i++) {
      char[] t = ("code" + i).toCharArray();
      String s = cache.get(t, 0, t.length);
      assertEquals("code" + i, s);
      if (i == 5) {
        kept = s;
      }
    }
    char[] t5 = "code5".toCharArray();
    assertSame(kept, cache.get(t5, 0, t5.length));
    char[] late = ("code" + (TextCache.MAX + 50)).toCharArray();
    String l1 = cache.get(late, 0, late.length);
    cache.get(t5, 0, t5.length);
    assertNotSame(l1, cache.get(late, 0, late.length)); // beyond MAX: not kept, but equal
    assertEquals(l1, cache.get(late, 0, late.length));
  }

  /**
   * Rows that each change one column against the row before (the reader reuses the row before's key,
   * indicator, area and verdicts while nothing in them changed): every field read is the field written.
   */
  @Test
  void rowsThatChangeOneColumnAtATimeReadAsWritten() throws Exception {
    String header = FingertipsCsvReaderTest.HEADER;
    int width = header.split(",", -1).length;
    String[] base = ("90001,Name A,E12000005,Parent,E06000001,Area A,UA,Persons,All ages,,,2015,1.5,1.0,2.0,0.5,2.5,"
        + "10,100,,Trend,Similar,Better,20150000,,,").split(",", -1);
    assertEquals(width, base.length);
    int[] varied = {0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 12, 19, 20, 21, 22, 25};
    String[] months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    Random rnd = new Random(7);
    StringBuilder csv = new StringBuilder(header).append('\n');
    List<String[]> written = new java.util.ArrayList<>();
    String[] row = base.clone();
    for (int i = 0; i < 3000; i++) {
      row = row.clone();
      int c = varied[rnd.nextInt(varied.length)];
      row[c] = switch (c) {
        case 0 -> String.valueOf(90001 + rnd.nextInt(3));
        case 12 -> rnd.nextInt(5) == 0 ? "" : " " + rnd.nextInt(1000) / 8.0 + " ";
        case 9, 10 -> rnd.nextBoolean() ? "" : "Decile " + rnd.nextInt(3);
        case 19, 20, 21, 22, 25 -> rnd.nextBoolean() ? "" : (rnd.nextBoolean() ? "Similar" : " Worse");
        default -> "v" + rnd.nextInt(3);
      };
      if (c == 12 && !row[12].isBlank()) { // keep the value inside its CIs: no warning
        row[13] = "0";
        row[14] = "1000";
      }
      row[11] = (1801 + i / 12) + " " + months[i % 12]; // a new period every row: no duplicates
      written.add(row);
      csv.append(String.join(",", row)).append('\n');
    }
    List<FeedRow> rows = FingertipsCsvReaderTest.readAll(FingertipsCsvReader.open(new java.io.StringReader(
        csv.toString())));
    assertEquals(written.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String[] w = written.get(i);
      FeedRow read = rows.get(i);
      ParsedRow p = assertInstanceOf(ParsedRow.class, read, read::toString);
      var k = p.observation().key();
      assertEquals(List.of(w[0], w[4], w[7], w[8], w[9], w[10]),
          List.of(k.indicatorId(), k.areaCode(), k.sex(), k.age(), k.categoryType(), k.category()), "line " + p.line());
      assertEquals(w[11], p.observation().period().label());
      assertEquals(w[12].isBlank() ? null : Double.valueOf(w[12].trim()), p.observation().value());
      assertEquals(Double.valueOf(w[13]), p.observation().lowerCi95());
      assertEquals(w[1], p.indicator().name());
      assertEquals(w[0], p.indicator().id());
      assertEquals(List.of(w[4], w[5], w[6], w[2]), List.of(p.area().code(), p.area().name(), p.area().type(),
          p.area().parentCode()));
      assertEquals(java.util.Arrays.asList(FingertipsCsvReader.blankToNull(w[20].trim()),
              FingertipsCsvReader.blankToNull(w[21].trim()), FingertipsCsvReader.blankToNull(w[22].trim()),
              FingertipsCsvReader.blankToNull(w[25].trim())),
          java.util.Arrays.asList(p.published().recentTrend(), p.published().comparedToEngland(),
              p.published().comparedToParent(), p.published().comparedToGoal()), "line " + p.line());
      assertEquals(FingertipsCsvReader.blankToNull(w[19].trim()), p.observation().valueNote());
    }
  }

  /**
   * Periods of series mostly in the same order (the reader then takes the key and hash of the series after the row
   * before's, by the duplicate check's ids): with series left out, new, swapped, differing in one part only, and
   * repeated, every row's key and series hash are those of its text and the duplicates are those of a map of keys.
   */
  @Test
  void seriesInTheSameOrderEachPeriodReadAsWritten() throws Exception {
    String header = FingertipsCsvReaderTest.HEADER;
    Random rnd = new Random(20);
    String[] sexes = {"Male", "Female", "Persons"};
    List<String[]> series = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      series.add(new String[] {String.valueOf(90001 + i / 30), "E0600000" + (i / 3) % 10, sexes[i % 3],
          i % 7 == 0 ? "65+ yrs" : "All ages", i % 5 == 0 ? "Deciles" : "", i % 5 == 0 ? "D" + i % 2 : ""});
    }
    StringBuilder csv = new StringBuilder(header).append('\n');
    List<String[]> written = new java.util.ArrayList<>();
    for (int year = 2001; year <= 2012; year++) {
      List<String[]> order = new java.util.ArrayList<>(series);
      if (year % 3 == 0) {
        java.util.Collections.swap(order, rnd.nextInt(60), rnd.nextInt(60));
      }
      for (String[] k : order) {
        int dice = rnd.nextInt(40);
        if (dice == 0) {
          continue; // left out this period
        }
        String[] key = k.clone();
        if (dice == 1) {
          key[2] = "Persons"; // one part differs from the series usually here
        } else if (dice == 2) {
          key[5] = "D" + rnd.nextInt(5);
        }
        int times = dice == 3 ? 2 : 1; // a repeat: a duplicate
        for (int t = 0; t < times; t++) {
          String[] row = {key[0], "Name", "E12000005", "Parent", key[1], "Area", "UA", key[2], key[3], key[4], key[5],
              String.valueOf(year), "1.5", "1.0", "2.0", "0.5", "2.5", "10", "100", "", "", "", "", "", "", ""};
          written.add(row);
          csv.append(String.join(",", row)).append('\n');
        }
      }
      if (year == 2006) {
        series.add(new String[] {"90009", "E06000099", "Male", "All ages", "", ""}); // new mid-file
      }
    }
    java.util.Map<String, Long> firstLines = new java.util.HashMap<>();
    try (FingertipsCsvReader r = FingertipsCsvReader.open(new java.io.StringReader(csv.toString()))) {
      for (int i = 0; i < written.size(); i++) {
        String[] w = written.get(i);
        long line = i + 2;
        FeedRow row = r.nextParts();
        List<String> key = List.of(w[0], w[4], w[7], w[8], w[9], w[10]);
        Long first = firstLines.putIfAbsent(String.join("\u0001", key) + "\u0002" + w[11], line);
        if (first != null) {
          RejectedRow x = assertInstanceOf(RejectedRow.class, row);
          assertEquals(line, x.line());
          assertEquals("duplicates the series and period of line " + first, x.reason());
          continue;
        }
        assertNull(row, () -> String.valueOf(row));
        RowParts p = r.parts();
        var k = p.key;
        assertEquals(key, List.of(k.indicatorId(), k.areaCode(), k.sex(), k.age(), k.categoryType(), k.category()),
            "line " + line);
        assertEquals(DuplicateKeys.seriesHashOf(k), p.seriesHash, "line " + line);
        assertEquals(line, p.line);
      }
      assertTrue(!r.hasNext());
    }
  }

  /**
   * The cut's hash taken four bytes a step cuts where the byte-at-a-time loop it replaced cut (a change would
   * make every stored chunk fingerprint stale): random files of quotes, line ends of all kinds, UTF-8 and
   * plain text, against that loop (kept here as the reference).
   */
  @Test
  void chunksAreCutWhereTheByteAtATimeHashCut() throws Exception {
    Random rnd = new Random(1414);
    byte[] alphabet = "abc,,\"\"\n\n\r0123456789 é–".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("fingerpost-cut", ".csv");
    try {
      for (int round = 0; round < 30; round++) {
        byte[] bytes = new byte[round < 2 ? 2_500_000 + rnd.nextInt(100) : 1 + rnd.nextInt(200_000)]; // 2 over buffers
        for (int i = 0; i < bytes.length; i++) {
          // mostly long plain runs, as real files
          bytes[i] = rnd.nextInt(10) < 8 ? (byte) ('d' + rnd.nextInt(20)) : alphabet[rnd.nextInt(alphabet.length)];
        }
        java.nio.file.Files.write(file, bytes);
        long average = 64L << rnd.nextInt(8);
        List<long[]> expected = referenceCuts(bytes, average);
        List<long[]> got = new java.util.ArrayList<>();
        for (FileChunks.Chunk c : FileChunks.of(file, "seed", average).chunks()) {
          got.add(new long[] {c.offset(), c.length(), c.firstLine(), c.lines(), c.records()});
        }
        assertEquals(expected.size(), got.size(), "round " + round);
        for (int i = 0; i < got.size(); i++) {
          assertEquals(java.util.Arrays.toString(expected.get(i)), java.util.Arrays.toString(got.get(i)),
              "round " + round + " chunk " + i);
        }
      }
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  /** FileChunks.of's loop before issue 14's change, boundaries only: (offset, length, firstLine, lines, records). */
  private static List<long[]> referenceCuts(byte[] buf, long averageBytes) {
    long min = Math.max(1, averageBytes / 4);
    long max = Math.max(min, averageBytes * 8);
    long mask = Long.highestOneBit(Math.max(1, (averageBytes - min) / 200)) - 1;
    List<long[]> chunks = new java.util.ArrayList<>();
    boolean inHeader = true;
    boolean quoted = false;
    boolean pendingCr = false;
    long chunkStart = 0;
    long chunkFirstLine = 0;
    long line = 1;
    long records = 0;
    long recordStart = 0;
    long sum = 0;
    int n = buf.length;
    for (int i = 0; i < n; i++) {
      byte b = buf[i];
      if (pendingCr) {
        pendingCr = false;
        if (b != '\n') {
          line++;
        }
      }
      sum = sum * 31 + b;
      if (b > '"') {
        continue;
      }
      if (b == '"') {
        quoted = !quoted;
      } else if (b == '\r') {
        pendingCr = true;
      } else if (b == '\n') {
        line++;
        if (!quoted) {
          long end = i + 1;
          if (inHeader) {
            inHeader = false;
            chunkStart = end;
            chunkFirstLine = line;
          } else {
            records++;
            long size = end - chunkStart;
            if (size >= min && ((FileChunks.recordHash(sum, end - recordStart) & mask) == 0 || size >= max)) {
              chunks.add(new long[] {chunkStart, size, chunkFirstLine, line - chunkFirstLine, records});
              chunkStart = end;
              chunkFirstLine = line;
              records = 0;
            }
          }
          recordStart = end;
          sum = 0;
        }
      }
    }
    if (pendingCr) {
      line++;
    }
    if (!inHeader && n > chunkStart) {
      if (n > recordStart) {
        records++;
      }
      chunks.add(new long[] {chunkStart, n - chunkStart, chunkFirstLine, line - chunkFirstLine, records});
    }
    return chunks;
  }

  @Test
  void aPlainRecordHoldsNothingTheTextRulesRefuse() {
    for (int c = 0; c <= 0xFFFF; c++) {
      String s = "a" + (char) c + "b";
      if (CsvFields.plain((char) c)) {
        assertNull(RowRules.badText(s), "U+" + Integer.toHexString(c));
      }
    }
    assertTrue(CsvFields.of("a", "b\nc", "é–").plain());
    for (String bad : List.of("\u0000", "\u0001", "\u007f", "\u0085", String.valueOf(CsvRecords.NOT_UTF8), "\ud800",
        "\ufffe")) {
      CsvFields f = CsvFields.of("ok", "x" + bad);
      assertTrue(!f.plain(), bad);
    }
  }
}
