package io.fingerpost.feed;

import static io.fingerpost.feed.FingertipsCsvReaderTest.realExport;
import static io.fingerpost.feed.FingertipsCsvReaderTest.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.codec.digest.MurmurHash3;
import org.junit.jupiter.api.Test;

/**
 * Pass 1 of an unchanged re-read digests a CSV row's parts without building it ({@link FingertipsCsvReader#nextParts},
 * issue 14). The digests it computes must be the ones saved by every earlier read (rows built, then digested), and
 * its rejections and warnings those of {@link FingertipsCsvReader#next}.
 */
class PassOneDigestTest {

  /** A series' sum as (a, b, rows): a and b the low and high halves of the 128-bit sum. */
  private record Sum(long a, long b, int rows) {}

  @Test
  void partsDigestTheBundledExportAsTheBuiltRowsDoAndAsTheFirstLayout() throws Exception {
    byte[] bytes = Files.readAllBytes(realExport());
    Map<SeriesKey, Sum> reference = new HashMap<>();
    SeriesDigester built = new SeriesDigester();
    int parsed = 0;
    try (FingertipsCsvReader r = open(bytes)) {
      while (r.hasNext()) {
        if (r.next() instanceof ParsedRow p) {
          built.add(p.observation());
          reference.merge(p.observation().key(), referenceRow(p.observation()), PassOneDigestTest::add);
          parsed++;
        }
      }
    }
    assertTrue(parsed > 800 && reference.size() > 100, parsed + " rows, " + reference.size() + " series");
    Map<SeriesKey, Sum> byParts = sums(partsDigester(bytes));
    assertEquals(reference, sums(built), "rows built, digested: the layout as first written");
    assertEquals(reference, byParts, "rows' parts digested (pass 1)");
  }

  @Test
  void aChangedValueLimitCountOrNoteChangesOnlyItsSeriesDigest() throws Exception {
    byte[] original = Files.readAllBytes(realExport());
    Map<SeriesKey, Sum> before = sums(partsDigester(original));
    // the export's records span two physical lines (a line end closes the quoted indicator name); the second
    // holds fields 1..24 (its piece 0 is the name's closing quote; the export leaves the 26th off): one without
    // quoted commas, with a value, a 95% interval and a count
    String[] lines = new String(original, StandardCharsets.UTF_8).split("\n", -1);
    int at = -1;
    for (int i = 100; i < lines.length && at < 0; i++) {
      String[] f = lines[i].split(",", -1);
      if (lines[i].startsWith("\",") && f.length == 24 && !f[11].isEmpty() && !f[12].isEmpty()
          && !f[16].isEmpty()) {
        at = i;
      }
    }
    assertTrue(at > 0, "no plain record found");
    Map<String, UnaryOperator<String[]>> edits = new java.util.LinkedHashMap<>();
    edits.put("value", f -> set(f, 11, f[11] + (f[11].contains(".") ? "1" : ".1")));
    edits.put("lower 95% limit", f -> set(f, 12, f[12] + (f[12].contains(".") ? "1" : ".1")));
    edits.put("count", f -> set(f, 16, String.valueOf(Long.parseLong(f[16]) + 1)));
    edits.put("value note", f -> set(f, 18, "Value revised"));
    for (Map.Entry<String, UnaryOperator<String[]>> e : edits.entrySet()) {
      String[] copy = lines.clone();
      copy[at] = String.join(",", e.getValue().apply(copy[at].split(",", -1)));
      Map<SeriesKey, Sum> after = sums(partsDigester(String.join("\n", copy).getBytes(StandardCharsets.UTF_8)));
      assertEquals(before.keySet(), after.keySet(), e.getKey());
      List<SeriesKey> changed = new ArrayList<>();
      before.forEach((k, s) -> {
        if (!s.equals(after.get(k))) {
          changed.add(k);
        }
      });
      assertEquals(1, changed.size(), e.getKey() + " changed " + changed);
      String[] f = lines[at].split(",", -1);
      assertEquals(f[3], changed.get(0).areaCode(), e.getKey());
      assertNotEquals(before.get(changed.get(0)), after.get(changed.get(0)), e.getKey());
    }
  }

