package io.fingerpost.config;

/** The {@code http} section: where the API listens (port default 8080, host default 0.0.0.0). */
public record HttpConfig(Integer port, String host) {
  public static HttpConfig defaults() {
    return new HttpConfig(null, null);
  }

  public int portOrDefault() {
    return port == null ? 8080 : port;
  }

  public String hostOrDefault() {
    return host == null ? "0.0.0.0" : host;
  }
}
