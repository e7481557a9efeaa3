package io.fingerpost.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer the exposition text is written into as UTF-8, reused by a render for every family of a
 * segment: names and numbers are ASCII and go in byte by byte, label values are escaped and encoded on the way
 * in. It replaces a StringBuilder, whose text was copied twice more (to a String, then to UTF-8 bytes) before
 * compression; the bytes are the same.
 */
final class TextBuffer {
  private byte[] buf;
  private int len;

  TextBuffer(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  int length() {
    return len;
  }

  byte[] array() {
    return buf;
  }

  void clear() {
    len = 0;
  }

  byte last() {
    return buf[len - 1];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  private void room(int n) {
    if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
  }

  TextBuffer put(byte b) {
    room(1);
    buf[len++] = b;
    return this;
  }

  TextBuffer put(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  /** A string known to be ASCII (metric and label names, numbers). */
  TextBuffer ascii(String s) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
    return this;
  }

  /**
   * A label value escaped as the text format wants (backslash, double quote, line feed), in UTF-8. ASCII with
   * nothing to escape, the common case, is copied in one pass; anything else is escaped, then encoded as Java
   * encodes a String (a lone surrogate becomes '?').
   */
  TextBuffer labelValue(String v) {
    if (v == null) return this;
    int n = v.length();
    room(n);
    int start = len;
    for (int i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c >= 0x80 || c == '\\' || c == '"' || c == '\n') {
        len = start;
        return put(escaped(v).getBytes(StandardCharsets.UTF_8));
      }
      buf[len++] = (byte) c;
    }
    return this;
  }

  private static String escaped(String v) {
    StringBuilder b = new StringBuilder(v.length() + 8);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * A sample value: an integral value below 1e15 as a whole number, anything else in Java's shortest round-trip
   * form (Prometheus parses it: Go's ParseFloat accepts "1.7E9").
   */
  TextBuffer number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return integer((long) v);
    return ascii(Double.toString(v));
  }

  /** Decimal digits of a long, as Long.toString writes them, without the String. */
  TextBuffer integer(long v) {
    if (v == Long.MIN_VALUE) return ascii(Long.toString(v));
    room(20);
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long p = 10; digits < 19 && v >= p; p *= 10) digits++;
    int end = len + digits;
    for (int i = end - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    }
    len = end;
    return this;
  }
}
