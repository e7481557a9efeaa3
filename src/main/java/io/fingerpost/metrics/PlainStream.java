package io.fingerpost.metrics;

import io.fingerpost.meters.RenderedState;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain scrape streamed: the block's gzip members are inflated in batches of about {@link #BATCH} bytes of text
 * on worker threads, at most {@link #AHEAD} batches ahead of the connection, and written in order as each is
 * ready, waiting for the connection to drain when its queue is full. The text is never held whole (hundreds of
 * MB at national scale: holding it made garbage-collection pauses that stalled the event loops), the first bytes
 * leave at once, and inflating overlaps sending. Content-Length comes from the members' trailers.
 *
 * <p>Each batch is inflated straight into a direct buffer kept for reuse ({@link #FREE}): the socket writes
 * it as it is, so the event loop copies nothing (a heap buffer is copied into direct memory on the event loop
 * before the write) and a scrape allocates no text on the heap (at 100k series the heap copies were 417 MB of
 * garbage a scrape, and their collections showed as event-loop lag). A batch's buffer goes back when its write
 * completes or fails, and every batch inflated ahead is given back when the response ends early
 * ({@link RoutingContext#addEndHandler}).
 */
final class PlainStream {
  /**
   * Text inflated per worker task, and how many such batches may be ahead of the socket: one core inflates
   * (about 3 GB/s) faster than a loopback socket takes the text, so a few are enough on any machine.
   */
  static final int BATCH = 2 << 20;
  static final int AHEAD = Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));
  /**
   * Direct buffers of {@link #BATCH} bytes kept for the next batches, at most two scrapes' worth (8 MiB on 2
   * cores, 16 MiB at most). Kept, not given back: a fresh direct buffer is zeroed and page-faulted in, and with Netty's pooled
   * allocator, whose chunks are freed when empty, that was 70% of the workers' CPU in a scrape (perf).
   */
  private static final ArrayBlockingQueue<ByteBuf> FREE = new ArrayBlockingQueue<>(2 * AHEAD);
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
    LIVE.decrementAndGet();
    if (text.capacity() != BATCH || !FREE.offer(text.clear())) text.release();
  }

  /**
   * One batch's text in one direct buffer: a buffer of {@link #BATCH} bytes from the free list, or a new one (a
   * batch is larger only when one member is, and such a buffer is not kept).
   */
  static ByteBuf inflate(List<byte[]> batch) {
    long size = 0;
    for (byte[] part : batch) size += RenderedState.textSize(part);
    ByteBuf out = size <= BATCH ? FREE.poll() : null;
    if (out == null) out = Unpooled.directBuffer((int) Math.max(size, BATCH));
    try {
      for (byte[] part : batch) GzipMember.inflateInto(part, out);
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
    LIVE.incrementAndGet();
    return out;
  }
}
