package io.fingerpost.store;

/**
 * A source row a feed could not load: where it was (source and line), why, and what it said. A warning
 * (reason starting {@value #WARNING}) is a row that was stored but looks odd (feed part's row rules); it
 * is listed with the rejections and not counted as rejected.
 */
public record Rejection(String source, long line, String reason, String content) {
  public static final String WARNING = "warning: ";

  public static Rejection warning(String source, long line, String reason, String content) {
    return new Rejection(source, line, WARNING + reason, content);
  }

  public boolean isWarning() {
    return reason.startsWith(WARNING);
  }
}
