package io.fingerpost.metrics;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics} in the Prometheus text format 0.0.4: the micrometer registry's meters (a few hundred,
 * rendered per scrape) followed by the indicator-state block rendered at the last refresh. When the scraper
 * accepts gzip, the response is two gzip members (the small live part, then the block compressed at refresh
 * time), which gzip readers, Prometheus' included, read as one stream.
 */
final class MetricsHandler implements Handler<RoutingContext> {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final FingerpostMetrics metrics;

  MetricsHandler(FingerpostMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    IndicatorStateExposition.Rendered state = metrics.indicatorState();
    byte[] live = metrics.registry().scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
    boolean gzip = accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("gzip");
    Buffer body;
    if (gzip) {
      byte[] liveGz = gzip(live);
      body = Buffer.buffer(liveGz.length + state.gzip().length).appendBytes(liveGz).appendBytes(state.gzip());
      ctx.response().putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
    } else {
      body = Buffer.buffer(live.length + state.text().length).appendBytes(live).appendBytes(state.text());
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(body);
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
