package io.fingerpost.event;

/**
 * An event-bus address and the one event type it carries, so a consumer gets the record it expects
 * (the compiler checks it) and the address string is written once, beside its record.
 *
 * @param name the address as it appears on the bus (a public contract: docs/internals.md "Event bus")
 * @param type the record sent there
 * @param local true when only consumers of this Vert.x instance may listen (never a clustered consumer)
 */
public record Address<T extends Event>(String name, Class<T> type, boolean local) {

  static <T extends Event> Address<T> of(String name, Class<T> type) {
    return new Address<>(name, type, false);
  }

  static <T extends Event> Address<T> local(String name, Class<T> type) {
    return new Address<>(name, type, true);
  }

  @Override
  public String toString() {
    return name;
  }
}
