package io.fingerpost.metrics;

import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.meters.RenderedState;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics} in the Prometheus text format 0.0.4: the micrometer registry's meters (a few hundred,
 * rendered per scrape) followed by the indicator-state block rendered at the last refresh. Prometheus asks
 * for gzip: the response is then two gzip members (the small live part, then the block as compressed at
 * refresh time), which gzip readers, Prometheus' included, read as one stream; no per-scrape work grows
 * with the number of series. A scraper without gzip gets the block decompressed on a worker thread.
 */
final class MetricsHandler implements Handler<RoutingContext> {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

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
      byte[] liveGz = gzip(live);
      ctx.response().putHeader(HttpHeaders.CONTENT_ENCODING, "gzip")
          .end(Buffer.buffer(liveGz.length + state.gzip().length).appendBytes(liveGz).appendBytes(state.gzip()));
    } else if (state.states() == 0) {
      ctx.response().end(Buffer.buffer(live));
    } else {
      ctx.vertx().executeBlocking(state::text, false)
          .onSuccess(text -> ctx.response().end(Buffer.buffer(live.length + text.length).appendBytes(live).appendBytes(text)))
          .onFailure(ctx::fail);
    }
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
