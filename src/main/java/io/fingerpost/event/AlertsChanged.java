package io.fingerpost.event;

import java.util.List;

/**
 * An alert round changed alerts (alerts → metrics, anyone).
 *
 * @param fingerprints the alerts that changed, each once
 * @param outbox       notifications the round added to the outbox
 */
public record AlertsChanged(List<String> fingerprints, int outbox) implements Event {
  public static final Address<AlertsChanged> ADDRESS = Address.of("fingerpost.alerts.changed", AlertsChanged.class);

  public AlertsChanged {
    fingerprints = List.copyOf(fingerprints);
  }

  @Override
  public Address<AlertsChanged> address() {
    return ADDRESS;
  }
}
