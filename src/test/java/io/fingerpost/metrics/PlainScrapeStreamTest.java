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
 * A plain scrape of a block larger than several of {@link MetricsHandler}'s inflate batches (about 4 MiB of
 * text each) is streamed batch by batch: its body, after the live meters, is exactly the block's text, the
 * declared length matches, and the gzip scrape of the same block inflates to the same text.
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

      HttpResponse<byte[]> gz = client.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip")
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes();
      assertTrue(Arrays.equals(text, Arrays.copyOfRange(unzipped, unzipped.length - text.length, unzipped.length)),
          "the gzip body inflates to the same block");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
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
  }
}
