package io.fingerpost.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.model.SeriesKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EventsTest {

  @Test
  void consumersGetTheSameRecordThatWasPublished() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      LinkedBlockingQueue<SeriesChanged> got = new LinkedBlockingQueue<>();
      Events.consumer(vertx, SeriesChanged.ADDRESS, got::add).completion().await(5, TimeUnit.SECONDS);
      SeriesChanged sent = new SeriesChanged("f", true,
          List.of(new SeriesChanged.Item(7, new SeriesKey("93356", "E08000027", "Persons", "All ages", "", ""))));
      Events.publish(vertx, sent);
      SeriesChanged received = got.poll(5, TimeUnit.SECONDS);
      assertSame(sent, received, "passed by reference, not serialised");
      assertEquals(7, received.series().get(0).seriesId());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void registeringTwiceOnOneInstanceAndOnceOnAnotherDoesNotThrow() throws Exception {
    Vertx a = Vertx.vertx();
    Vertx b = Vertx.vertx();
    try {
      Events.register(a);
      Events.register(a);
      Events.register(b);
      LinkedBlockingQueue<OutboxWakeUp> got = new LinkedBlockingQueue<>();
      Events.consumer(b, OutboxWakeUp.ADDRESS, got::add).completion().await(5, TimeUnit.SECONDS);
      Events.send(b, new OutboxWakeUp(3));
      assertEquals(3, got.poll(5, TimeUnit.SECONDS).newRows());
      // the codec is registered on the bus itself: registering it there again is what Events prevents
      assertThrows(IllegalStateException.class,
          () -> a.eventBus().registerDefaultCodec(OutboxWakeUp.class, new EventCodec<>(OutboxWakeUp.class)));
    } finally {
      a.close().await(10, TimeUnit.SECONDS);
      b.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyEventTypeHasItsOwnAddressAndTheDocumentedStrings() {
    List<Address<?>> addresses = List.of(SeriesChanged.ADDRESS, EvaluationsCreated.ADDRESS, FeedStatus.ADDRESS,
        AlertsChanged.ADDRESS, OutboxWakeUp.ADDRESS, TargetsEvaluated.ADDRESS);
    assertEquals(Set.of("fingerpost.series.changed", "fingerpost.evaluations.created", "fingerpost.feed.status",
        "fingerpost.alerts.changed", "fingerpost.alerts.outbox", "fingerpost.targets.evaluated"),
        addresses.stream().map(Address::name).collect(Collectors.toSet()));
    Set<Class<?>> permitted = Set.of(Event.class.getPermittedSubclasses());
    assertEquals(permitted, addresses.stream().map(Address::type).collect(Collectors.toSet()),
        "one address per event type");
    assertTrue(OutboxWakeUp.ADDRESS.local());
    assertFalse(SeriesChanged.ADDRESS.local());
  }

  @Test
  void eventsAreImmutableSnapshots() {
    List<Long> ids = new ArrayList<>(List.of(1L, 2L));
    EvaluationsCreated e = new EvaluationsCreated(false, ids, List.of("t"));
    ids.add(3L);
    assertEquals(List.of(1L, 2L), e.evaluationIds(), "a later change to the sender's list is not seen");
    assertThrows(UnsupportedOperationException.class, () -> e.evaluationIds().add(4L));
  }

  @Test
  void feedStatusKeepsItsDocumentedJsonForm() {
    Instant at = Instant.parse("2026-01-02T03:04:05Z");
    FeedStatus ok = new FeedStatus("f", "fingertips-csv", "data.csv", true, true, 0, at, null,
        new FeedStatus.Read(false, 1234, new FeedStatus.Rows(10, 4, 3, 2, 1), new FeedStatus.Chunks(5, 2), 1000));
    JsonObject json = ok.toJson();
    assertEquals(new JsonObject().put("feed", "f").put("type", "fingertips-csv").put("source", "data.csv")
        .put("ok", true).put("firstPollDone", true).put("consecutiveFailures", 0)
        .put("lastSuccess", "2026-01-02T03:04:05Z").putNull("lastError").put("unchanged", false)
        .put("durationMs", 1234L).put("chunks", 5).put("chunksSkipped", 2).put("rowsRead", 10L)
        .put("rowsInserted", 4L).put("rowsUpdated", 3L).put("rowsUnchanged", 2L).put("rowsRejected", 1L)
        .put("storedMs", 1000L), json);

    FeedStatus failed = new FeedStatus("f", "fingertips-csv", "data.csv", false, true, 2, null, "HTTP 500", null);
    assertFalse(failed.unchanged());
    assertNull(failed.rows());
    assertEquals(Stream.of("feed", "type", "source", "ok", "firstPollDone", "consecutiveFailures", "lastSuccess",
        "lastError").collect(Collectors.toSet()), failed.toJson().fieldNames());
    assertEquals("HTTP 500", failed.toJson().getString("lastError"));
  }

  /**
   * Events already handed to a consumer when it unregisters (a load's consumer at the load's end, while other
   * feeds still publish) are dropped without a warning: before, Vert.x logged one WARN for each ("Discarding
   * message since the consumer is not registered: fingerpost.series.changed") at the bundled default's start-up.
   */
  @Test
  void eventsQueuedForAConsumerThatUnregistersAreDroppedWithoutAWarning() throws Exception {
    Vertx vertx = Vertx.vertx();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
        new ch.qos.logback.core.read.ListAppender<>();
    log.start();
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);
    try {
      java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
      var consumer = Events.consumer(vertx, OutboxWakeUp.ADDRESS, e -> {
        if (handled.incrementAndGet() == 1) { // hold the consumer's context while more events queue up
          held.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        }
      });
      consumer.completion().await(5, TimeUnit.SECONDS);
      Events.publish(vertx, new OutboxWakeUp(1));
      assertTrue(held.await(10, TimeUnit.SECONDS), "the first event was not handled");
      for (int i = 0; i < 10; i++) {
        Events.publish(vertx, new OutboxWakeUp(i));
      }
      var unregistered = consumer.unregister();
      release.countDown();
      unregistered.await(10, TimeUnit.SECONDS);
      assertEquals(1, handled.get(), "events handled after the unregister");
      List<String> warnings = log.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
      assertEquals(List.of(), warnings);
    } finally {
      root.detachAppender(log);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
