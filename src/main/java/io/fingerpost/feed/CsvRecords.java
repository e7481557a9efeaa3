package io.fingerpost.feed;

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
import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import de.siegmar.fastcsv.reader.RecordType;
import io.fingerpost.feed.CsvTape.Fault;

/**
 * The record stream both CSV readers ({@link FingertipsCsvReader}, {@link TidyCsvReader}) stand on: reads
 * the header (without a UTF-8 byte-order mark), then hands out each record, with the physical line of the
 * file it starts on (quoted fields may hold newlines), to the reader's mapping. The tokeniser is FastCSV
 * (issue 14: about 3x faster than commons-csv on the real export, {@code bench/parsers.sh}), in its strict
 * mode. A bad byte is a bad row: a record holding a NUL or bytes that are not UTF-8 is rejected at its line,
 * the rest load. Broken quoting is rejected at the line where the fault is ({@link CsvTape#fault}): when
 * reading on after the fault finds, past the broken line, a record of the header's width, only the broken
 * record is lost; otherwise the quoting is out of step and nothing from the broken record on is read, the
 * records before it stay ({@link #unread()} lists the lines lost). Also the rejections the two readers build
 * alike.
 *
 * <p>The rules are the ones the feed had with commons-csv, messages included; where FastCSV differs, the
 * rule now is: a closing quote followed by spaces before the separator is broken quoting (commons-csv
 * dropped the spaces), and an empty line is skipped with the record after it reported at its own line
 * (commons-csv reported it at the empty line).
 */
final class CsvRecords implements Closeable {

  /**
   * What the decoder of {@link #utf8} puts for bytes that are not UTF-8: a noncharacter, which Unicode keeps
   * for such internal use, so a record holding it is rejected rather than stored with U+FFFD.
   */
  static final char NOT_UTF8 = '\uFDD0';

  private static final int MAX_CONTENT = 400;
  private static final int MAX_FAULTS = 100;
  private static final String HINT = " (a quote inside a field is written twice, and a quoted field must be closed)";

  /** A reader's mapping of one well-formed record (at its file line) to a row. */
  @FunctionalInterface
  interface RecordMapper {
    FeedRow map(long line, CsvFields record);
  }

  private record Pending(long streamLine, CsvFields record) {}

  /** A record FastCSV refused (or the last one, left in quotes): where it starts and its fault. */
  private record Broken(long start, Fault fault) {}

  private final CsvTape tape;
  private final LongUnaryOperator lines;
  private final List<String> header;
  private Iterator<Pending> records; // the current FastCSV reader's
  private long restartLine = 1;      // where the current FastCSV reader started (line, offset)
  private long restartOffset;
  private long lineBase;             // stream line = FastCSV's line + lineBase
  private long beginLine;            // the record FastCSV is on
  private long prevBegin = 1;
  private Object look;               // the record after the one handed out (Pending, Broken), or null
  private Pending ahead;             // the next record, read by hasNext()
  private RejectedRow queued;        // a broken stretch, handed out before ahead
  private boolean stopped;           // the quoting is out of step: nothing more is read
  private final List<RowReader.LineRange> unread = java.util.Collections.synchronizedList(new ArrayList<>());
  private Object next;               // without read-ahead: the item hasNext() produced
  private final ReadAhead readAhead;

  /**
   * Reads the header of {@code in}; {@code lines} maps a line of {@code in} to the line of the file.
   *
   * @throws FeedFormatException at line 1 with {@code noHeader} when the input is empty
   */
  CsvRecords(Reader in, LongUnaryOperator lines, String noHeader) throws IOException {
    this(in, lines, noHeader, READ_AHEAD);
  }

  /** As above; {@code readAhead} false: tokenised on the reader's thread (a part read on a pool, {@link ParallelChunks}). */
  CsvRecords(Reader in, LongUnaryOperator lines, String noHeader, boolean readAhead) throws IOException {
    this.lines = lines;
    this.tape = new CsvTape(in);
    restart(0, 1);
    Object first = fetch();
    if (first == null) {
      throw new FeedFormatException(1, noHeader);
    }
    if (first instanceof Broken b) {
      throw new FeedFormatException(lines.applyAsLong(b.fault().line()), "the header cannot be read as CSV: "
          + b.fault().why() + HINT);
    }
    List<String> h = new ArrayList<>(List.of(((Pending) first).record().toArray()));
    if (!h.isEmpty() && h.get(0).startsWith("\uFEFF")) {
      h.set(0, h.get(0).substring(1));
    }
    this.header = List.copyOf(h);
    this.readAhead = readAhead ? new ReadAhead(this::produce) : null;
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
    return new InputStreamReader(in, decoder);
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
    Object item = fetch();
    return item instanceof Broken b ? broken(b) : item;
  }

