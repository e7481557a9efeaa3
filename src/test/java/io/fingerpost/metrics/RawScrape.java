package io.fingerpost.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Benchmark client: one {@code GET} over a plain socket (HTTP/1.1, {@code Connection: close}), the body read
 * into one reused 256 KiB array and counted, every byte of it, as it arrives, and checked against the declared
 * Content-Length. What a scraper's network read costs and no more: the JDK's HttpClient, which the benchmark
 * used before, hands the body through queues of fresh heap buffers and cost more CPU than the server (the two
 * share the process and the 2 cores). The body is not parsed; neither does a scrape's network read.
 */
final class RawScrape {
  private static final int BUFFER = 256 << 10;
  private static final ThreadLocal<byte[]> BUF = ThreadLocal.withInitial(() -> new byte[BUFFER]);

  private RawScrape() {}

  /** The body's length in bytes; fails on a status other than 200 or a body shorter or longer than declared. */
  static long get(URI uri, boolean gzip) throws IOException {
    byte[] buf = BUF.get();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(1 << 20);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
          + (gzip ? "Accept-Encoding: gzip\r\n" : "") + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      // the head: read until the blank line; what follows it in the buffer is the body's first bytes
      int filled = 0;
      int headEnd = -1;
      while (headEnd < 0) {
        int k = in.read(buf, filled, buf.length - filled);
        if (k < 0) throw new IOException("connection closed in the response head");
        filled += k;
        headEnd = indexOfBlankLine(buf, filled);
        if (headEnd < 0 && filled == buf.length) throw new IOException("response head over " + BUFFER + " bytes");
      }
      String head = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      if (!lines[0].startsWith("HTTP/1.1 200 ")) throw new IOException("status line " + lines[0]);
      long declared = -1;
      for (String line : lines) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) declared = Long.parseLong(line.substring(15).trim());
        if (lower.startsWith("transfer-encoding:")) throw new IOException("chunked body: " + line);
      }
      long got = filled - (headEnd + 4);
      for (int k; (k = in.read(buf)) >= 0; ) got += k;
      if (declared >= 0 && declared != got) throw new IOException("content-length " + declared + " but " + got + " bytes");
      return got;
    }
  }

  private static int indexOfBlankLine(byte[] b, int n) {
    for (int i = 0; i + 3 < n; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
    }
    return -1;
  }
}
