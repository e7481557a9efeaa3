package io.fingerpost.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bench/api.sh's size reference answers every request, again and again, with exactly the bytes it was given. */
class HttpBodyReferenceTest {
  @Test
  void everyAnswerIsTheGivenBytesWholeAsJson() throws Exception {
    byte[] body = new byte[300_000]; // larger than a socket write: the shared direct buffer must not be used up
    new Random(14).nextBytes(body);
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = HttpBodyReference.serve(vertx, body, 0).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      // HTTP/1.1, as wrk asks: the JDK client's default upgrade to h2c, with the whole answer written right after
      // the 101, made it read body bytes as a frame (once in a fresh clone's CI: "Frame type(187) ... exceeds
      // MAX_FRAME_SIZE"; curl --http2 likewise gives up on more than 32 KB after the 101)
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (String path : new String[] {"/", "/api/targets", "/"}) {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(body, r.body(), path);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutABodyFileItSaysHowToCallIt() throws Exception {
    assertEquals(2, HttpBodyReference.run(new String[] {"--port", "0"}));
    assertEquals(2, HttpBodyReference.run(new String[] {"--bogus"}));
  }
}
