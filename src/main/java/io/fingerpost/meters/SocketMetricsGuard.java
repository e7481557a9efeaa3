package io.fingerpost.meters;

import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
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
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * A metrics factory ({@code delegate}: Micrometer's) whose TCP client and HTTP server metrics tolerate a connection without a
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
 *
 * <p>The HTTP server has the same hole at start-up (seen once in DatabaseOutageTest, whose readiness loop polls
 * the port while the service starts): Vert.x 5.0.8's {@code NetServerImpl.bind} opens the port and only in the
 * bind's listener creates the server's metrics, so a connection accepted in between gets no socket metric
 * ({@code NetServerImpl.connected} skips {@code metrics.connected} while the metrics are null), and its first
 * request, read once the metrics exist, reaches {@code VertxHttpServerMetrics.requestBegin} with a null socket
 * metric: an NPE logged by Netty with its stack trace, the request lost (still so in Vert.x 5.1.6). The guard
 * gives such a request no request metric, and skips every later call that carries none.
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

  /**
   * The delegate's metrics, with {@link Tcp} around its TCP client metrics and {@link HttpServer} around its HTTP
   * server metrics.
   */
  private record Guarded(VertxMetrics metrics) implements VertxMetrics {
    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      TCPMetrics<?> m = metrics.createNetClientMetrics(options);
      return m == null ? null : new Tcp<>(m);
    }

    @Override
    public EventBusMetrics createEventBusMetrics() {
      return metrics.createEventBusMetrics();
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress address) {
      HttpServerMetrics<?, ?, ?> m = metrics.createHttpServerMetrics(options, address);
      return m == null ? null : new HttpServer<>(m);
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

  /** TCP metrics that skip the calls about a socket without a metric (see the class comment). */
  static class Tcp<S> implements TCPMetrics<S> {
    private final TCPMetrics<S> m;

    Tcp(TCPMetrics<S> m) {
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

  /**
   * HTTP server metrics for a connection accepted before the server's metrics existed (see the class comment):
   * its socket calls are skipped as {@link Tcp}'s, its requests get no request metric, and the calls about a
   * request, response or WebSocket without a metric are skipped.
   */
  static final class HttpServer<R, W, S> extends Tcp<S> implements HttpServerMetrics<R, W, S> {
    private final HttpServerMetrics<R, W, S> m;

    HttpServer(HttpServerMetrics<R, W, S> m) {
      super(m);
      this.m = m;
    }

    @Override
    public R requestBegin(S socketMetric, HttpRequest request) {
      return socketMetric == null ? null : m.requestBegin(socketMetric, request);
    }

    @Override
    public void requestEnd(R requestMetric, HttpRequest request, long bytesRead) {
      if (requestMetric != null) {
        m.requestEnd(requestMetric, request, bytesRead);
      }
    }

    @Override
    public void requestReset(R requestMetric) {
      if (requestMetric != null) {
        m.requestReset(requestMetric);
      }
    }

    @Override
    public void responseBegin(R requestMetric, HttpResponse response) {
      if (requestMetric != null) {
        m.responseBegin(requestMetric, response);
      }
    }

    @Override
    public R responsePushed(S socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return socketMetric == null ? null : m.responsePushed(socketMetric, method, uri, response);
    }

    @Override
    public void responseEnd(R requestMetric, HttpResponse response, long bytesWritten) {
      if (requestMetric != null) {
        m.responseEnd(requestMetric, response, bytesWritten);
      }
    }

    @Override
    public W connected(S socketMetric, R requestMetric, ServerWebSocket webSocket) {
      return socketMetric == null || requestMetric == null ? null : m.connected(socketMetric, requestMetric, webSocket);
    }

    @Override
    public void disconnected(W webSocketMetric) {
      if (webSocketMetric != null) {
        m.disconnected(webSocketMetric);
      }
    }

    @Override
    public void requestRouted(R requestMetric, String route) {
      if (requestMetric != null) {
        m.requestRouted(requestMetric, route);
      }
    }
  }
}
