package io.fingerpost.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadPermitsTest {

  @Test
  void atMostThePermitsAtOnceTheRestInArrivalOrder() {
    LoadPermits permits = new LoadPermits(2);
    Future<Void> a = permits.acquire();
    Future<Void> b = permits.acquire();
    Future<Void> c = permits.acquire();
    Future<Void> d = permits.acquire();
    assertTrue(a.succeeded() && b.succeeded());
    assertFalse(c.isComplete() || d.isComplete());
    assertEquals(2, permits.waiting());
    permits.release();
    assertTrue(c.succeeded());
    assertFalse(d.isComplete());
    permits.release();
    permits.release();
    assertTrue(d.succeeded());
    permits.release();
    // every permit given back: two at once again
    assertTrue(permits.acquire().succeeded() && permits.acquire().succeeded());
    assertFalse(permits.acquire().isComplete());
    assertThrows(IllegalArgumentException.class, () -> new LoadPermits(0));
  }

  @Test
  void aWaiterResumesOnItsOwnContextAndTheGateIsSharedPerVertx() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      LoadPermits permits = LoadPermits.of(vertx);
      assertSame(permits, LoadPermits.of(vertx));
      for (int i = 0; i < permits.permits(); i++) {
        assertTrue(permits.acquire().succeeded());
      }
      Context context = vertx.getOrCreateContext();
      CompletableFuture<Context> resumedOn = new CompletableFuture<>();
      context.runOnContext(v -> permits.acquire().onSuccess(x -> resumedOn.complete(Vertx.currentContext())));
      long deadline = System.currentTimeMillis() + 5000;
      while (permits.waiting() == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, permits.waiting());
      permits.release(); // from a thread outside Vert.x
      assertSame(context, resumedOn.get(5, TimeUnit.SECONDS));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