  /** Starts a FastCSV reader on the tape at {@code offset}, which is on stream line {@code line}. */
  private void restart(long offset, long line) {
    tape.replayFrom(offset);
    restartOffset = offset;
    restartLine = line;
    lineBase = line - 1;
    look = null;
    records = CsvReader.builder()
        // the readers judge the width, with their messages
        .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
        .skipEmptyLines(true)
        .allowExtraCharsAfterClosingQuote(false)          // broken quoting is a fault, not text
        .build(new Handler(), tape).iterator();
  }

  /**
   * FastCSV's next record (a {@link Pending}), a {@link Broken} record, or null at the end. One record is
   * read ahead, so that the last one is known as last and checked for a quote left open (FastCSV takes the
   * rest of the source into the field; commons-csv, and the feed, call that broken).
   */
  private Object fetch() {
    Object item = look != null ? look : read();
    look = null;
    if (item instanceof Pending p) {
      look = read();
      if (look == null) {
        Fault f = tape.fault(offsetOf(p.streamLine()), p.streamLine());
        if (f != null && f.why().equals(CsvTape.UNCLOSED)) {
          return new Broken(p.streamLine(), f);
        }
      }
    }
    return item;
  }

  /** One record from the current FastCSV reader, a {@link Broken} one, or null at the end. */
  private Object read() {
    try {
      return records.hasNext() ? records.next() : null;
    } catch (UncheckedIOException e) {
      // not the CSV's fault (the stream broke): the source cannot be read on
      throw new FeedFormatException(lines.applyAsLong(beginLine), "the source cannot be read on: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    } catch (CsvParseException e) {
      Fault f = tape.fault(offsetOf(beginLine), beginLine);
      if (f == null) { // not a quoting fault FastCSV found (a field beyond its buffer): stop there
        String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        f = new Fault(-1, beginLine, why == null ? "unreadable" : why.strip());
      }
      return new Broken(beginLine, f);
    }
  }

  /** Where the record on stream line {@code line} starts: a line start, or where reading began again. */
  private long offsetOf(long line) {
    return line == restartLine ? restartOffset : tape.lineStart(line);
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
    String bad = p.record().plain() ? null : badText(p.record().toArray());
    return bad != null ? reject(line, p.record().toArray(), bad) : mapper.map(line, p.record());
  }

  /** Why a record's text cannot be stored ({@link RowRules#badText}: a NUL, bytes that are not UTF-8, …), or null. */
  private String badText(String[] r) {
    for (int i = 0; i < r.length; i++) {
      String v = r[i];
      String bad = RowRules.badText(v);
      if (bad != null) {
        return (i < header.size() ? "column '" + header.get(i) + "'" : "field " + (i + 1)) + " " + bad;
      }
    }
    return null;
  }

  /**
   * The record that starts at stream line {@code b.start()} is broken. Reads on after the fault, as
   * commons-csv did: what is left of the broken line is skipped (and any record that starts on it, to its
   * end); the next record must then have the header's width (or one fewer), else the quoting is out of step
   * and reading stops.
   */
  private RejectedRow broken(Broken b) {
    long start = b.start();
    long errorLine = Math.max(start, b.fault().line());
    String why = b.fault().why() + HINT;
    long end = errorLine;
    for (int faults = 1; ; ) {
      if (b.fault().offset() < 0 || b.fault().why().equals(CsvTape.UNCLOSED)) {
        return stop(start, errorLine, why);
      }
      restart(b.fault().offset() + 1, b.fault().line());
      Object item;
      while ((item = fetch()) instanceof Pending p && p.streamLine() <= end) {
        end = Math.max(end, lastLine(p)); // a record that starts on the broken stretch goes with it
      }
      if (item == null) {
        return stop(start, errorLine, why); // the broken stretch runs to the end
      }
      if (item instanceof Broken again) {
        if (++faults > MAX_FAULTS) {
          return stop(start, errorLine, why);
        }
        end = Math.max(end, again.fault().line());
        b = again;
        continue;
      }
      Pending r = (Pending) item;
      if (r.record().size() != header.size() && r.record().size() != header.size() - 1) {
        return stop(start, errorLine, why);
      }
      ahead = r;
      break;
    }
    unread.add(new RowReader.LineRange(lines.applyAsLong(start), lines.applyAsLong(end)));
    long above = errorLine - start;
    return new RejectedRow(lines.applyAsLong(errorLine), "cannot be read as CSV: " + why + "; "
        + (above == 0 ? "the record on this line" : "the record that starts " + above + " line"
        + (above == 1 ? "" : "s") + " above") + " is rejected", "");
  }

  /** The line a record ends on: its first line and the line ends inside its (quoted) fields. */
  private static long lastLine(Pending p) {
    return p.streamLine() + p.record().lineBreaks();
  }

  /** The quoting is out of step from the record at stream line {@code start}: nothing from there is read. */
  private RejectedRow stop(long start, long errorLine, String why) {
    stopped = true;
    ahead = null;
    look = null;
    long from = lines.applyAsLong(start);
    unread.add(new RowReader.LineRange(from, Long.MAX_VALUE));
    return new RejectedRow(lines.applyAsLong(errorLine), "cannot be read as CSV: " + why
        + "; the quoting is out of step after it, so nothing from line " + from + " on is read", "");
  }

  /** The rejection of a record whose field count does not match the header's {@code width}. */
  static RejectedRow wrongWidth(long line, String[] r, int width) {
    if (r.length == 1 && r[0].isBlank()) {
      return new RejectedRow(line, "empty line", "");
    }
    return reject(line, r, "has " + r.length + " fields, the header has " + width);
  }

  static RejectedRow wrongWidth(long line, CsvFields r, int width) {
    return wrongWidth(line, r.toArray(), width);
  }

  static RejectedRow reject(long line, CsvFields r, String reason) {
    return reject(line, r.toArray(), reason);
  }

  static RejectedRow reject(long line, String[] r, String reason) {
    return new RejectedRow(line, reason, content(r));
  }

  /** The record as one line of text, cut at about {@value #MAX_CONTENT} characters, for a rejection. */
  static String content(String[] r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < r.length && sb.length() < MAX_CONTENT; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(r[i].replace('\n', ' ').replace('\r', ' ').replace('\u0000', '\u2400')
          .replace(NOT_UTF8, '\uFFFD'));
    }
    return sb.length() > MAX_CONTENT ? sb.substring(0, MAX_CONTENT) + "…" : sb.toString();
  }

