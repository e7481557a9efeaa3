package io.fingerpost.metrics;

import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.meters.RenderedState;

import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics} in the Prometheus text format 0.0.4: the micrometer registry's meters (a few hundred,
 * rendered per scrape) followed by the indicator-state block rendered at the last refresh. Prometheus asks
 * for gzip: the response is then the small live part as one gzip member followed by the block's members as
 * compressed at refresh time, which gzip readers, Prometheus' included, read as one stream. The members are
 * wrapped, not copied (Netty composite buffers), and written about 1 MiB at a time with back-pressure, so no
 * single step on the event loop grows with the number of series. A scraper without gzip gets the block
 * streamed: inflated on worker threads into direct buffers a few batches ahead of the connection
 * ({@link PlainStream}).
 */
final class MetricsHandler implements Handler<RoutingContext> {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final long CHUNK = 1 << 20;

  private final FingerpostMetrics metrics;
  /** False on a cluster member that does not export the indicator state (another member does). */
  private final java.util.function.BooleanSupplier exportsState;

  MetricsHandler(FingerpostMetrics metrics) {
    this(metrics, () -> true);
  }

  MetricsHandler(FingerpostMetrics metrics, java.util.function.BooleanSupplier exportsState) {
    this.metrics = metrics;
    this.exportsState = exportsState;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RenderedState state = exportsState.getAsBoolean() ? metrics.indicatorState() : null;
    if (state == null) {
      state = IndicatorStateExposition.EMPTY;
    }
    byte[] live = metrics.registry().scrape().getBytes(StandardCharsets.UTF_8);
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
    boolean gzip = accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip");
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
    if (gzip) {
      List<byte[]> all = new ArrayList<>(state.parts().size() + 1);
      all.add(gzip(live));
      all.addAll(state.parts());
      send(ctx.response().putHeader(HttpHeaders.CONTENT_ENCODING, "gzip"), all);
    } else if (state.parts().isEmpty()) {
      ctx.response().end(wrap(List.of(live)));
    } else {
      new PlainStream(ctx, live, state.parts()).start();
    }
  }

  /**
   * Writes the arrays about 1 MiB at a time, waiting for the connection to drain when its queue is full: the
   * transport copies each write into direct memory on the event loop, so one write of the whole block would hold
   * the loop for as long as that copy takes (hundreds of MB at national scale).
   */
  private static void send(HttpServerResponse response, List<byte[]> arrays) {
    long length = 0;
    for (byte[] a : arrays) length += a.length;
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    writeFrom(response, arrays, 0);
  }

  private static void writeFrom(HttpServerResponse response, List<byte[]> arrays, int from) {
    response.drainHandler(null); // one-shot: a later drain event must not write again
    int i = from;
    while (i < arrays.size()) {
      int end = i;
      long bytes = 0;
      while (end < arrays.size() && (end == i || bytes < CHUNK)) bytes += arrays.get(end++).length;
      response.write(wrap(arrays.subList(i, end)));
      i = end;
      if (i < arrays.size() && response.writeQueueFull()) {
        int next = i;
        response.drainHandler(v -> writeFrom(response, arrays, next));
        return;
      }
    }
    response.end();
  }

  /** The arrays as one buffer without copying them. */
  static BufferInternal wrap(List<byte[]> arrays) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(arrays.size(), arrays.toArray(byte[][]::new)));
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
