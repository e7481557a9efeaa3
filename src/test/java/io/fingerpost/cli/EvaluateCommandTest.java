package io.fingerpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fingerpost.engine.Reference;
import io.fingerpost.feed.FeedRow;
import io.fingerpost.feed.FingertipsCsvReader;
import io.fingerpost.feed.ParsedRow;
import io.fingerpost.model.Observation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXPORT = "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv";

  record Run(int exit, List<JsonNode> lines, String err) {}

  static Run run(String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = EvaluateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    String e = err.toString(StandardCharsets.UTF_8);
    assertFalse(e.contains("Exception") || e.contains("\tat "), "no stack trace: " + e);
    return new Run(code, lines, e);
  }

  private static String key(String indicator, String area, String sex, String age, String catType, String cat) {
    return String.join("|", indicator, area, sex, age, catType, cat);
  }

  /**
   * The real export (Campylobacter incidence, counties and UAs, 2015–2017): for every row with 95%
   * limits, our comparison with England (low is good) at that period equals Fingertips' own
   * "Compared to England value or percentiles". England's own rows are the benchmark: the command
   * prints no line for them and Fingertips says "Not compared".
   */
  @Test
  void reproducesFingertipsComparedToEngland() throws IOException {
    Path export = Reference.file(EXPORT);
    Run r = run("--input", export.toString(), "--polarity", "low-is-good");
    assertEquals(0, r.exit(), r.err());
    Map<String, JsonNode> bySeries = new HashMap<>();
    for (JsonNode n : r.lines()) {
      assertNotEquals("E92000001", n.get("areaCode").asText(), "no line for the benchmark area");
      String k = key(n.get("indicatorId").asText(), n.get("areaCode").asText(), n.get("sex").asText(),
          n.get("age").asText(), n.get("categoryType").asText(), n.get("category").asText());
      assertTrue(bySeries.put(k, n) == null, "one line per series: " + k);
    }
    int compared = 0;
    int benchmarkRows = 0;
    List<String> disagreements = new ArrayList<>();
    try (FingertipsCsvReader reader = FingertipsCsvReader.open(export)) {
      while (reader.hasNext()) {
        FeedRow row = reader.next();
        assertTrue(row instanceof ParsedRow, "every row of the real export parses: " + row);
        ParsedRow p = (ParsedRow) row;
        Observation o = p.observation();
        if (o.lowerCi95() == null || o.upperCi95() == null) {
          continue;
        }
        String published = p.published().comparedToEngland();
        if (o.key().areaCode().equals("E92000001")) {
          assertEquals("Not compared", published);
          benchmarkRows++;
          continue;
        }
        JsonNode line = bySeries.get(key(o.key().indicatorId(), o.key().areaCode(), o.key().sex(),
            o.key().age(), o.key().categoryType(), o.key().category()));
        String ours = line.get("comparisons").get(o.period().label()).asText();
        if (!ours.equals(published)) {
          disagreements.add("line " + p.line() + " " + o.key() + " " + o.period().label() + ": Fingertips "
              + published + ", ours " + ours);
        }
        compared++;
      }
    }
    assertEquals(List.of(), disagreements);
    assertEquals(750, compared);
    assertEquals(5, benchmarkRows);
    // the latest period's comparison is the top-level field
    for (JsonNode n : r.lines()) {
      assertEquals(n.get("comparisons").get(n.get("latestPeriod").asText()).asText(),
          n.get("comparedToBenchmark").asText());
    }
  }

  /**
   * The same export's "Recent Trend" column (given on the latest period's rows): a crude rate with 3
   * yearly points, so Fingertips says "Cannot be calculated", and so must we.
   */
  @Test
  void reproducesFingertipsRecentTrend() throws IOException {
    Path export = Reference.file(EXPORT);
    Run r = run("--input", export.toString(), "--polarity", "low-is-good", "--value-type", "crude-rate");
    assertEquals(0, r.exit(), r.err());
    Map<String, JsonNode> bySeries = new HashMap<>();
    for (JsonNode n : r.lines()) {
      bySeries.put(key(n.get("indicatorId").asText(), n.get("areaCode").asText(), n.get("sex").asText(),
          n.get("age").asText(), n.get("categoryType").asText(), n.get("category").asText()), n);
    }
    int checked = 0;
    try (FingertipsCsvReader reader = FingertipsCsvReader.open(export)) {
      while (reader.hasNext()) {
        ParsedRow p = (ParsedRow) reader.next();
        Observation o = p.observation();
        String published = p.published().recentTrend();
        JsonNode line = bySeries.get(key(o.key().indicatorId(), o.key().areaCode(), o.key().sex(),
            o.key().age(), o.key().categoryType(), o.key().category()));
        if (published == null || line == null || !line.get("latestPeriod").asText().equals(o.period().label())) {
          continue;
        }
        assertEquals(published, line.get("recentTrend").asText(), "line " + p.line());
        checked++;
      }
    }
    assertTrue(checked > 150, "checked " + checked);
  }

  /** Trend, χ² and SPC fields on a small file whose answers are known (fingertips-open set1, MDC rules). */
  @Test
  void trendAndSpcFields(@TempDir Path dir) throws IOException {
    String header = "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
        + "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,"
        + "Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,Compared to England value or percentiles,"
        + "Compared to Region value or percentiles,Time period Sortable,New data,Compared to goal\n";
    StringBuilder csv = new StringBuilder(header);
    String[][] set1 = {{"2014", "994", "40299", "24.67", "23.16", "26.25"}, {"2015", "1023", "41527", "24.6", "23.15", "26.19"},
        {"2016", "1199", "42811", "28", "26.44", "29.64"}, {"2017", "1332", "44064", "30.2", "28.63", "31.9"},
        {"2018", "1367", "44701", "30.6", "28.98", "32.25"}};
    for (String[] s : set1) {
      csv.append("1,Test,,,E06000001,Area,UA,Persons,All ages,,,").append(s[0]).append(',').append(s[3]).append(',')
          .append(s[4]).append(',').append(s[5]).append(",,,").append(s[1]).append(',').append(s[2])
          .append(",,,,,").append(s[0]).append("0000,,\n");
      csv.append("1,Test,,,E92000001,England,Country,Persons,All ages,,,").append(s[0]).append(",20,19,21,,,10,50,,,,,")
          .append(s[0]).append("0000,,\n");
    }
    Path file = dir.resolve("set1.csv");
    Files.writeString(file, csv.toString());

    Run r = run("--input", file.toString(), "--polarity", "high-is-good", "--target", "100");
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, r.lines().size());
    JsonNode n = r.lines().get(0);
    assertEquals("2018", n.get("latestPeriod").asText());
    assertEquals(30.6, n.get("latestValue").asDouble());
    assertEquals("Better", n.get("comparedToBenchmark").asText());
    assertEquals("Increasing and getting better", n.get("recentTrend").asText());
    assertEquals(46.77, Math.round(n.get("trendChi2").asDouble() * 100) / 100.0);
    JsonNode spc = n.get("spc");
    double mean = (24.67 + 24.6 + 28 + 30.2 + 30.6) / 5;
    double amr = (0.07 + 3.4 + 2.2 + 0.4) / 4;
    assertEquals(mean, spc.get("mean").asDouble(), 1e-9);
    assertEquals(mean - 2.66 * amr, spc.get("lowerProcessLimit").asDouble(), 1e-9);
    assertEquals(mean + 2.66 * amr, spc.get("upperProcessLimit").asDouble(), 1e-9);
    assertEquals("common_cause", spc.get("latestPointType").asText());
    assertEquals("consistent_fail", spc.get("assurance").asText());

    Run counts = run("--input", file.toString(), "--polarity", "low-is-good", "--trend-method", "counts",
        "--improvement", "neutral", "--benchmark", "E06000001");
    assertEquals(0, counts.exit(), counts.err());
    JsonNode c = counts.lines().get(0);
    assertEquals("E92000001", c.get("areaCode").asText(), "England is now the compared area");
    assertEquals("No significant change", c.get("recentTrend").asText(), "England's flat series");
    assertTrue(c.get("spc").get("assurance").isNull(), "no target, no assurance");
    Run counts2 = run("--input", file.toString(), "--polarity", "low-is-good", "--trend-method", "counts");
    assertEquals("Increasing and getting worse", counts2.lines().get(0).get("recentTrend").asText());
    assertEquals(47.90, Math.round(counts2.lines().get(0).get("trendChi2").asDouble() * 100) / 100.0);
    Run dsr = run("--input", file.toString(), "--polarity", "low-is-good", "--value-type", "dsr");
    assertEquals("Cannot be calculated", dsr.lines().get(0).get("recentTrend").asText());
    assertTrue(dsr.lines().get(0).get("trendChi2").isNull());
  }

  @Test
  void badInputNamesTheLineAndExitsNonZero(@TempDir Path dir) throws IOException {
    Path export = Reference.file(EXPORT);
    List<String> lines = new ArrayList<>(Files.readAllLines(export));
    // every record spans two physical lines (the indicator name holds a newline): the record on
    // lines 4-5 gets a value that is not a number; the error names the line the record starts on
    String bad = lines.get(4).replaceFirst(",2015,([0-9.]+),", ",2015,abc,");
    assertNotEquals(lines.get(4), bad);
    lines.set(4, bad);
    Path file = dir.resolve("bad.csv");
    Files.write(file, lines);
    Run r = run("--input", file.toString(), "--polarity", "low-is-good");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains(file + ":4: "), r.err());
    assertTrue(r.err().contains("'abc' is not a number"), r.err());
    assertTrue(r.lines().size() > 300, "the good rows are still evaluated");

    Run missing = run("--input", dir.resolve("nope.csv").toString(), "--polarity", "low-is-good");
    assertEquals(1, missing.exit());
    assertTrue(missing.err().contains("no such file"), missing.err());

    Path header = dir.resolve("header.csv");
    Files.writeString(header, "a,b,c\n1,2,3\n");
    Run noHeader = run("--input", header.toString(), "--polarity", "low-is-good");
    assertEquals(1, noHeader.exit());
    assertTrue(noHeader.err().contains(header + ":1: "), noHeader.err());

    assertEquals(2, run("--polarity", "low-is-good").exit());
    assertEquals(2, run("--input", export.toString()).exit());
    assertEquals(2, run("--input", export.toString(), "--polarity", "sideways").exit());
    assertEquals(2, run("--input", export.toString(), "--polarity", "low-is-good", "--target", "x").exit());
    assertEquals(2, run("--input", export.toString(), "--polarity", "low-is-good", "--trend-method", "magic").exit());
    assertEquals(2, run("--input", export.toString(), "--polarity", "low-is-good", "--value-type", "odd").exit());
    assertEquals(2, run("--input", export.toString(), "--polarity", "low-is-good", "--improvement", "up").exit());
    assertEquals(2, run("--input", export.toString(), "--polarity").exit());
    Run unknown = run("--input", export.toString(), "--polarity", "low-is-good", "--colour", "red");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("unknown option '--colour'") && unknown.err().contains("usage:"), unknown.err());
  }
}
