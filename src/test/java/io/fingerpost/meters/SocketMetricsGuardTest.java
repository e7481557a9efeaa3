package io.fingerpost.meters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The guard around Vert.x's Micrometer metrics: a TCP client connection reported without a socket metric throws
 * in the bare Micrometer metrics (the "socketMetric is null" NullPointerException of DatabaseOutageTest) and is
 * skipped by the guard; real connections through a Vert.x built with the guard are still counted.
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
