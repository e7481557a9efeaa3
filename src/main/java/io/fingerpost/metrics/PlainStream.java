package io.fingerpost.metrics;

import io.fingerpost.meters.RenderedState;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain scrape streamed: the block's gzip members are inflated in batches of about {@link #BATCH} bytes of text
 * on worker threads, at most {@link #AHEAD} batches ahead of the connection, and written in order as each is
 * ready, waiting for the connection to drain when its queue is full. The text is never held whole (hundreds of
 * MB at national scale: holding it made garbage-collection pauses that stalled the event loops), the first bytes
 * leave at once, and inflating overlaps sending. Content-Length comes from the members' trailers.
 *
 * <p>Each batch is inflated straight into pooled direct buffers (Netty's pooled allocator, at most
 * {@link #BUFFER} bytes each): the socket writes them as they are, so the event loop copies nothing (a heap
 * buffer is copied into direct memory on the event loop before the write) and a scrape allocates no text on
 * the heap (at 100k series the heap copies were 417 MB of garbage a scrape, and their collections showed as
 * event-loop lag). A batch's buffers go back to the pool when its write completes or fails, and every batch
 * inflated ahead is released when the response ends early ({@link RoutingContext#addEndHandler}).
 */
final class PlainStream {
  /** Text inflated per worker task, and how many such batches may be ahead of the socket. */
  static final long BATCH = 4 << 20;
  static final int AHEAD = Math.max(2, Runtime.getRuntime().availableProcessors());
  /** Largest pooled buffer a batch is cut into (well below the pool's chunk, so every buffer is pooled). */
  static final int BUFFER = 1 << 20;
  /** Batches inflated and not yet released (a test checks that every path gives them back). */
  static final AtomicInteger LIVE = new AtomicInteger();

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final byte[] live;
  private final List<List<byte[]>> batches = new ArrayList<>();
  /** Batches handed to workers; an entry is set to null once its buffer is taken (written or released). */
  private final List<Future<ByteBuf>> inflated = new ArrayList<>();
  private long length;
  private int next;

  PlainStream(RoutingContext ctx, byte[] live, List<byte[]> parts) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.live = live;
    length = live.length;
    List<byte[]> batch = new ArrayList<>();
    long text = 0;
    for (byte[] part : parts) {
      long size = RenderedState.textSize(part);
      length += size;
      if (!batch.isEmpty() && text + size > BATCH) {
        batches.add(batch);
        batch = new ArrayList<>();
        text = 0;
      }
      batch.add(part);
      text += size;
    }
    if (!batch.isEmpty()) batches.add(batch);
  }

  void start() {
    ctx.addEndHandler(ar -> releaseAhead()); // ended, failed or cut: give back what was inflated ahead
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    response.write(MetricsHandler.wrap(List.of(live)));
    pump();
  }

  /** Keeps AHEAD batches inflating; writes the next when it is ready and the connection has room. */
  private void pump() {
    if (response.closed()) { // the scraper went away: stop inflating
      releaseAhead();
      return;
    }
    while (inflated.size() < batches.size() && inflated.size() - next < AHEAD) {
      List<byte[]> batch = batches.get(inflated.size());
      inflated.add(ctx.vertx().executeBlocking(() -> inflate(batch), false));
    }
    if (next == batches.size()) {
      response.end();
      return;
    }
    Future<ByteBuf> ready = inflated.get(next);
    inflated.set(next++, null); // this handler owns the batch's buffer now
    ready.onComplete(ar -> {
      if (ar.failed() || response.closed()) {
        if (ar.succeeded()) release(ar.result());
        releaseAhead();
        // headers are sent: a cut body is what the scraper can see
        if (ar.failed() && !response.closed()) ctx.request().connection().close();
        return;
      }
      ByteBuf text = ar.result();
      Future<Void> written;
      try {
        written = response.write(BufferInternal.buffer(text));
      } catch (RuntimeException e) { // closed between the check and the write
        release(text);
        releaseAhead();
        return;
      }
      written.onComplete(w -> release(text)); // the socket has it (or the connection failed)
      if (response.writeQueueFull()) {
        response.drainHandler(v -> {
          response.drainHandler(null);
          pump();
        });
      } else {
        ctx.vertx().runOnContext(v -> pump()); // not recursively: a long run of ready batches stays flat
      }
    });
  }

  /** Releases every batch inflated (or inflating) ahead of the one being written. */
  private void releaseAhead() {
    for (int i = next; i < inflated.size(); i++) {
      Future<ByteBuf> f = inflated.get(i);
      if (f != null) {
        inflated.set(i, null);
        f.onSuccess(PlainStream::release);
      }
    }
  }

  private static void release(ByteBuf text) {
    text.release();
    LIVE.decrementAndGet();
  }

  /** One batch's text in pooled direct buffers of at most {@link #BUFFER} bytes (a larger member gets its own). */
  static ByteBuf inflate(List<byte[]> batch) {
    CompositeByteBuf out = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(Integer.MAX_VALUE);
    try {
      int from = 0;
      while (from < batch.size()) {
        int to = from;
        long size = 0;
        while (to < batch.size() && (to == from || size + RenderedState.textSize(batch.get(to)) <= BUFFER)) {
          size += RenderedState.textSize(batch.get(to++));
        }
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer((int) size);
        try {
          for (int i = from; i < to; i++) GzipMember.inflateInto(batch.get(i), buf);
        } catch (RuntimeException | Error e) {
          buf.release();
          throw e;
        }
        out.addComponent(true, buf); // owned by the composite from here: released with it
        from = to;
      }
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
    LIVE.incrementAndGet();
    return out;
  }
}
