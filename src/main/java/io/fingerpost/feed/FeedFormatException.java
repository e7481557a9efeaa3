package io.fingerpost.feed;

/** A source that cannot be read at all (bad header, broken CSV structure), with the line where it broke. */
public class FeedFormatException extends RuntimeException {
  private final long line;

  public FeedFormatException(long line, String message, Throwable cause) {
    super("line " + line + ": " + message, cause);
    this.line = line;
  }

  public FeedFormatException(long line, String message) {
    this(line, message, null);
  }

  public long line() {
    return line;
  }
}
