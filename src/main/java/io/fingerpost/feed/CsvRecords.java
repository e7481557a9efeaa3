package io.fingerpost.feed;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongUnaryOperator;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The record stream both CSV readers ({@link FingertipsCsvReader}, {@link TidyCsvReader}) stand on: reads
 * the header (without a UTF-8 byte-order mark), then hands out each record, with the physical line of the
 * file it starts on (quoted fields may hold newlines), to the reader's mapping. A bad byte is a bad row: a
 * record holding a NUL or bytes that are not UTF-8 is rejected at its line, the rest load. Broken quoting
 * is rejected at the line where the parser found it: when the parser picks up again on the next line with
 * a record of the header's width, only the broken record is lost; otherwise the quoting is out of step and
 * nothing from the broken record on is read, the records before it stay ({@link #unread()} lists the lines lost). Also the
 * rejections the two readers build alike.
 */
final class CsvRecords implements Closeable {

  /**
   * What the decoder of {@link #utf8} puts for bytes that are not UTF-8: a noncharacter, which Unicode keeps
   * for such internal use, so a record holding it is rejected rather than stored with U+FFFD.
   */
  static final char NOT_UTF8 = '\uFDD0';

  private static final int MAX_CONTENT = 400;

  /** A reader's mapping of one well-formed record (at its file line) to a row. */
  @FunctionalInterface
  interface RecordMapper {
    FeedRow map(long line, CSVRecord record);
  }

  private record Pending(long streamLine, CSVRecord record) {}

  private final CSVParser parser;
  private final Iterator<CSVRecord> records;
  private final LongUnaryOperator lines;
  private final List<String> header;
  private long nextStartLine;
  private Pending ahead;      // the next record, read by hasNext()
  private RejectedRow queued; // a broken stretch, handed out before ahead
  private boolean stopped;    // the quoting is out of step: nothing more is read
  private final List<RowReader.LineRange> unread = java.util.Collections.synchronizedList(new ArrayList<>());
  private Object next;        // without read-ahead: the item hasNext() produced
  private final ReadAhead readAhead;

  /**
   * Reads the header of {@code in}; {@code lines} maps a line of {@code in} to the line of the file.
   *
   * @throws FeedFormatException at line 1 with {@code noHeader} when the input is empty
   */
  CsvRecords(Reader in, LongUnaryOperator lines, String noHeader) throws IOException {
    this.lines = lines;
    this.parser = CSVFormat.DEFAULT.parse(in);
    this.records = parser.iterator();
    if (!records.hasNext()) {
      throw new FeedFormatException(1, noHeader);
    }
    List<String> h = new ArrayList<>();
    for (String name : records.next()) {
      h.add(name);
    }
    if (!h.isEmpty() && h.get(0).startsWith("\uFEFF")) {
      h.set(0, h.get(0).substring(1));
    }
    this.header = List.copyOf(h);
    this.nextStartLine = parser.getCurrentLineNumber() + 1;
    this.readAhead = READ_AHEAD ? new ReadAhead(this::produce) : null;
  }

  static final boolean READ_AHEAD = Boolean.parseBoolean(System.getProperty("fingerpost.csv.readAhead", "true"));

  /**
   * A UTF-8 reader over {@code in} that puts {@link #NOT_UTF8} for bytes that are not UTF-8 (instead of
   * U+FFFD, or failing the whole read), so that {@link #next} rejects just their record.
   */
  static Reader utf8(InputStream in) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
        .replaceWith(String.valueOf(NOT_UTF8));
    return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
  }

  /** The header as it appears in the file (less a byte-order mark). */
  List<String> header() {
    return header;
  }

  /** The file lines whose records were lost to broken quoting, in order. */
  List<RowReader.LineRange> unread() {
    return List.copyOf(unread);
  }

  /**
   * Whether a row follows. Records are tokenised ahead on a second thread ({@link ReadAhead}, issue 14: the
   * tokeniser was half of a read, the rules and mapping the other half), unless the system property
   * {@code fingerpost.csv.readAhead} is {@code false}; either way the records, their lines and every rejection
   * come in the same order as one thread reading them.
   */
  boolean hasNext() {
    if (readAhead == null) {
      return next != null || (next = produce()) != null;
    }
    return readAhead.hasNext();
  }

  /**
   * The next record ({@link Pending}) or broken stretch ({@link RejectedRow}) of the parser, or null at the
   * end. The tokenising side: runs on the read-ahead thread when there is one.
   */
  private Object produce() {
    if (queued != null) {
      RejectedRow q = queued;
      queued = null;
      return q;
    }
    if (ahead != null) {
      Pending a = ahead;
      ahead = null;
      return a;
    }
    if (stopped) {
      return null;
    }
    long start = nextStartLine;
    try {
      if (!records.hasNext()) {
        return null;
      }
      CSVRecord r = records.next();
      nextStartLine = parser.getCurrentLineNumber() + 1;
      return new Pending(start, r);
    } catch (UncheckedIOException | IllegalStateException e) {
      return broken(start, e);
    }
  }

  /** The next row: a broken stretch's rejection, a record with bad bytes rejected, or {@code mapper}'s row. */
  FeedRow next(RecordMapper mapper) {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Object item = readAhead == null ? next : readAhead.take();
    next = null;
    if (item instanceof RejectedRow q) {
      return q;
    }
    Pending p = (Pending) item;
    long line = lines.applyAsLong(p.streamLine());
    String bad = badText(p.record());
    return bad != null ? reject(line, p.record(), bad) : mapper.map(line, p.record());
  }

  /** Why a record's text cannot be stored ({@link RowRules#badText}: a NUL, bytes that are not UTF-8, …), or null. */
  private String badText(CSVRecord r) {
    for (int i = 0; i < r.size(); i++) {
      String v = r.get(i);
      String bad = RowRules.badText(v);
      if (bad != null) {
        return (i < header.size() ? "column '" + header.get(i) + "'" : "field " + (i + 1)) + " " + bad;
      }
    }
    return null;
  }

  /**
   * The parser failed in the record that starts at stream line {@code start}. Skips what is left of the
   * broken line; the next record must then have the header's width (or one fewer), else the quoting is out
   * of step and reading stops.
   */
  private RejectedRow broken(long start, RuntimeException e) {
    if (!(e.getCause() instanceof CSVException)) {
      // not the CSV's fault (the stream broke): the source cannot be read on
      throw new FeedFormatException(lines.applyAsLong(start), "the source cannot be read on: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    long errorLine = Math.max(start, parser.getCurrentLineNumber());
    String why = why(e.getCause());
    long end = errorLine;
    nextStartLine = errorLine; // what follows the fault is on the broken line
    for (int faults = 1; ; ) {
      long at = nextStartLine;
      CSVRecord r;
      try {
        if (!records.hasNext()) {
          return stop(start, errorLine, why); // the broken stretch runs to the end
        }
        r = records.next();
        nextStartLine = parser.getCurrentLineNumber() + 1;
      } catch (UncheckedIOException | IllegalStateException again) {
        if (!(again.getCause() instanceof CSVException) || ++faults > 100) {
          return stop(start, errorLine, why);
        }
        end = Math.max(end, parser.getCurrentLineNumber());
        nextStartLine = end;
        continue;
      }
      if (at <= end) {
        end = Math.max(end, nextStartLine - 1); // the rest of the broken line
        continue;
      }
      if (r.size() != header.size() && r.size() != header.size() - 1) {
        return stop(start, errorLine, why);
      }
      ahead = new Pending(at, r);
      break;
    }
    unread.add(new RowReader.LineRange(lines.applyAsLong(start), lines.applyAsLong(end)));
    long above = errorLine - start;
    return new RejectedRow(lines.applyAsLong(errorLine), "cannot be read as CSV: " + why + "; "
        + (above == 0 ? "the record on this line" : "the record that starts " + above + " line"
        + (above == 1 ? "" : "s") + " above") + " is rejected", "");
  }

  /** The quoting is out of step from the record at stream line {@code start}: nothing from there is read. */
  private RejectedRow stop(long start, long errorLine, String why) {
    stopped = true;
    ahead = null;
    long from = lines.applyAsLong(start);
    unread.add(new RowReader.LineRange(from, Long.MAX_VALUE));
    return new RejectedRow(lines.applyAsLong(errorLine), "cannot be read as CSV: " + why
        + "; the quoting is out of step after it, so nothing from line " + from + " on is read", "");
  }

  /** The parser's complaint without its own position (stream-relative, not the file's lines). */
  private static String why(Throwable e) {
    String m = String.valueOf(e.getMessage())
        .replaceAll("\\s*at line: \\d+, position: [\\d,]+", "")
        .replaceAll("^\\((start)?line \\d+\\)\\s*", "");
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1)
        + " (a quote inside a field is written twice, and a quoted field must be closed)";
  }

  /** The rejection of a record whose field count does not match the header's {@code width}. */
  static RejectedRow wrongWidth(long line, CSVRecord r, int width) {
    if (r.size() == 1 && r.get(0).isBlank()) {
      return new RejectedRow(line, "empty line", "");
    }
    return reject(line, r, "has " + r.size() + " fields, the header has " + width);
  }

  static RejectedRow reject(long line, CSVRecord r, String reason) {
    return new RejectedRow(line, reason, content(r));
  }

  /** The record as one line of text, cut at about {@value #MAX_CONTENT} characters, for a rejection. */
  static String content(CSVRecord r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < r.size() && sb.length() < MAX_CONTENT; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(r.get(i).replace('\n', ' ').replace('\r', ' ').replace('\u0000', '\u2400')
          .replace(NOT_UTF8, '\uFFFD'));
    }
    return sb.length() > MAX_CONTENT ? sb.substring(0, MAX_CONTENT) + "…" : sb.toString();
  }

  @Override
  public void close() throws IOException {
    if (readAhead != null) {
      readAhead.stop();
    }
    parser.close();
  }
}