  @Override
  public void close() throws IOException {
    if (readAhead != null) {
      readAhead.stop();
    }
    tape.close();
  }

  /**
   * Builds each record as its fields and stream line (FastCSV's line less where it began); tells the tape
   * which records are done with.
   */
  private final class Handler extends CsvCallbackHandler<Pending> {
    private final CsvFields.Builder fields = new CsvFields.Builder();
    private RecordType type = RecordType.DATA;
    private long line;
    private long missed; // line ends FastCSV did not count in the records before (see linesFastCsvMisses)

    @Override
    protected RecordType getRecordType() {
      return type;
    }

    @Override
    protected int getFieldCount() {
      return fields.size();
    }

    @Override
    protected void beginRecord(long startingLineNumber) {
      line = startingLineNumber + lineBase + missed;
      tape.release(prevBegin); // the record before the last one is done with
      prevBegin = beginLine;
      beginLine = line;
      fields.clear();
      type = RecordType.DATA;
    }

    @Override
    protected void addField(char[] buf, int offset, int len, boolean quoted) {
      fields.add(buf, offset, len);
    }

    @Override
    protected void setComment(char[] buf, int offset, int len) {
      type = RecordType.COMMENT; // comments are off: never called
    }

    @Override
    protected void setEmpty() {
      type = RecordType.EMPTY;
    }

    @Override
    protected Pending buildRecord() {
      long at = offsetOf(line);
      Pending p = new Pending(line, fields.build(tape.plainFrom(at)));
      if (tape.loneCrFrom(at)) { // rare: the tape saw a \r without its \n in or after this record
        missed += linesFastCsvMisses(p.record());
      }
      return p;
    }
  }

  /**
   * The line ends inside the record's quoted fields that FastCSV does not count: it keeps a lone {@code \r} in mind
   * until the next {@code \n} or quote, so in {@code "a\rb\nc"} it takes the {@code \n} for the end of a
   * {@code \r\n} and counts one line end where there are two (FastCSV 4.0 to 4.3.1; a quote, written {@code ""}
   * inside the field and {@code "} in its text, forgets the {@code \r}). Without this the lines of every record
   * after it run short and a broken record after it is not found at its line (the read stopped there).
   * {@code FingertipsCsvReaderTest.aLoneCarriageReturnThenTextThenALineFeedInQuotesAreTwoLines} fails if a FastCSV
   * version counts them itself.
   */
  static int linesFastCsvMisses(CsvFields r) {
    int missed = 0;
    for (int f = 0; f < r.size(); f++) {
      boolean cr = false;
      char prev = 0;
      for (int i = r.start(f), end = r.end(f); i < end; prev = r.text[i], i++) {
        char c = r.text[i];
        if (c == '\r') {
          cr = true;
        } else if (c == '\n') {
          if (cr && prev != '\r') {
            missed++;
          }
          cr = false;
        } else if (c == '"') {
          cr = false;
        }
      }
    }
    return missed;
  }
}
