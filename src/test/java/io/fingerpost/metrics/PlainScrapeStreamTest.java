package io.fingerpost.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.meters.RenderedState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * A plain scrape of a block larger than several of {@link PlainStream}'s inflate batches (about 4 MiB of
 * text each) is streamed batch by batch: its body, after the live meters, is exactly the block's text, the
 * declared length matches, and the gzip scrape of the same block inflates to the same text. Every batch's
 * pooled direct buffers go back to the pool, after a whole scrape and after one the scraper cut short.
 */
class PlainScrapeStreamTest {

  @Test
  void plainScrapeOfManyBatchesIsTheWholeBlockInOrder() throws Exception {
    StateSegments segments = new StateSegments(s -> s.target().targetId());
    segments.reset(MetricsScrapeBenchmark.synthetic(4_000)); // ≈ 16 MB of text: four batches and more
    RenderedState block = IndicatorStateExposition.assemble(segments.segments());
    byte[] text = block.text();
    assertTrue(text.length > 12 << 20, "block of " + text.length + " bytes");

    FingerpostMetrics metrics = FingerpostMetrics.create();
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    try {
      metrics.indicatorState(block, 0);
      Router router = Router.router(vertx);
      router.get("/metrics").handler(new MetricsHandler(metrics));
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

      HttpResponse<byte[]> plain = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, plain.statusCode());
      byte[] body = plain.body();
      assertEquals(body.length, plain.headers().firstValueAsLong("content-length").orElse(-1));
      assertTrue(body.length > text.length, "live meters come first");
      assertTrue(Arrays.equals(text, Arrays.copyOfRange(body, body.length - text.length, body.length)),
          "the plain body ends with the block's text, in order");

      assertEquals(0, waitForReleased(), "every inflated batch is back in the pool after a whole scrape");

      // a scraper that reads the first bytes and goes away: the batches inflated ahead are released too
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.actualPort())) {
        socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getInputStream().readNBytes(64 << 10);
        socket.setSoLinger(true, 0); // reset: the server sees the connection fail mid-body
      }
      assertEquals(0, waitForReleased(), "every inflated batch is back in the pool after a scrape cut short");

      HttpResponse<byte[]> gz = client.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip")
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes();
      assertTrue(Arrays.equals(text, Arrays.copyOfRange(unzipped, unzipped.length - text.length, unzipped.length)),
          "the gzip body inflates to the same block");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** {@link PlainStream#LIVE} once it is 0, or as it stands after 10 s. */
  private static int waitForReleased() throws InterruptedException {
    long until = System.nanoTime() + 10_000_000_000L;
    while (PlainStream.LIVE.get() != 0 && System.nanoTime() < until) Thread.sleep(20);
    return PlainStream.LIVE.get();
  }

  @Test
  void inflateReadsTheTrailerSizeAndFallsBackForOtherMembers() throws Exception {
    byte[] data = "fingerpost_target_info{target_id=\"a\"} 1\n".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] member = GzipMember.of(data);
    assertEquals(data.length, RenderedState.textSize(member));
    assertTrue(Arrays.equals(data, RenderedState.inflate(member)));
    // a member with a file name (FNAME flag): not the plain header, read through GZIPInputStream
    java.io.ByteArrayOutputStream named = new java.io.ByteArrayOutputStream();
    named.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 8, 0, 0, 0, 0, 0, (byte) 0xff});
    named.writeBytes("name\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    named.writeBytes(Arrays.copyOfRange(member, 10, member.length));
    assertTrue(Arrays.equals(data, RenderedState.inflate(named.toByteArray())));
    assertEquals(0, RenderedState.inflate(GzipMember.of(new byte[0])).length);
    // the same into a direct buffer, after text already there (a batch holds several members)
    io.netty.buffer.ByteBuf buf = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16);
    try {
      buf.writeByte('#');
      GzipMember.inflateInto(member, buf);
      GzipMember.inflateInto(named.toByteArray(), buf);
      GzipMember.inflateInto(GzipMember.of(new byte[0]), buf);
      byte[] got = new byte[buf.readableBytes()];
      buf.getBytes(0, got);
      byte[] want = new byte[1 + 2 * data.length];
      want[0] = '#';
      System.arraycopy(data, 0, want, 1, data.length);
      System.arraycopy(data, 0, want, 1 + data.length, data.length);
      assertTrue(Arrays.equals(want, got));
    } finally {
      buf.release();
    }
  }
}
