package io.fingerpost.feed;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongUnaryOperator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The record stream both CSV readers ({@link FingertipsCsvReader}, {@link TidyCsvReader}) stand on: reads
 * the header (without a UTF-8 byte-order mark), then hands out records with the physical line of the
 * file each one starts on (quoted fields may hold newlines), and turns a parser failure into a
 * {@link FeedFormatException} at that line. Also the rejections the two readers build alike.
 */
final class CsvRecords implements Closeable {

  private static final int MAX_CONTENT = 400;

  private final CSVParser parser;
  private final Iterator<CSVRecord> records;
  private final LongUnaryOperator lines;
  private final List<String> header;
  private long nextStartLine;
  private long line;

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
  }

  /** The header as it appears in the file (less a byte-order mark). */
  List<String> header() {
    return header;
  }

  boolean hasNext() {
    try {
      return records.hasNext();
    } catch (UncheckedIOException | IllegalStateException e) {
      throw broken(e);
    }
  }

  /** The next record; {@link #line()} is then the line of the file it starts on. */
  CSVRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    CSVRecord r;
    try {
      r = records.next();
    } catch (UncheckedIOException | IllegalStateException e) {
      throw broken(e);
    }
    // The parser's line count is at the end of the record just read (its iterator reads one ahead
    // only when asked hasNext), so this record started right after the previous one ended.
    line = lines.applyAsLong(nextStartLine);
    nextStartLine = parser.getCurrentLineNumber() + 1;
    return r;
  }

  /** The line of the file the record last returned by {@link #next()} starts on. */
  long line() {
    return line;
  }

  private FeedFormatException broken(RuntimeException e) {
    long at = lines.applyAsLong(nextStartLine);
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new FeedFormatException(at, "the CSV cannot be read on: " + cause.getMessage(), e);
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
      sb.append(r.get(i).replace('\n', ' ').replace('\r', ' '));
    }
    return sb.length() > MAX_CONTENT ? sb.substring(0, MAX_CONTENT) + "…" : sb.toString();
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
