package io.fingerpost.feed;

import static io.fingerpost.feed.CsvRecords.reject;
import static io.fingerpost.feed.CsvRecords.wrongWidth;

import io.fingerpost.model.Period;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Polarity;
import io.fingerpost.model.SeriesKey;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Streaming reader of the Fingertips "all_data" CSV export (the file the Fingertips API serves at
 * {@code /api/all_data/csv/…} and the site's "Export data" button gives): 26 columns, or 27 with
 * "Time period range". Columns are found by header name, not position, and the second comparator
 * column, whose name varies ("Compared to Region value or percentiles", "Compared to Counties &amp; UAs …
 * value or percentiles"), is the "Compared to … value or percentiles" column that is not England's.
 * Quoted fields may hold newlines; line numbers are physical lines of the file. Real exports leave
 * the last, empty column ("Compared to goal" or "Time period range") off their data rows, so a record
 * may have one field fewer than the header when that column is last; any other count is rejected.
 *
 * <p>Each record becomes a {@link ParsedRow} or a {@link RejectedRow} with the reason: a record with
 * more or fewer fields than the header, no indicator id or area code, a period that is not a known
 * form, a number that is not a finite number, or a (series, period) key that an earlier line already
 * had.
 *
 * <pre>
 *   try (FingertipsCsvReader r = FingertipsCsvReader.open(path)) {
 *     while (r.hasNext()) {
 *       switch (r.next()) { case ParsedRow p -> …; case RejectedRow x -> …; }   // or instanceof
 *     }
 *   }
 * </pre>
 */
public final class FingertipsCsvReader implements PartsReader {

  static final String INDICATOR_ID = "Indicator ID";
  static final String AREA_CODE = "Area Code";
  static final String TIME_PERIOD = "Time period";
  static final String VALUE = "Value";
  static final String COMPARED_TO_ENGLAND = "Compared to England value or percentiles";

  /** The parts of the objects a reader starts with: no field equals it (a NUL is refused before a record is mapped). */
  private static final String NONE = "\0";

  private final CsvRecords csv;
  private final List<String> header;
  private final FingertipsColumns c;

  private final DuplicateKeys seen; // null: a part of a file, whose reader checks duplicates across parts
  private CsvFields lastRecord;     // the record of the last row that parsed
  private final Map<String, Period> periods = new HashMap<>();
  // Strings of the kept columns, by their characters (issue 14: no new String for a text seen before)
  private final TextCache indicatorIds = new TextCache();
  private final TextCache indicatorNames = new TextCache();
  private final TextCache parentCodes = new TextCache();
  private final TextCache areaCodes = new TextCache();
  private final TextCache areaNames = new TextCache();
  private final TextCache areaTypes = new TextCache();
  private final TextCache sexes = new TextCache();
  private final TextCache ages = new TextCache();
  private final TextCache categoryTypes = new TextCache();
  private final TextCache categories = new TextCache();
  private final TextCache periodLabels = new TextCache();
  private final TextCache notes = new TextCache();
  private final TextCache polarities = new TextCache();
  private final TextCache trends = new TextCache();
  private final TextCache englandVerdicts = new TextCache();
  private final TextCache parentVerdicts = new TextCache();
  private final TextCache goalVerdicts = new TextCache();
  // the row before's objects, reused while nothing in them changes. Never null: a reader's first row then takes the
  // path of a changed row, which the compiled reader knows, not a null branch it never saw (issue 14: the first row of
  // the re-read's reader trapped there, and C2 compiled the whole reader again, 0.3 s of a core, during the re-read)
  private Indicator lastIndicator = new Indicator(NONE, null, null, null, null);
  private String lastPolarityText = NONE; // lastIndicator's
  private Area lastArea = new Area(NONE, null, null, null);
  private SeriesKey lastKey = new SeriesKey(NONE, NONE, NONE, NONE, NONE, NONE);
  private PublishedVerdicts lastVerdicts = new PublishedVerdicts(NONE, NONE, NONE, NONE, NONE);
  private final RowRules.Passed passed = new RowRules.Passed();
  private final RowParts parts = new RowParts(); // the row being parsed, filled in place
  private final DuplicateKeys.Hasher hasher = new DuplicateKeys.Hasher();
  // each series' key by the duplicate check's dense id (order of first sight; the check holds its hash). The series
  // after the last row's is tried first: in a period-major file (each period's series in the same order) its parts
  // are the row's parts (the same Strings, from the caches), so the row takes that key and hash: no new SeriesKey,
  // no key hash (issue 14: the series hash was ~8% of pass 1's samples in JFR)
  private SeriesKey[] keysById = new SeriesKey[0];
  private long guessedHash; // the series hash of the key key() took from keysById, or 0
  private final CsvRecords.RecordMapper rowMapper = this::toRow;
  private final CsvRecords.RecordMapper partsMapper = this::parts;

  private FingertipsCsvReader(Reader in, LongUnaryOperator lines, boolean part) throws IOException {
    this.csv = part ? new CsvRecords(in, lines, "empty file: no Fingertips header", false)
        : new CsvRecords(in, lines, "empty file: no Fingertips header");
    this.seen = part ? null : new DuplicateKeys();
    this.header = csv.header();
    this.c = FingertipsColumns.of(header);
  }

  /** Opens a reader over a character stream and reads the header. The reader closes {@code in}. */
  public static FingertipsCsvReader open(Reader in) throws IOException {
    return open(in, LongUnaryOperator.identity());
  }

  /**
   * Opens a reader over part of a file (its header and some of its chunks, {@link FileChunks}):
   * {@code lines} maps a line of {@code in} to the line of the file, for rejections and messages.
   */
  public static FingertipsCsvReader open(Reader in, LongUnaryOperator lines) throws IOException {
    return open(in, lines, false);
  }

  /**
   * Opens a reader over a part of a file ({@link ParallelChunks}): read on the caller's thread, and no
   * duplicate check (the whole file's reader makes it, with {@link RowParts#seriesHash} and {@link #lastRecord()}).
   */
  static FingertipsCsvReader openPart(Reader in, LongUnaryOperator lines) throws IOException {
    return open(in, lines, true);
  }

  private static FingertipsCsvReader open(Reader in, LongUnaryOperator lines, boolean part) throws IOException {
    try {
      return new FingertipsCsvReader(in, lines, part);
    } catch (RuntimeException | IOException e) {
      in.close();
      throw e;
    }
  }

  /** Opens a UTF-8 file (bytes that are not UTF-8 reject their record, {@link CsvRecords#utf8}). */
  public static FingertipsCsvReader open(Path file) throws IOException {
    return open(CsvRecords.utf8(Files.newInputStream(file)));
  }

  /** The header as it appears in the file. */
  public List<String> header() {
    return header;
  }

  /** The name of the second comparator column ("Compared to Region value or percentiles", …), or null. */
  public String parentComparatorColumn() {
    return c.parentColumn;
  }

  @Override
  public boolean hasNext() {
    return csv.hasNext();
  }

  @Override
  public FeedRow next() {
    return csv.next(rowMapper);
  }

  @Override
  public void expectRows(long rows) {
    if (seen != null) {
      seen.expect(rows);
    }
  }

  @Override
  public List<LineRange> unread() {
    return csv.unread();
  }

  private FeedRow toRow(long line, CsvFields r) {
    RejectedRow bad = parts(line, r);
    if (bad != null) {
      return bad;
    }
    RowParts p = parts;
    return new ParsedRow(line, p.observation(), p.indicator, p.area, verdicts(r), p.warnings);
  }

  /**
   * Pass 1 of a re-read ({@link DigestedLoad}): the next row's rejection, or null when it parsed, its parts then
   * in {@link #parts()} (valid until the next call) and no {@link ParsedRow} built: the same rules, rejections and
   * duplicate check as {@link #next()}, less the published verdicts, which no digest holds.
   */
  @Override
  public FeedRow nextParts() {
    return csv.next(partsMapper);
  }

  /** The parts of the row {@link #nextParts()} returned null for. */
  @Override
  public RowParts parts() {
    return parts;
  }

  /** Fills {@link #parts} from the record, or returns its rejection. */
  private RejectedRow parts(long line, CsvFields r) {
    int n = r.size();
    if (n != c.width && !(n == c.width - 1 && c.lastColumnOptional)) {
      return wrongWidth(line, r, c.width);
    }
    try {
      String ind = r.trimmed(c.indicatorId, indicatorIds);
      if (ind.isEmpty()) {
        return reject(line, r, "no Indicator ID");
      }
      String area = r.trimmed(c.areaCode, areaCodes);
      if (area.isEmpty()) {
        return reject(line, r, "no Area Code");
      }
      String periodLabel = r.trimmed(c.timePeriod, periodLabels);
      if (periodLabel.isEmpty()) {
        return reject(line, r, "no Time period");
      }
      // never null (a get's null, first seen when the file reaches a new year, undid the compiled reader, issue 14)
      Period period = periods.computeIfAbsent(periodLabel, Period::parse);
      RowParts p = parts;
      p.line = line;
      p.key = key(ind, area, r.trimmed(c.sex, sexes), r.trimmed(c.age, ages), r.trimmed(c.categoryType, categoryTypes),
          r.trimmed(c.category, categories));
      p.period = period;
      p.present = 0;
      number(r, c.value, VALUE, RowParts.VALUE);
      number(r, c.lower95, "Lower CI 95.0 limit", RowParts.LOWER95);
      number(r, c.upper95, "Upper CI 95.0 limit", RowParts.UPPER95);
      number(r, c.lower998, "Lower CI 99.8 limit", RowParts.LOWER998);
      number(r, c.upper998, "Upper CI 99.8 limit", RowParts.UPPER998);
      number(r, c.count, "Count", RowParts.COUNT);
      number(r, c.denominator, "Denominator", RowParts.DENOMINATOR);
      p.note = blankToNull(r.trimmed(c.valueNote, notes));
      p.indicator = indicator(r, ind);
      p.area = area(r, area);
      p.warnings = RowRules.check(p, passed);
      lastRecord = r;
      long guessed = guessedHash;
      p.seriesHash = guessed != 0 ? guessed : hasher.series(p.key);
      if (seen != null) {
        long first = seen.firstLineOf(p.seriesHash, periodLabel, line);
        if (guessed == 0) {
          remember(seen.lastSeries(), p.key);
        }
        if (first >= 0) {
          return duplicate(line, r, first);
        }
      }
      return null;
    } catch (IllegalArgumentException e) {
      return reject(line, r, e.getMessage());
    }
  }

  static RejectedRow duplicate(long line, CsvFields r, long first) {
    return reject(line, r, "duplicates the series and period of line " + first);
  }

  /** A part's last ParsedRow: its record. */
  CsvFields lastRecord() {
    return lastRecord;
  }

  /**
   * The row before's key when the parts are the same Strings (the caches make equal texts one String); else the key
   * of the series after the row before's (by the duplicate check's ids) when its parts are, with its hash in
   * {@link #guessedHash}; else a new key.
   */
  private SeriesKey key(String ind, String area, String sexText, String ageText, String type, String cat) {
    guessedHash = 0;
    SeriesKey k = lastKey;
    if (k.indicatorId() == ind && k.areaCode() == area && k.sex() == sexText && k.age() == ageText
        && k.categoryType() == type && k.category() == cat) {
      return k;
    }
    if (seen != null) {
      int next = seen.lastSeries() + 1;
      if (next < keysById.length && (k = keysById[next]) != null && k.indicatorId() == ind && k.areaCode() == area
          && k.sex() == sexText && k.age() == ageText && k.categoryType() == type && k.category() == cat) {
        guessedHash = seen.seriesHash(next);
        return lastKey = k;
      }
    }
    return lastKey = new SeriesKey(ind, area, sexText, ageText, type, cat);
  }

  /** Keeps the key of series {@code id} for {@link #key}. */
  private void remember(int id, SeriesKey key) {
    if (id >= keysById.length) {
      keysById = java.util.Arrays.copyOf(keysById, Math.max(1024, Math.max(id + 1, 2 * keysById.length)));
    }
    keysById[id] = key;
  }

  /**
   * Reuses the previous row's record when nothing changed (rows come grouped by indicator and area); the polarity
   * is compared as its text (one String for equal texts) and parsed only for a new record.
   */
  private Indicator indicator(CsvFields r, String id) {
    String name = blankToNull(r.trimmed(c.indicatorName, indicatorNames).strip());
    String polarityText = r.trimmed(c.polarity, polarities);
    Indicator last = lastIndicator;
    if (last.id().equals(id) && java.util.Objects.equals(last.name(), name) && polarityText == lastPolarityText) {
      return last;
    }
    lastPolarityText = polarityText;
    return lastIndicator = new Indicator(id, name, null, null, Polarity.parse(polarityText));
  }

  private Area area(CsvFields r, String code) {
    String name = blankToNull(r.trimmed(c.areaName, areaNames));
    String type = blankToNull(r.trimmed(c.areaType, areaTypes));
    String parent = blankToNull(r.trimmed(c.parentCode, parentCodes));
    Area last = lastArea;
    if (last.code().equals(code) && java.util.Objects.equals(last.name(), name)
        && java.util.Objects.equals(last.type(), type) && java.util.Objects.equals(last.parentCode(), parent)) {
      return last;
    }
    return lastArea = new Area(code, name, type, parent);
  }

  /** The published verdicts of record {@code r} (of this reader's header; {@link ParallelChunks#next()}). */
  PublishedVerdicts verdicts(CsvFields r) {
    String trend = blankToNull(r.trimmed(c.recentTrend, trends));
    String england = blankToNull(r.trimmed(c.comparedToEngland, englandVerdicts));
    String parent = blankToNull(r.trimmed(c.comparedToParent, parentVerdicts));
    String goal = blankToNull(r.trimmed(c.comparedToGoal, goalVerdicts));
    PublishedVerdicts last = lastVerdicts;
    if (last.recentTrend() == trend && last.comparedToEngland() == england
        && last.comparedToParent() == parent && last.comparedToGoal() == goal) {
      return last;
    }
    return lastVerdicts = new PublishedVerdicts(trend, england, parent, c.parentColumn, goal);
  }

  static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Column {@code i} as number {@code slot} of {@link #parts} ({@link Values#number}; blank or absent: none). */
  private void number(CsvFields r, int i, String column, int slot) {
    if (i < 0 || i >= r.size()) {
      return;
    }
    int s = r.trimmedStart(i);
    int e = r.trimmedEnd(i, s);
    if (s < e) {
      parts.numbers[slot] = Values.finite(r.text, s, e, column);
      parts.present |= 1 << slot;
    }
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }
}
