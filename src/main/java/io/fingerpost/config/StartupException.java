package io.fingerpost.config;

/**
 * The service cannot start because of one setting (a port in use, a host that cannot be bound, a database
 * URL that is malformed or refused, a data directory that is a file): {@code Main} prints
 * {@code Start-up failed: <setting>: <message>} on one line and exits non-zero; the stack trace of the
 * cause is logged at debug level only. The message is for the operator: it names the cause, never a secret.
 */
public final class StartupException extends RuntimeException {

  private final String setting;

  public StartupException(String setting, String message, Throwable cause) {
    super(message, cause);
    this.setting = setting;
  }

  /** The setting to change, e.g. {@code http.port (--port, FINGERPOST_HTTP_PORT)}. */
  public String setting() {
    return setting;
  }

  /** The innermost message of a failure (the one that says what happened), on one line. */
  public static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null || root.getMessage().isBlank() ? root.getClass().getSimpleName()
        : root.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }

  /** A URL with its password (user:password@) hidden. */
  public static String withoutPassword(String url) {
    return url == null ? null : url.replaceAll("(//[^/:@]*:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
