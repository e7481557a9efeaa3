package io.fingerpost.engine;

import io.fingerpost.Main;

/** Test fixture only: an "engine" class that depends on the wiring, which the package table forbids. */
public final class ArchitectureViolationFixture {
  private ArchitectureViolationFixture() {}

  public static Class<?> forbidden() {
    return Main.class;
  }
}
