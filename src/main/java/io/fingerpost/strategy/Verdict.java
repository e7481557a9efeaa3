package io.fingerpost.strategy;

import java.util.Objects;

/**
 * A categorical verdict as stored: its stable code (an enum: what code branches on) and the label people
 * read (what the evaluator wrote next to it, e.g. Fingertips' "Increasing and getting worse"). The database
 * keeps both ({@code recent_trend_code} and {@code recent_trend}); nothing matches the label.
 *
 * @param <E> the verdict's enum
 */
public record Verdict<E extends Enum<E> & Verdict.Coded>(E code, String label) {

  /** An enum whose constants have a label for people. */
  public interface Coded {
    String label();
  }

  public Verdict {
    Objects.requireNonNull(code, "code");
    label = label == null ? code.label() : label;
  }

  /** The verdict with its code's own label; null for a null code. */
  public static <E extends Enum<E> & Coded> Verdict<E> of(E code) {
    return code == null ? null : new Verdict<>(code, code.label());
  }

  /** The code of a nullable verdict. */
  public static <E extends Enum<E> & Coded> E code(Verdict<E> v) {
    return v == null ? null : v.code();
  }

  /** The label of a nullable verdict. */
  public static String label(Verdict<?> v) {
    return v == null ? null : v.label();
  }

  /** The stored code of a nullable verdict. */
  public static String name(Verdict<?> v) {
    return v == null ? null : v.code().name();
  }
}
