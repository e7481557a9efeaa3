package io.fingerpost.event;

/**
 * The outbox has new rows: the notifier should deliver now rather than at its next poll (alerts → notifier,
 * this instance only).
 *
 * @param newRows how many rows the round added
 */
public record OutboxWakeUp(int newRows) implements Event {
  public static final Address<OutboxWakeUp> ADDRESS = Address.local("fingerpost.alerts.outbox", OutboxWakeUp.class);

  @Override
  public Address<OutboxWakeUp> address() {
    return ADDRESS;
  }
}
