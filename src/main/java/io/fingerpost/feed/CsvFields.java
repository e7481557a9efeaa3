package io.fingerpost.feed;

/**
 * One CSV record as FastCSV tokenised it: the fields' characters end to end in one array, and where each
 * field ends (issue 14: a String for each of the ~27 fields of a Fingertips row was a fifth of a read; the
 * reader now makes Strings only of the fields it keeps, and those mostly come from {@link TextCache}).
 * {@link #plain()}: no character of the record can be refused by {@link RowRules#badText}, so the per-field
 * check is skipped (decided by {@link CsvTape} as the characters arrive).
 */
final class CsvFields {
  /** The characters; field 0 starts at {@code offset}, field i ends at {@code ends[i]} (the array is shared). */
  final char[] text;
  private final int offset;
  private final int[] ends;
  private final int size;
  private final boolean plain;

  CsvFields(char[] text, int offset, int[] ends, int size, boolean plain) {
    this.text = text;
    this.offset = offset;
    this.ends = ends;
    this.size = size;
    this.plain = plain;
  }

  /** A record of the given fields (tests, and records built from Strings). */
  static CsvFields of(String... fields) {
    StringBuilder sb = new StringBuilder();
    int[] ends = new int[fields.length];
    boolean plain = true;
    for (int i = 0; i < fields.length; i++) {
      sb.append(fields[i]);
      ends[i] = sb.length();
      plain &= fields[i].chars().allMatch(c -> plain((char) c));
    }
    char[] text = new char[sb.length()];
    sb.getChars(0, sb.length(), text, 0);
    return new CsvFields(text, 0, ends, fields.length, plain);
  }

  /**
   * A character that {@link RowRules#badText} never refuses on its own: printable ASCII, tab, line ends, and
   * the BMP outside the C1 controls, surrogates and noncharacters. Anything else sends the record through the
   * per-field check, which names the field and the character.
   */
  static boolean plain(char c) {
    if (c < 0x7F) {
      return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
    }
    return (c >= 0xA0 && c < 0xD800) || (c >= 0xE000 && c < 0xFDD0) || (c >= 0xFDF0 && c <= 0xFFFD);
  }

  int size() {
    return size;
  }

  boolean plain() {
    return plain;
  }

  int start(int i) {
    return i == 0 ? offset : ends[i - 1];
  }

  int end(int i) {
    return ends[i];
  }

  String get(int i) {
    int s = start(i);
    return new String(text, s, ends[i] - s);
  }

  /** Field {@code i}, trimmed as {@link String#trim()} does, from the column's cache ("" when absent). */
  String trimmed(int i, TextCache cache) {
    if (i < 0 || i >= size) {
      return "";
    }
    int s = trimmedStart(i);
    return cache.get(text, s, trimmedEnd(i, s));
  }

  /** Where field {@code i} starts once leading characters up to ' ' are skipped, as {@link String#trim()}. */
  int trimmedStart(int i) {
    int s = start(i);
    int e = ends[i];
    while (s < e && text[s] <= ' ') {
      s++;
    }
    return s;
  }

  /** Where field {@code i} ends once trailing characters up to ' ' are dropped (not before {@code s}). */
  int trimmedEnd(int i, int s) {
    int e = ends[i];
    while (e > s && text[e - 1] <= ' ') {
      e--;
    }
    return e;
  }

  /** The fields as Strings (a rejection's content, the tidy reader, the header). */
  String[] toArray() {
    String[] out = new String[size];
    for (int i = 0; i < size; i++) {
      out[i] = get(i);
    }
    return out;
  }

  /** The physical line breaks inside the record's (quoted) fields: {@code \n}, {@code \r\n} or a lone {@code \r}. */
  int lineBreaks() {
    int lines = 0;
    for (int f = 0; f < size; f++) {
      int end = ends[f];
      for (int i = start(f); i < end; i++) {
        char c = text[i];
        if (c == '\n' || c == '\r' && (i + 1 == end || text[i + 1] != '\n')) {
          lines++;
        }
      }
    }
    return lines;
  }

  /**
   * Collects one record's fields from FastCSV's buffer (which it reuses: the characters are copied) into a block
   * of text that the records built after it share: each record's characters are copied once, not once into the
   * builder and again into an array of its own (issue 14). A record keeps its block reachable; the consumers keep
   * a record only while they map it (a part's reader keeps its last one).
   */
  static final class Builder {
    private static final int BLOCK = 1 << 15; // characters: about a hundred Fingertips records
    private char[] text = new char[BLOCK];
    private int start; // where the record being collected starts in text
    private int used;
    private int[] ends = new int[32];
    private int n;

    void clear() {
      n = 0;
      start = used;
    }

    int size() {
      return n;
    }

    void add(char[] buf, int offset, int len) {
      if (n == ends.length) {
        ends = java.util.Arrays.copyOf(ends, n * 2);
      }
      if (used + len > text.length) {
        newBlock(len);
      }
      System.arraycopy(buf, offset, text, used, len);
      used += len;
      ends[n++] = used;
    }

    /** A new block with the record so far at its start and room for {@code len} more characters. */
    private void newBlock(int len) {
      int sofar = used - start;
      char[] next = new char[Math.max(BLOCK, (sofar + len) * 2)];
      System.arraycopy(text, start, next, 0, sofar);
      for (int i = 0; i < n; i++) {
        ends[i] -= start;
      }
      text = next;
      used = sofar;
      start = 0;
    }

    /** The record collected; {@code plain}: its characters are all {@link #plain}, as the source's reader found. */
    CsvFields build(boolean plain) {
      return new CsvFields(text, start, java.util.Arrays.copyOf(ends, n), n, plain);
    }
  }
}
