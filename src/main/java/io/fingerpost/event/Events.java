package io.fingerpost.event;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.impl.MessageConsumerImpl;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * One-line publishing and consuming of {@link Event}s. Consumers get the record, never a {@code Message}
 * or JSON. The codecs are registered once per Vert.x instance, on first use or by {@link #register}
 * (App calls it at start-up); tests that make several Vert.x instances need nothing more.
 */
public final class Events {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Events.class);
  /** The Vert.x instances whose event bus has the codecs (weak: a closed instance is forgotten). */
  private static final Set<Vertx> REGISTERED = Collections.newSetFromMap(new WeakHashMap<>());

  private Events() {}

  /** Registers the codec (by reference in this JVM, JSON between members) of every event type on this instance; again is a no-op. */
  public static void register(Vertx vertx) {
    synchronized (REGISTERED) {
      if (REGISTERED.contains(vertx)) {
        return;
      }
      EventBus bus = vertx.eventBus();
      for (Class<?> type : Event.class.getPermittedSubclasses()) {
        registerCodec(bus, type.asSubclass(Event.class));
      }
      REGISTERED.add(vertx);
    }
  }

  private static <T extends Event> void registerCodec(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new EventCodec<>(type));
  }

  /** Sends the event to every consumer of its address. */
  public static void publish(Vertx vertx, Event event) {
    register(vertx);
    vertx.eventBus().publish(event.address().name(), event);
  }

  /** Sends the event to one consumer of its address (round robin), for work that one of them must do. */
  public static void send(Vertx vertx, Event event) {
    register(vertx);
    vertx.eventBus().send(event.address().name(), event);
  }

  /**
   * Calls {@code handler} with every event sent to {@code address}. Wait for
   * {@link MessageConsumer#completion()} before relying on it; {@link MessageConsumer#unregister()} stops it.
   */
  public static <T extends Event> MessageConsumer<T> consumer(Vertx vertx, Address<T> address, Handler<T> handler) {
    register(vertx);
    EventBus bus = vertx.eventBus();
    Handler<io.vertx.core.eventbus.Message<T>> unwrap = m -> handler.handle(m.body());
    return quietAfterUnregister(address.local() ? bus.localConsumer(address.name(), unwrap)
        : bus.consumer(address.name(), unwrap));
  }

  /**
   * Like {@link #consumer} but gets only the events this member sent, never another cluster member's: for
   * work that the member which made the change must do once (evaluating the series it wrote, alerting on the
   * evaluations it wrote, the status of the feeds it polls). Without a cluster it is the same as
   * {@link #consumer}. docs/internals.md "Event bus", "Cluster".
   */
  public static <T extends Event> MessageConsumer<T> localConsumer(Vertx vertx, Address<T> address, Handler<T> handler) {
    register(vertx);
    return quietAfterUnregister(vertx.eventBus().localConsumer(address.name(), m -> handler.handle(m.body())));
  }

  /**
   * An event the bus handed to a consumer just before it unregistered is dropped when its turn comes, which Vert.x
   * logs as a WARN ("Discarding message since the consumer is not registered"): a load follows other writers'
   * changes ({@code DigestedLoad}, {@code StoredRows}) and stops when it ends, while other feeds' loads still
   * publish (the bundled default's 25 first loads at start-up). The consumer was done with such an event: debug. A
   * consumer that is still registered and drops events because too many wait for it stays a warning.
   */
  private static <T> MessageConsumer<T> quietAfterUnregister(MessageConsumer<T> consumer) {
    if (consumer instanceof MessageConsumerImpl<T> impl) {
      impl.discardHandler(m -> {
        if (impl.getHandler() == null) { // unregister() clears the handler first
          LOG.debug("{}: an event that came as its consumer unregistered is dropped", m.address());
        } else {
          LOG.warn("{}: an event is dropped, more wait for its consumer than it buffers", m.address());
        }
      });
    }
    return consumer;
  }
}
