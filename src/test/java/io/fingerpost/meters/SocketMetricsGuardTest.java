package io.fingerpost.meters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The guard around Vert.x's Micrometer metrics: a TCP client connection reported without a socket metric throws
 * in the bare Micrometer metrics (the "socketMetric is null" NullPointerException of DatabaseOutageTest) and is
 * skipped by the guard; real connections through a Vert.x built with the guard are still counted. The same for an
 * HTTP server connection accepted before the server's metrics existed (a request reported without a socket metric).
 */
class SocketMetricsGuardTest {

  static final VertxOptions OPTIONS = new VertxOptions()
      .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false));

  @SuppressWarnings("unchecked")
  static TCPMetrics<Object> netClientMetrics(io.vertx.core.spi.VertxMetricsFactory factory) {
    return (TCPMetrics<Object>) factory.metrics(OPTIONS).createNetClientMetrics(new NetClientOptions());
  }

  @Test
  void aSocketWithoutMetricIsSkippedAndRealConnectionsAreCounted() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
    SocketAddress peer = SocketAddress.inetSocketAddress(5432, "127.0.0.1");

    TCPMetrics<Object> bare = netClientMetrics(micrometer);
    NullPointerException npe = assertThrows(NullPointerException.class, () -> bare.disconnected(null, peer));
    assertTrue(String.valueOf(npe.getMessage()).contains("socketMetric"), npe.getMessage());

    TCPMetrics<Object> guarded = netClientMetrics(new SocketMetricsGuard(micrometer));
    guarded.disconnected(null, peer);
    guarded.exceptionOccurred(null, peer, new IOException("connection reset"));
    guarded.bytesRead(null, peer, 10);
    guarded.bytesWritten(null, peer, 10);

    Vertx vertx = Vertx.builder().with(OPTIONS).withMetrics(new SocketMetricsGuard(micrometer)).build();
    try {
      NetServer server = vertx.createNetServer().connectHandler(s -> s.handler(s::write))
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      NetSocket socket = vertx.createNetClient().connect(server.actualPort(), "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      io.vertx.core.Promise<Buffer> echo = io.vertx.core.Promise.promise();
      socket.handler(echo::tryComplete);
      socket.write("ping").await(10, TimeUnit.SECONDS);
      assertEquals("ping", echo.future().await(10, TimeUnit.SECONDS).toString());
      assertEquals(1.0, clientConnections(registry), "the open client connection is counted");
      socket.close().await(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (clientConnections(registry) != 0.0) {
        assertTrue(System.nanoTime() < deadline, "the closed connection is still counted");
        Thread.sleep(20);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @SuppressWarnings("unchecked")
  static HttpServerMetrics<Object, Object, Object> httpServerMetrics(io.vertx.core.spi.VertxMetricsFactory factory) {
    return (HttpServerMetrics<Object, Object, Object>) factory.metrics(OPTIONS)
        .createHttpServerMetrics(new HttpServerOptions(), SocketAddress.inetSocketAddress(8080, "127.0.0.1"));
  }

  @Test
  void aRequestOnAConnectionWithoutMetricIsSkippedAndRealRequestsAreCounted() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
    SocketAddress peer = SocketAddress.inetSocketAddress(40000, "127.0.0.1");

    HttpServerMetrics<Object, Object, Object> bare = httpServerMetrics(micrometer);
    NullPointerException npe = assertThrows(NullPointerException.class, () -> bare.requestBegin(null, null));
    assertTrue(String.valueOf(npe.getMessage()).contains("socketMetric"), npe.getMessage());

    HttpServerMetrics<Object, Object, Object> guarded = httpServerMetrics(new SocketMetricsGuard(micrometer));
    assertEquals(null, guarded.requestBegin(null, null), "no request metric without a socket metric");
    guarded.requestEnd(null, null, 10);
    guarded.responseBegin(null, null);
    guarded.requestRouted(null, "/ready");
    guarded.responseEnd(null, null, 10);
    guarded.requestReset(null);
    assertEquals(null, guarded.responsePushed(null, HttpMethod.GET, "/", null));
    assertEquals(null, guarded.connected(null, null, null));
    guarded.disconnected(null);
    guarded.bytesRead(null, peer, 10);
    guarded.bytesWritten(null, peer, 10);
    guarded.exceptionOccurred(null, peer, new IOException("connection reset"));
    guarded.disconnected(null, peer);

    Vertx vertx = Vertx.builder().with(OPTIONS).withMetrics(new SocketMetricsGuard(micrometer)).build();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"))
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      String body = vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/ready")
          .compose(req -> req.send().compose(res -> res.body())).await(10, TimeUnit.SECONDS).toString();
      assertEquals("ok", body);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (serverRequests(registry) != 1.0) {
        assertTrue(System.nanoTime() < deadline, "the request is counted once, not " + serverRequests(registry));
        Thread.sleep(20);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The HTTP requests the server's metrics counted (vertx_http_server_requests_total). */
  static double serverRequests(SimpleMeterRegistry registry) {
    double sum = 0;
    for (Meter m : registry.getMeters()) {
      if (m.getId().getName().equals("vertx.http.server.requests")) {
        for (var measure : m.measure()) {
          sum += measure.getValue();
        }
      }
    }
    return sum;
  }

  /** The open TCP client connections Micrometer counts (vertx_net_client_active_connections). */
  static double clientConnections(SimpleMeterRegistry registry) {
    double sum = 0;
    for (Meter m : registry.getMeters()) {
      String name = m.getId().getName();
      if (name.contains("net.client") && name.contains("connections")) {
        for (var measure : m.measure()) {
          sum += measure.getValue();
        }
      }
    }
    return sum;
  }
}
