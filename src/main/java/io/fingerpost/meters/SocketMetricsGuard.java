package io.fingerpost.meters;

import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;

/**
 * A metrics factory ({@code delegate}: Micrometer's) whose TCP client metrics tolerate a connection without a
 * socket metric. Where the "socketMetric is null" NullPointerException seen once in DatabaseOutageTest comes from:
 * Vert.x 5.0.8's {@code ConnectionBase.handleClosed} and {@code handleException} report a connection's close or
 * error to the metrics with whatever socket metric the connection has, without a null check (the metric is set
 * by the connection's add handler, {@code NetClientImpl.connected}); vertx-micrometer-metrics 5.0.8's
 * {@code VertxNetClientMetrics.disconnected}, {@code exceptionOccurred}, {@code bytesRead} and {@code bytesWritten}
 * dereference their {@code socketMetric} parameter. A database connection broken by the outage that reaches
 * either with no metric throws there: logged as an unhandled exception with its stack trace, and the rest of
 * {@code handleClosed} (the connection's close handlers) skipped. Upstream, either side would skip a connection
 * without a metric; until then this guard drops the per-socket calls that carry none (there is no socket metric
 * to update). Everything else goes to the delegate unchanged.
 */
public final class SocketMetricsGuard implements VertxMetricsFactory {

  private final VertxMetricsFactory delegate;

  public SocketMetricsGuard(VertxMetricsFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Guarded(delegate.metrics(options));
  }

  @Override
  public MetricsOptions newOptions() {
    return delegate.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return delegate.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return delegate.newOptions(json);
  }

  /** The delegate's metrics, with {@link NetClient} around its TCP client metrics. */
  private record Guarded(VertxMetrics metrics) implements VertxMetrics {
    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      TCPMetrics<?> m = metrics.createNetClientMetrics(options);
      return m == null ? null : new NetClient<>(m);
    }

    @Override
    public EventBusMetrics createEventBusMetrics() {
      return metrics.createEventBusMetrics();
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress address) {
      return metrics.createHttpServerMetrics(options, address);
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
      return metrics.createClientMetrics(remote, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return metrics.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress local) {
      return metrics.createNetServerMetrics(options, local);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return metrics.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
      return metrics.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void vertxCreated(io.vertx.core.Vertx vertx) {
      metrics.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return metrics.isMetricsEnabled();
    }

    @Override
    public void close() {
      metrics.close();
    }
  }

  /** TCP client metrics that skip the calls about a socket without a metric (see the class comment). */
  static final class NetClient<S> implements TCPMetrics<S> {
    private final TCPMetrics<S> m;

    NetClient(TCPMetrics<S> m) {
      this.m = m;
    }

    @Override
    public S connected(SocketAddress remote, String remoteName) {
      return m.connected(remote, remoteName);
    }

    @Override
    public void disconnected(S socketMetric, SocketAddress remote) {
      if (socketMetric != null) {
        m.disconnected(socketMetric, remote);
      }
    }

    @Override
    public void bytesRead(S socketMetric, SocketAddress remote, long bytes) {
      if (socketMetric != null) {
        m.bytesRead(socketMetric, remote, bytes);
      }
    }

    @Override
    public void bytesWritten(S socketMetric, SocketAddress remote, long bytes) {
      if (socketMetric != null) {
        m.bytesWritten(socketMetric, remote, bytes);
      }
    }

    @Override
    public void exceptionOccurred(S socketMetric, SocketAddress remote, Throwable t) {
      if (socketMetric != null) {
        m.exceptionOccurred(socketMetric, remote, t);
      }
    }

    @Override
    public void close() {
      m.close();
    }
  }
}
