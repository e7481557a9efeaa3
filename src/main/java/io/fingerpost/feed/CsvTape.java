package io.fingerpost.feed;

import java.io.IOException;
import java.io.Reader;

/**
 * The characters FastCSV read from a source, kept from the start of the record before the current one, so
 * that {@link CsvRecords} can find where a broken record went wrong and read on after the fault (FastCSV
 * itself stops at the first fault and cannot resume). The usual read copies each character once more and,
 * while the new text is in cache, notes where each line starts; the scan ({@link #fault}) runs only for a record
 * FastCSV refused and for the last record of the source.
 *
 * <p>Lines are physical lines, as FastCSV and the feed count them: {@code \n}, {@code \r\n} or a lone
 * {@code \r}, inside quotes too. Offsets are counted in characters from the start of the source.
 */
final class CsvTape extends Reader {

  /** Where the parser went wrong: the offending character (or the end), its line, and why. */
  record Fault(long offset, long line, String why) {}

  static final String INVALID = "invalid character between encapsulated token and delimiter";
  static final String UNCLOSED = "EOF reached before encapsulated token finished";

  /** Text is let go of once the tape holds this many characters (about 1 MB). */
  private static final int KEEP = 1 << 19;

  private final Reader in;
  private char[] win = new char[1 << 15];
  private int len;           // characters held in win
  private long base;         // source offset of win[0]
  private int replay = -1;   // index in win of the next character to hand out again, or -1: read the source
  private long anchorLine = 1; // the line that starts at win[0]
  // where lines anchorLine, anchorLine + 1, … start (indices in win), as read: counted when the text arrives
  // (issue 14: a separate scan when old text was let go of was ~11% of a read's sampled time, on text out of cache)
  private int[] starts = new int[1 << 10];
  private int lines = 1;
  private boolean ended;
  // the source offset of the last character read that is not CsvFields.plain, or -1: noted in the scan for line
  // starts, so the records need no scan of their own for it (issue 14)
  private long lastOdd = -1;
  private long lastLoneCr = -1; // where the last lone \r was read (source offset)

  CsvTape(Reader in) {
    this.in = in;
  }

  @Override
  public int read(char[] cbuf, int off, int n) throws IOException {
    if (replay >= 0) {
      int k = Math.min(n, len - replay);
      System.arraycopy(win, replay, cbuf, off, k);
      replay += k;
      if (replay == len) {
        replay = -1;
      }
      return k;
    }
    int k = in.read(cbuf, off, n);
    if (k > 0) {
      if (len + k > win.length) {
        win = java.util.Arrays.copyOf(win, Math.max(win.length * 2, len + k));
      }
      System.arraycopy(cbuf, off, win, len, k);
      noteLines(len, len + k);
      len += k;
    } else if (k < 0) {
      ended = true;
    }
    return k;
  }

  /** Hands out the text from {@code offset} again (a new parser reads on after a fault). */
  void replayFrom(long offset) {
    int i = (int) (offset - base);
    replay = i < len ? i : -1;
  }

  /**
   * Notes the line starts in {@code win[from, to)}, just read: after a {@code \n}, a lone {@code \r}, or a
   * {@code \r\n} (whose {@code \r} may have come at the end of the read before); and where a character is that
   * is not {@link CsvFields#plain}.
   */
  private void noteLines(int from, int to) {
    char[] w = win;
    for (int i = from; i < to; i++) {
      while (i < to && (char) (w[i] - 0x20) < 0x5F) {
        i++; // most characters, printable ASCII: one comparison
      }
      if (i == to) {
        return;
      }
      char c = w[i];
      if (c == '\n' && i > 0 && w[i - 1] == '\r') {
        starts[lines - 1] = i + 1; // the \n of a \r\n: the line starts after it, not after the \r
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && (i + 1 == to || w[i + 1] != '\n')) {
          lastLoneCr = base + i; // a lone \r (or one whose \n is not read yet): see CsvRecords.Handler
        }
        if (lines == starts.length) {
          starts = java.util.Arrays.copyOf(starts, lines * 2);
        }
        starts[lines++] = i + 1;
      } else if (!CsvFields.plain(c)) {
        lastOdd = base + i;
      }
    }
  }

  /**
   * Whether the text read from source offset {@code offset} on holds only {@link CsvFields#plain} characters.
   * Text read ahead of a record counts too, so a record just before an odd character is not known as plain.
   */
  boolean plainFrom(long offset) {
    return lastOdd < offset;
  }

  /** Whether a {@code \r} not followed by {@code \n} may be in the text read from source offset {@code offset} on. */
  boolean loneCrFrom(long offset) {
    return lastLoneCr >= offset;
  }

  /** Lets go of the text before line {@code line} (which FastCSV has begun) once enough is held. */
  void release(long line) {
    if (len < KEEP || replay >= 0 || line <= anchorLine || line - anchorLine >= lines) {
      return;
    }
    int j = (int) (line - anchorLine);
    int drop = starts[j];
    System.arraycopy(win, drop, win, 0, len - drop);
    len -= drop;
    base += drop;
    lines -= j;
    System.arraycopy(starts, j, starts, 0, lines);
    for (int i = 0; i < lines; i++) {
      starts[i] -= drop;
    }
    anchorLine = line;
  }

  /** The source offset where {@code line} starts (the line must be held; past the text held: its end). */
  long lineStart(long line) {
    long j = line - anchorLine;
    if (j <= 0) {
      return base;
    }
    return base + (j < lines ? starts[(int) j] : len);
  }

  /**
   * The first fault of the record that starts at source offset {@code from} on line {@code line}, by
   * FastCSV's strict rules: a quoted field's closing quote must be followed by the separator or a line end,
   * and a quoted field must be closed before the end of the source. Null when the record is well-formed
   * (as far as the text goes).
   */
  Fault fault(long from, long line) {
    char[] w = win;
    int n = len;
    int i = (int) (from - base);
    if (i > 0 && i < n && w[i] == '\n' && w[i - 1] == '\r') {
      i++; // the \n of the \r\n that ended the record before
    }
    boolean fieldStart = true;
    while (i < n) {
      char c = w[i];
      if (fieldStart && c == '"') {
        i++;
        while (true) {
          if (i >= n) {
            return ended ? new Fault(base + i, line, UNCLOSED) : null;
          }
          c = w[i++];
          if (c == '"') {
            if (i < n && w[i] == '"') {
              i++; // a quote written twice
              continue;
            }
            break;
          } else if (c == '\n') {
            line++;
          } else if (c == '\r') {
            line++;
            if (i < n && w[i] == '\n') {
              i++;
            }
          }
        }
        if (i >= n) {
          return null;
        }
        c = w[i];
        if (c == ',') {
          i++;
          continue;
        }
        return c == '\r' || c == '\n' ? null : new Fault(base + i, line, INVALID);
      }
      if (c == '\r' || c == '\n') {
        return null;
      }
      fieldStart = c == ',';
      i++;
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
