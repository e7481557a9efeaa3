package io.fingerpost.report;

/**
 * A report asked for something that does not exist (an unknown area, group, team or sort key): the HTTP
 * part answers it as a 4xx problem naming {@link #parameter()}.
 */
public final class ReportQueryException extends RuntimeException {
  private final int status;
  private final String parameter;

  public ReportQueryException(int status, String parameter, String message) {
    super(message, null, false, false);
    this.status = status;
    this.parameter = parameter;
  }

  public int status() {
    return status;
  }

  public String parameter() {
    return parameter;
  }
}
