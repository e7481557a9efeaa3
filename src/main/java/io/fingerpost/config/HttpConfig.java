package io.fingerpost.config;

import java.time.Duration;
import java.util.Map;

/**
 * The {@code http} section: where the API listens. Port default 8080; host default 127.0.0.1, so a trial
 * run is reachable from this machine only: set {@code http.host} (or {@code FINGERPOST_HTTP_HOST}) to
 * {@code 0.0.0.0} to serve other machines, as the container image does. {@code shutdownGrace} (default 10 s):
 * how long a stopping service lets the requests under way finish before it closes their connections.
 */
public record HttpConfig(Integer port, String host, Duration shutdownGrace) {
  public static final String ENV_HOST = "FINGERPOST_HTTP_HOST";
  public static final String DEFAULT_HOST = "127.0.0.1";

  public static HttpConfig defaults() {
    return new HttpConfig(null, null, null);
  }

  public int portOrDefault() {
    return port == null ? 8080 : port;
  }

  public Duration shutdownGraceOrDefault() {
    return shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
  }

  /** A copy listening on {@code newPort}. */
  public HttpConfig withPort(Integer newPort) {
    return new HttpConfig(newPort, host, shutdownGrace);
  }

  public String hostOrDefault() {
    return host == null || host.isBlank() ? DEFAULT_HOST : host;
  }

  /** This section with {@code FINGERPOST_HTTP_HOST} applied (the environment wins over the file). */
  public HttpConfig withEnvironment(Map<String, String> env) {
    String envHost = env.get(ENV_HOST);
    return envHost == null || envHost.isBlank() ? this : new HttpConfig(port, envHost.trim(), shutdownGrace);
  }
}
