package io.fingerpost.model;

import java.util.Objects;

/** A geography: ONS code, name, type (e.g. "County & UA", "Region") and parent's code, null when unknown. */
public record Area(String code, String name, String type, String parentCode) {
  public Area {
    Objects.requireNonNull(code, "code");
  }
}
