package io.fingerpost.strategy;

import java.util.List;

/**
 * Targets files that cannot be used: every error found, each naming the file, the target and the key,
 * gathered into one message so a user can fix them all in one pass.
 */
public final class TargetsFileException extends RuntimeException {

  private final List<String> errors;

  public TargetsFileException(List<String> errors) {
    super(message(errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }

  private static String message(List<String> errors) {
    StringBuilder b = new StringBuilder()
        .append(errors.size() == 1 ? "1 error" : errors.size() + " errors")
        .append(" in the targets files:");
    for (String e : errors) {
      b.append("\n  - ").append(e);
    }
    return b.toString();
  }
}
