package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.config.ColumnMapping;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.TidyColumns;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reliability issue, items 2 and 11, for feeds: the CSV readers apply the same row rules as the push
 * endpoint ({@link RowRules}), each bad row rejected at its file line with the reason, the rest parsed.
 */
class FeedRowRulesTest {

  @Test
  void fingertipsRowsBreakingARuleAreRejectedAtTheirLine() throws Exception {
    String h = FingertipsCsvReaderTest.HEADER;
    String csv = h + "\n"
        + FingertipsCsvReaderTest.row("E08000027", "2019", "5d") + "\n"                           // 2
        + FingertipsCsvReaderTest.row("E08000027", "2020", "1e300") + "\n"                        // 3
        + FingertipsCsvReaderTest.row("E08000027", "0000", "1") + "\n"                            // 4
        + FingertipsCsvReaderTest.row("E".repeat(100_000), "2019", "1") + "\n"                    // 5
        + FingertipsCsvReaderTest.row("E08000027", "2021", "1").replace(",10,1000,", ",-10,1000,") + "\n" // 6
        + FingertipsCsvReaderTest.row("E08000027", "2022", "1").replace(",,,,,10,", ",3,2,,,10,") + "\n" // 7
        + FingertipsCsvReaderTest.row("E08000027", "2023", "5").replace(",,,,,10,", ",1,2,,,10,") + "\n" // 8 warning
        + FingertipsCsvReaderTest.row("E08000027", "2024", "0x10") + "\n";                        // 9
    List<FeedRow> rows = new ArrayList<>();
    try (FingertipsCsvReader r = FingertipsCsvReader.open(new StringReader(csv))) {
      r.forEachRemaining(rows::add);
    }
    assertEquals(8, rows.size());
    reject(rows.get(0), 2, "Value '5d' is not a number");
    reject(rows.get(1), 3, "beyond ±1e15");
    reject(rows.get(2), 4, "period '0000' is outside the years 1800–2200");
    reject(rows.get(3), 5, "areaCode has 100000 characters, at most 64");
    reject(rows.get(4), 6, "count -10 is negative");
    reject(rows.get(5), 7, "the lower 95% limit 3 is above the upper 2");
    ParsedRow odd = assertInstanceOf(ParsedRow.class, rows.get(6));
    assertEquals(List.of("value 5 is outside its own 95% confidence interval 1 – 2 (stored as given)"), odd.warnings());
    reject(rows.get(7), 9, "Value '0x10' is not a number");
  }

  @Test
  void tidyRowsCheckTheirRawTextSoATrailingNulIsNotTrimmedAway() throws Exception {
    TidyColumns cols = new TidyColumns(null, null, ColumnMapping.ofColumn("area"), null, null, null,
        ColumnMapping.ofColumn("sex"), null, null, null, ColumnMapping.ofColumn("period"),
        ColumnMapping.ofColumn("value"), null, null, null, null, ColumnMapping.ofColumn("count"), null, null, null);
    FeedConfig feed = new FeedConfig("tidy", FeedConfig.TIDY_CSV, "x.csv", true, null, null, null,
        List.of(new io.fingerpost.config.IndicatorConfig("90366", null, null, null, null)), cols, List.of(""));
    String csv = "area,sex,period,value,count\nE08000027\u0000,Male,2020,1,\nE08000027,M\u0001le,2020,1,\n"
        + "E08000027,Male,2020,1,-1\nE08000027,Male,2021,2,3\n";
    List<FeedRow> rows = new ArrayList<>();
    try (TidyCsvReader r = TidyCsvReader.open(new StringReader(csv), feed)) {
      r.forEachRemaining(rows::add);
    }
    reject(rows.get(0), 2, "column 'area' holds a NUL byte");
    reject(rows.get(1), 3, "column 'sex' holds the control character U+0001");
    reject(rows.get(2), 4, "count -1 is negative");
    assertEquals(2.0, assertInstanceOf(ParsedRow.class, rows.get(3)).observation().value());
  }

  private static void reject(FeedRow row, long line, String reason) {
    RejectedRow r = assertInstanceOf(RejectedRow.class, row, String.valueOf(row));
    assertEquals(line, r.line());
    assertTrue(r.reason().contains(reason), r.reason());
  }
}
