package io.fingerpost.cli;

import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The API benchmark's size reference (issue 14, not a test; {@code bench/api.sh}): a bare Vert.x HTTP server that
 * answers every request with the same bytes, held as the service holds a large cached answer (direct memory, one
 * copy shared by every response) on one event loop with the service's server options. wrk against it gives what
 * the HTTP stack itself serves of a body that size on this machine, which a trivial endpoint's tiny answer does not.
 *
 * <pre>
 *   java -jar target/fingerpost.jar bench-http-reference --body FILE [--port N]
 * </pre>
 *
 * Prints {@code listening on PORT} once it serves, then runs until the process is stopped.
 */
public final class HttpBodyReference {

  private HttpBodyReference() {}

  public static int run(String[] args) throws Exception {
    Path body = null;
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--body" -> body = Path.of(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: bench-http-reference --body FILE [--port N (0: a free one)]");
          return 2;
        }
      }
    }
    if (body == null || !Files.isRegularFile(body)) {
      System.err.println("bench-http-reference: --body must name a file (got " + body + ")");
      return 2;
    }
    byte[] bytes = Files.readAllBytes(body);
    HttpServer server = serve(Vertx.vertx(), bytes, port).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    System.out.println("listening on " + server.actualPort() + " (" + bytes.length + " bytes an answer)");
    System.out.flush();
    return -1; // serves until the process is stopped
  }

  /** A server on 127.0.0.1 ({@code port} 0: a free one) answering every request with {@code bytes}. */
  static Future<HttpServer> serve(Vertx vertx, byte[] bytes, int port) {
    Buffer answer = BufferInternal.buffer(Unpooled.wrappedBuffer(
        ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
    // the API verticle's options (compression supported: a plain request passes through the compressor; no h2c)
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
        .setCompressionSupported(true).setHttp2ClearTextEnabled(false);
    return vertx.createHttpServer(options)
        .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end(answer))
        .listen();
  }
}
