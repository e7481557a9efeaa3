package io.fingerpost.config;

/**
 * The {@code push} section: {@code POST /api/observations}. The bearer token comes from the
 * environment ({@code token: ${FINGERPOST_PUSH_TOKEN:-}}); with no token every request is refused.
 *
 * @param maxBodyBytes largest accepted request body (default 64 MiB)
 */
public record PushConfig(Boolean enabled, String token, Long maxBodyBytes) {
  public static PushConfig defaults() {
    return new PushConfig(null, null, null);
  }

  public boolean enabledOrDefault() {
    return enabled == null || enabled;
  }

  public long maxBodyBytesOrDefault() {
    return maxBodyBytes == null ? 64L << 20 : maxBodyBytes;
  }
}
