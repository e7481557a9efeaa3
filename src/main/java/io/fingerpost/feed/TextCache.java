package io.fingerpost.feed;

import java.util.Arrays;

/**
 * The Strings one column of a file has held, found by their characters (issue 14): a Fingertips export repeats
 * its indicator name, area names and codes, sexes, ages, categories, period labels and verdicts row after row,
 * so a field becomes the String an earlier row made when the characters are equal, and no new String. Equal
 * texts of a column are then one instance, which the reader compares by identity. An open-addressing table of
 * at most {@link #MAX} Strings; a column with more distinct texts makes new Strings for the rest.
 */
final class TextCache {
  static final int MAX = 1 << 14;

  private String[] table = new String[64];
  private char[][] chars = new char[64][]; // each String's characters, compared with Arrays.equals (vectorised)
  private int[] hashes = new int[64];
  private int size;
  private String last = ""; // the column's text in the row before: most lookups end here
  private char[] lastChars = new char[0];
  // the last kept text of each length (mod 32), tried next: a column that cycles through a few texts of different
  // lengths row by row (sexes, category types, categories) then takes one compare instead of hashing the text and
  // probing the table (issue 14: TextCache.get led pass 1's samples with Values.simple and trimmed)
  private final String[] byLength = new String[32];
  private final char[][] byLengthChars = new char[32][];

  /** The text of {@code a[from, to)}. */
  String get(char[] a, int from, int to) {
    int len = to - from;
    if (lastChars.length == len && Arrays.equals(lastChars, 0, len, a, from, to)) {
      return last;
    }
    if (len == 0) {
      lastChars = new char[0];
      return last = "";
    }
    int k = len & 31;
    char[] r = byLengthChars[k];
    if (r != null && r.length == len && Arrays.equals(r, 0, len, a, from, to)) {
      lastChars = r;
      return last = byLength[k];
    }
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + a[i];
    }
    int mask = table.length - 1;
    int i = mix(h) & mask;
    for (char[] c; (c = chars[i]) != null; i = (i + 1) & mask) {
      if (hashes[i] == h && c.length == len && Arrays.equals(c, 0, len, a, from, to)) {
        byLengthChars[k] = c;
        byLength[k] = table[i];
        lastChars = c;
        return last = table[i];
      }
    }
    char[] c = Arrays.copyOfRange(a, from, to);
    String s = new String(c);
    if (size < MAX) {
      table[i] = s;
      chars[i] = c;
      hashes[i] = h;
      byLengthChars[k] = c;
      byLength[k] = s;
      if (++size * 2 > table.length) {
        grow();
      }
    }
    lastChars = c;
    return last = s;
  }

  private static int mix(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  private void grow() {
    String[] oldT = table;
    char[][] oldC = chars;
    int[] oldH = hashes;
    table = new String[oldT.length * 2];
    chars = new char[oldT.length * 2][];
    hashes = new int[oldT.length * 2];
    int mask = table.length - 1;
    for (int j = 0; j < oldT.length; j++) {
      if (oldT[j] != null) {
        int i = mix(oldH[j]) & mask;
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = oldT[j];
        chars[i] = oldC[j];
        hashes[i] = oldH[j];
      }
    }
  }
}
