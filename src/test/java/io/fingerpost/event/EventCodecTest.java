package io.fingerpost.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.fingerpost.model.SeriesKey;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form between cluster members: every event type comes back equal (and a copy), after a prefix. */
class EventCodecTest {

  @SuppressWarnings("unchecked")
  private static <T extends Event> void roundTrip(T event) {
    EventCodec<T> codec = new EventCodec<>((Class<T>) event.getClass());
    Buffer b = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(b, event);
    T back = codec.decodeFromWire("prefix".length(), b);
    assertEquals(event, back, event.getClass().getSimpleName());
    assertNotSame(event, back);
  }

  @Test
  void everyEventTravelsAsJsonAndComesBackEqual() {
    Instant at = Instant.parse("2026-01-02T03:04:05.123Z");
    roundTrip(new SeriesChanged("push", true,
        List.of(new SeriesChanged.Item(7, new SeriesKey("93356", "E08000027", "Persons", "All ages", "", "")))));
    roundTrip(new EvaluationsCreated(false, List.of(1L, 2L), List.of("t1", "t2")));
    roundTrip(new TargetsEvaluated(List.of("t1")));
    roundTrip(new FeedStatus("f", "tidy-csv", "x.csv", true, true, 0, at, null,
        new FeedStatus.Read(false, 12, new FeedStatus.Rows(10, 4, 3, 2, 1), new FeedStatus.Chunks(5, 2), 10), "w"));
    roundTrip(new FeedStatus("f", "tidy-csv", "x.csv", false, true, 2, null, "HTTP 500", null));
    roundTrip(new AlertsChanged(List.of("abc"), 3));
    roundTrip(new OutboxWakeUp(2));
  }
}
