package io.fingerpost.bench;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.fingerpost.feed.FeedRow;
import io.fingerpost.feed.FingertipsCsvReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Which CSV parser for the feed readers (issue 14): three well-kept parsers tokenise the real Fingertips
 * all_data export (the bundled {@code campylobacter_93356} file, whose every data row has a quoted newline in
 * "Indicator Name") repeated {@code copies} times, every field of every record touched; next to them the
 * project's whole {@link FingertipsCsvReader} (tokenising plus the row rules and mapping) on the same bytes,
 * so the share of the tokeniser in a read is visible. Run with {@code bench/parsers.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CsvParserBenchmark {

  /** Copies of the export's 852 data records (600: ~511k records, ~120 MB). */
  @Param("600")
  public int copies;

  Path csv;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path export = Path.of(System.getProperty("fingerpost.shared", "src/test/resources/shared"),
        "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv");
    String text = Files.readString(export, StandardCharsets.UTF_8);
    int headerEnd = text.indexOf('\n') + 1;
    String header = text.substring(0, headerEnd);
    String body = text.substring(headerEnd);
    csv = Files.createTempFile("fingerpost-parsers", ".csv");
    try (var w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write(header);
      for (int c = 0; c < copies; c++) {
        // a different indicator id per copy, so the reader's duplicate check passes every row
        w.write(c == 0 ? body : body.replace("\n93356,", "\n" + (100000 + c) + ",")
            .replaceFirst("^93356,", (100000 + c) + ","));
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(csv);
  }

  private Reader reader() throws IOException {
    return new BufferedReader(Files.newBufferedReader(csv, StandardCharsets.UTF_8), 1 << 16);
  }

  @Benchmark
  public long commonsCsv() throws IOException {
    long sink = 0;
    try (CSVParser p = CSVFormat.DEFAULT.parse(reader())) {
      for (CSVRecord r : p) {
        for (int i = 0; i < r.size(); i++) {
          sink += r.get(i).length();
        }
        sink += p.getCurrentLineNumber();
      }
    }
    return sink;
  }

  @Benchmark
  public long fastCsv() throws IOException {
    long sink = 0;
    try (CsvReader<CsvRecord> p = CsvReader.builder().extraFieldStrategy(FieldMismatchStrategy.IGNORE)
            .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
        .ofCsvRecord(reader())) {
      for (CsvRecord r : p) {
        for (int i = 0; i < r.getFieldCount(); i++) {
          sink += r.getField(i).length();
        }
        sink += r.getStartingLineNumber();
      }
    }
    return sink;
  }

  @Benchmark
  public long univocity() throws IOException {
    CsvParserSettings s = new CsvParserSettings();
    s.setLineSeparatorDetectionEnabled(false);
    s.getFormat().setLineSeparator("\n");
    s.setNullValue("");
    s.setEmptyValue("");
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    s.setMaxCharsPerColumn(-1);
    s.setMaxColumns(1000);
    CsvParser p = new CsvParser(s);
    long sink = 0;
    try (Reader in = reader()) {
      p.beginParsing(in);
      for (String[] r; (r = p.parseNext()) != null; ) {
        for (String f : r) {
          sink += f.length();
        }
        sink += p.getContext().currentLine();
      }
      p.stopParsing();
    }
    return sink;
  }

  /** Reference: the whole reader (tokeniser + row rules + mapping to observations). */
  @Benchmark
  public long fingertipsReader() throws IOException {
    long n = 0;
    try (FingertipsCsvReader r = FingertipsCsvReader.open(csv)) {
      while (r.hasNext()) {
        FeedRow row = r.next();
        n += row instanceof io.fingerpost.feed.ParsedRow ? 1 : 1_000_000;
      }
    }
    return n;
  }
}
