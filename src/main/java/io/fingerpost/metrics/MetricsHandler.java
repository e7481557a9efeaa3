package io.fingerpost.metrics;

import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.meters.RenderedState;

import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
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
 * streamed: inflated on worker threads a few batches ahead of the connection ({@link PlainStream}).
 */
final class MetricsHandler implements Handler<RoutingContext> {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final long CHUNK = 1 << 20;
  /** Text inflated per worker task of a plain scrape, and how many such batches may be ahead of the socket. */
  private static final long BATCH = 4 << 20;
  private static final int AHEAD = Math.max(2, Runtime.getRuntime().availableProcessors());

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
   * A plain scrape streamed: the members are inflated in batches of about {@link #BATCH} bytes of text on
   * worker threads, at most {@link #AHEAD} batches ahead of the connection, and written in order as each is
   * ready, waiting for the connection to drain when its queue is full. The text is never held whole (hundreds
   * of MB at national scale: holding it made garbage-collection pauses that stalled the event loops), the first
   * bytes leave at once, and inflating overlaps sending. Content-Length comes from the members' trailers.
   */
  private static final class PlainStream {
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final byte[] live;
    private final List<List<byte[]>> batches = new ArrayList<>();
    private final List<Future<List<byte[]>>> inflated = new ArrayList<>();
    private long length;
    private int next;

    PlainStream(RoutingContext ctx, byte[] live, List<byte[]> parts) {
      this.ctx = ctx;
      this.response = ctx.response();
      this.live = live;
      length = live.length;
      List<byte[]> batch = new ArrayList<>();
      long text = 0;
      for (byte[] part : parts) {
        long size = RenderedState.textSize(part);
        length += size;
        if (!batch.isEmpty() && text + size > BATCH) {
          batches.add(batch);
          batch = new ArrayList<>();
          text = 0;
        }
        batch.add(part);
        text += size;
      }
      if (!batch.isEmpty()) batches.add(batch);
    }

    void start() {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
      response.write(wrap(List.of(live)));
      pump();
    }

    /** Keeps AHEAD batches inflating; writes the next when it is ready and the connection has room. */
    private void pump() {
      if (response.closed()) return; // the scraper went away: stop inflating
      while (inflated.size() < batches.size() && inflated.size() - next < AHEAD) {
        List<byte[]> batch = batches.get(inflated.size());
        inflated.add(ctx.vertx().executeBlocking(() -> batch.stream().map(RenderedState::inflate).toList(), false));
      }
      if (next == batches.size()) {
        response.end();
        return;
      }
      inflated.get(next).onComplete(ar -> {
        if (response.closed()) return; // gone while this batch was inflating
        if (ar.failed()) {
          ctx.request().connection().close(); // headers are sent: a cut body is what the scraper can see
          return;
        }
        inflated.set(next++, null); // let the text go once written
        response.write(wrap(ar.result()));
        if (response.writeQueueFull()) {
          response.drainHandler(v -> {
            response.drainHandler(null);
            pump();
          });
        } else {
          ctx.vertx().runOnContext(v -> pump()); // not recursively: a long run of ready batches stays flat
        }
      });
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
  private static BufferInternal wrap(List<byte[]> arrays) {
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
