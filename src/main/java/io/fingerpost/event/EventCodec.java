package io.fingerpost.event;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The codec of every event. Within one JVM it hands consumers the same object (events are immutable records,
 * nothing is copied); between cluster members (issue 15) the record travels as JSON: Jackson binds record
 * components by name (instants as ISO-8601), so the wire form is the record's own shape and needs no
 * hand-written mapping. Framing: a 4-byte length, then the UTF-8 JSON.
 */
final class EventCodec<T extends Event> implements MessageCodec<T, T> {
  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // a newer member may add a field

  private final Class<T> type;

  EventCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T event) {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
    buffer.appendInt(json.length).appendBytes(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    try {
      return JSON.readValue(buffer.getBytes(pos + 4, pos + 4 + length), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode " + type.getSimpleName(), e);
    }
  }

  @Override
  public T transform(T event) {
    return event;
  }

  @Override
  public String name() {
    return "fingerpost-event:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
