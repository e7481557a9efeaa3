package io.fingerpost.event;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Hands an event to local consumers as the same object: events are immutable records, so nothing is
 * copied or serialised between verticles. No consumer outside this JVM listens today, so there is no wire
 * form; a clustered event bus would need one (and fails loudly here rather than sending something half-made).
 */
final class LocalCodec<T extends Event> implements MessageCodec<T, T> {
  private final Class<T> type;

  LocalCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T event) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local event and has no wire form");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local event and has no wire form");
  }

  @Override
  public T transform(T event) {
    return event;
  }

  @Override
  public String name() {
    return "fingerpost-local:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