  @Test
  void partsRejectAndWarnAsTheBuiltRows() throws Exception {
    String csv = FingertipsCsvReaderTest.badRowsCsv()                  // lines 2-9
        + row("E08000029", "2019", "5").replace(",,,,,10,1000,", ",6,7,,,10,1000,") + "\n" // 10 warning: below CI
        + row("E08000030", "2019", "5").replace(",,,,,10,1000,", ",4,3,,,10,1000,") + "\n" // 11 limits reversed
        + row("E08000031", "2019", "5").replace(",10,1000,", ",-10,1000,") + "\n"         // 12 negative count
        + row("E08000032", "2019", "2e16") + "\n"                       // 13 beyond 1e15
        + row("E08000033", "1700", "5") + "\n"                          // 14 outside the years
        + row("E08000034", "2019", "5").replace(",10,1000,", ",10,1000,Provisional") + "\n"; // 15 ok, a note
    List<String> built = new ArrayList<>();
    try (FingertipsCsvReader r = FingertipsCsvReader.open(new StringReader(csv))) {
      while (r.hasNext()) {
        FeedRow row = r.next();
        built.add(row instanceof ParsedRow p ? describe(p.line(), p.observation(), p.warnings())
            : describe((RejectedRow) row));
      }
    }
    List<String> byParts = new ArrayList<>();
    try (FingertipsCsvReader r = FingertipsCsvReader.open(new StringReader(csv))) {
      while (r.hasNext()) {
        FeedRow row = r.nextParts();
        byParts.add(row == null ? describe(r.parts().line, r.parts().observation(), r.parts().warnings)
            : describe(assertInstanceOf(RejectedRow.class, row)));
      }
    }
    assertEquals(13, built.size());
    assertEquals(4, built.stream().filter(s -> s.startsWith("parsed")).count(), built.toString());
    assertTrue(built.get(7).contains("outside its own 95% confidence interval"), built.get(7));
    assertTrue(built.get(12).contains("valueNote=Provisional"), built.get(12));
    assertEquals(built, byParts);
  }

  @Test
  void theDigesterReadsTheSameBytesFromPartsAsFromTheirObservation() {
    RowParts p = new RowParts();
    p.key = new SeriesKey("1", "E1", "Persons", "All ages", null, null);
    p.period = io.fingerpost.model.Period.parse("2019/20");
    p.set(RowParts.VALUE, 1.5);
    p.set(RowParts.COUNT, 0.0);
    p.set(RowParts.DENOMINATOR, -0.0); // the sign of zero is a difference the store keeps
    p.note = "n";
    SeriesDigester parts = new SeriesDigester();
    parts.add(p);
    SeriesDigester obs = new SeriesDigester();
    Observation o = p.observation();
    assertNull(o.lowerCi95());
    obs.add(o);
    assertEquals(sums(obs), sums(parts));
    assertEquals(Map.of(p.key, referenceRow(o)), sums(parts));
  }

  private static String[] set(String[] f, int i, String v) {
    f[i] = v;
    return f;
  }

  private static String describe(long line, Observation o, List<String> warnings) {
    return "parsed " + line + " " + o + " " + warnings;
  }

  private static String describe(RejectedRow r) {
    return "rejected " + r.line() + " " + r.reason() + " " + r.content();
  }

  private static FingertipsCsvReader open(byte[] bytes) throws Exception {
    return FingertipsCsvReader.open(CsvRecords.utf8(new ByteArrayInputStream(bytes)));
  }

  private static SeriesDigester partsDigester(byte[] bytes) throws Exception {
    SeriesDigester d = new SeriesDigester();
    try (FingertipsCsvReader r = open(bytes)) {
      while (r.hasNext()) {
        if (r.nextParts() == null) {
          d.add(r.parts());
        }
      }
    }
    return d;
  }

  private static Map<SeriesKey, Sum> sums(SeriesDigester d) {
    Map<SeriesKey, Sum> out = new HashMap<>();
    for (SeriesDigester.Sum s : d.sums()) {
      out.put(s.key, new Sum(s.a, s.b, s.rows));
    }
    return out;
  }

  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);

  private static Sum add(Sum x, Sum y) {
    BigInteger s = big(x).add(big(y)).mod(MOD);
    return new Sum(s.longValue(), s.shiftRight(64).longValue(), x.rows + y.rows);
  }

  private static BigInteger big(Sum s) {
    return new BigInteger(Long.toUnsignedString(s.b)).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(s.a)));
  }

  /**
   * One row's hash in the layout as first written (kept here, apart from the code): the period's label, start and
   * end, value, the four limits, count, denominator, note; a number as 1 and its bits (little-endian), a text as 1,
   * its length and UTF-16 units (little-endian), null as 0; MurmurHash3 x64-128, seed 0.
   */
  private static Sum referenceRow(Observation o) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    text(out, o.period().label());
    number(out, o.period().start());
    number(out, o.period().end());
    for (Double d : new Double[] {o.value(), o.lowerCi95(), o.upperCi95(), o.lowerCi998(), o.upperCi998(),
        o.count(), o.denominator()}) {
      number(out, d);
    }
    text(out, o.valueNote());
    byte[] b = out.toByteArray();
    long[] h = MurmurHash3.hash128x64(b, 0, b.length, 0);
    return new Sum(h[0], h[1], 1);
  }

  private static void number(ByteArrayOutputStream out, Double d) {
    if (d == null) {
      out.write(0);
      return;
    }
    out.write(1);
    long v = Double.doubleToLongBits(d);
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
  }

  private static void text(ByteArrayOutputStream out, String s) {
    if (s == null) {
      out.write(0);
      return;
    }
    out.write(1);
    int n = s.length();
    for (int i = 0; i < 4; i++) {
      out.write(n >>> (8 * i));
    }
    for (int i = 0; i < n; i++) {
      out.write(s.charAt(i));
      out.write(s.charAt(i) >>> 8);
    }
  }
}
