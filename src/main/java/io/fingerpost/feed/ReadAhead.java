package io.fingerpost.feed;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a producer of items ahead of their consumer on a second thread (issue 14: a CSV read on two cores, the
 * tokeniser on this thread, the row rules and mapping on the reader's). Items travel in blocks of {@link #BLOCK}
 * through a bounded queue (at most {@link #BLOCKS} blocks ahead, so memory stays small), in order; the producer's
 * null ends the stream, and an exception it throws is rethrown to the consumer at that point of the stream.
 * The producer's thread starts on the first {@link #hasNext()}; {@link #stop()} ends it.
 */
final class ReadAhead {
  static final int BLOCK = 256;
  static final int BLOCKS = 16;
  private static final Object END = new Object();

  private record Failure(RuntimeException exception) {}

  private final Supplier<Object> producer;
  private final BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(BLOCKS);
  static final long ABANDONED_MINUTES = 30;

  private volatile boolean stopping;
  private volatile boolean gaveUp;
  private Thread thread;
  // consumer side (one thread at a time, handed over with happens-before by the reader's user)
  private Object[] block;
  private int pos;
  private Object peeked;
  private boolean ended;

  ReadAhead(Supplier<Object> producer) {
    this.producer = producer;
  }

  boolean hasNext() {
    if (peeked != null) {
      return true;
    }
    if (ended) {
      return false;
    }
    if (thread == null) {
      thread = new Thread(this::pump, "fingerpost-csv-read-ahead");
      thread.setDaemon(true);
      thread.start();
    }
    if (block == null || pos == block.length) {
      try {
        while ((block = queue.poll(1, TimeUnit.SECONDS)) == null) {
          if (gaveUp) {
            ended = true;
            throw new FeedFormatException(0, "the read stalled: nothing was taken for " + ABANDONED_MINUTES
                + " minutes");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FeedFormatException(0, "the read was interrupted", e);
      }
      pos = 0;
    }
    Object item = block[pos++];
    if (item == END) {
      ended = true;
      return false;
    }
    if (item instanceof Failure f) {
      ended = true;
      throw f.exception();
    }
    peeked = item;
    return true;
  }

  /** The item {@link #hasNext()} found. */
  Object take() {
    Object item = peeked;
    peeked = null;
    return item;
  }

  private void pump() {
    Object[] out = new Object[BLOCK];
    int n = 0;
    try {
      for (Object item; (item = producer.get()) != null; ) {
        out[n++] = item;
        if (n == BLOCK) {
          if (!put(out)) {
            return;
          }
          out = new Object[BLOCK];
          n = 0;
        }
      }
      out[n++] = END;
    } catch (RuntimeException e) {
      out[n++] = new Failure(e);
    } catch (Error e) {
      out[n++] = new Failure(new IllegalStateException(e));
    }
    put(java.util.Arrays.copyOf(out, n));
  }

  /**
   * False when the consumer stopped reading: it said so ({@link #stop()}), or took nothing for
   * {@link #ABANDONED_MINUTES} minutes (a reader dropped without closing must not keep its thread for ever).
   */
  private boolean put(Object[] items) {
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(ABANDONED_MINUTES);
    try {
      while (!stopping) {
        if (queue.offer(items, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
        if (System.nanoTime() > giveUp) {
          gaveUp = true;
          return false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** True while the producer's thread runs. */
  boolean running() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  /** Ends the producer's thread (waits up to 5 s for it, so the parser is not closed under it). */
  void stop() {
    stopping = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
