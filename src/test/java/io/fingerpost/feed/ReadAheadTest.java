package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The CSV read-ahead (issue 14): order kept across blocks, a failure at its place in the stream, stop ends the thread. */
class ReadAheadTest {

  @Test
  void handsOutEveryItemInOrderAcrossManyBlocks() {
    int n = ReadAhead.BLOCK * (ReadAhead.BLOCKS + 3) + 7;
    AtomicInteger next = new AtomicInteger();
    ReadAhead r = new ReadAhead(() -> next.get() < n ? (Object) next.getAndIncrement() : null);
    for (int i = 0; i < n; i++) {
      assertTrue(r.hasNext());
      assertEquals(i, r.take());
    }
    assertFalse(r.hasNext());
    assertFalse(r.hasNext());
  }

  @Test
  void aFailureComesAfterTheItemsBeforeIt() {
    FeedFormatException broken = new FeedFormatException(12, "the source cannot be read on");
    AtomicInteger next = new AtomicInteger();
    ReadAhead r = new ReadAhead(() -> {
      if (next.get() == 600) {
        throw broken;
      }
      return next.getAndIncrement();
    });
    for (int i = 0; i < 600; i++) {
      assertTrue(r.hasNext());
      assertEquals(i, r.take());
    }
    assertSame(broken, assertThrows(FeedFormatException.class, r::hasNext));
  }

  @Test
  void stopEndsAProducerThatIsAhead() throws Exception {
    AtomicInteger produced = new AtomicInteger();
    ReadAhead r = new ReadAhead(() -> (Object) produced.getAndIncrement()); // endless
    assertTrue(r.hasNext());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (produced.get() < ReadAhead.BLOCK * ReadAhead.BLOCKS && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    r.stop();
    int after = produced.get();
    Thread.sleep(200);
    assertEquals(after, produced.get(), "nothing produced after stop");
    assertTrue(after <= ReadAhead.BLOCK * (ReadAhead.BLOCKS + 2), "bounded ahead: " + after);
    assertFalse(r.running(), "thread ended");
  }
}
