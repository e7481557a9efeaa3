package io.fingerpost.api;

import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.event.TargetsEvaluated;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The hot read endpoints served from memory: the JSON answer of a GET, keyed by its full normalized request
 * (path and sorted, validated query), kept until an event says the data behind it may have changed. Any
 * such event ({@code fingerpost.series.changed}, {@code fingerpost.evaluations.created},
 * {@code fingerpost.targets.evaluated}, {@code fingerpost.feed.status} but for a poll that found its source
 * unchanged) clears every entry: coarse, so an answer is never older than the last change the API has heard of.
 *
 * <p>A read that began before an invalidation is not stored (the generation it began in has passed), so a
 * slow read of old rows cannot land in the cache after the event that made them old. A request with
 * {@code Cache-Control: no-cache} reads the database and leaves the cache as it is. Every JSON answer written by
 * {@link ApiJson#reply} carries a strong ETag (SHA-256 of the body); a matching {@code If-None-Match} gets
 * 304 with no body. The bookkeeping runs on the API verticle's event loop (no locks); what grows with an
 * answer's size runs on a worker ({@link Answer#of}): the encoding, the ETag's hash and the gzip, made once per
 * answer and served as they are (a large body sits in direct memory, so the transport writes it without a copy
 * on the event loop; a client that accepts gzip gets the stored gzip, which the server's compressor passes
 * through).
 */
public final class ApiCache {
  /** The GET routes served from memory (each also described in openapi.yaml, so the gate stays in front). */
  static final List<String> PATHS = List.of("/api/targets", "/api/targets/:id", "/api/series/:id/observations",
      "/api/observations", "/api/places", "/api/compare");
  /** Entries kept at most; a full cache is cleared (the key space, e.g. query filters, is open). */
  static final int MAX_ENTRIES = 10_000;
  private static final String HOOK = "fingerpost.cache.store";
  private static final String RELEASE = "fingerpost.cache.release";

  private final boolean enabled;
  private final Map<String, Answer> entries = new HashMap<>();
  /**
   * Requests waiting for the answer a read under way will give, by key (reads begun in this generation only):
   * clients that miss together share one read instead of each building the same answer. Without this, 32 clients
   * after an event each read and serialised the whole target list at once (bench-national, 1,690 targets: 21
   * req/s), each read slow enough that the next event came before any could be stored.
   */
  private final Map<String, List<RoutingContext>> inFlight = new HashMap<>();
  private long generation;

  /** Bodies from this size are kept in direct memory (written by the transport without a copy). */
  static final int DIRECT_FROM = 64 * 1024;
  /** Bodies from this size are gzipped once, on a worker; smaller ones are left to the server's compressor. */
  static final int GZIP_FROM = 1024;

  /**
   * One encoded answer: the body, its ETag (200 answers only) and, for a body of {@link #GZIP_FROM} bytes or
   * more, its gzip; made off the event loop.
   */
  public record Answer(Buffer body, String etag, Buffer gzip) {
    /** Hashes and compresses an encoded body; call on a worker (its cost grows with the body). */
    static Answer of(Buffer body, boolean ok) {
      if (!ok) {
        return new Answer(body, null, null);
      }
      byte[] bytes = body.getBytes();
      Buffer gzip = bytes.length >= GZIP_FROM ? direct(ApiCache.gzip(bytes)) : null;
      return new Answer(bytes.length >= DIRECT_FROM ? direct(bytes) : body, ApiCache.etag(bytes), gzip);
    }
  }

  public ApiCache(boolean enabled) {
    this.enabled = enabled;
  }

  /** Clears the cache on every event that can change what a cached path answers; completes when listening. */
  public Future<Void> listen(Vertx vertx) {
    List<Future<Void>> ready = new ArrayList<>();
    ready.add(Events.consumer(vertx, SeriesChanged.ADDRESS, e -> invalidate()).completion());
    ready.add(Events.consumer(vertx, EvaluationsCreated.ADDRESS, e -> invalidate()).completion());
    ready.add(Events.consumer(vertx, TargetsEvaluated.ADDRESS, e -> invalidate()).completion());
    // a poll that found its source unchanged read and wrote nothing: at national scale (hundreds of feeds) such
    // polls come every few milliseconds, and clearing on each left the cache empty under load
    ready.add(Events.consumer(vertx, FeedStatus.ADDRESS, e -> {
      if (!e.unchanged()) {
        invalidate();
      }
    }).completion());
    return Future.all(ready).mapEmpty();
  }

  /** Forgets every entry, and every read under way. */
  void invalidate() {
    generation++;
    entries.clear();
    inFlight.clear(); // later requests read anew; those already waiting keep the read they joined
  }

  int size() {
    return entries.size();
  }

  /** Mounts the cache on the hot paths; call after the gate and before the handlers that answer them. */
  void mount(Router router) {
    if (enabled) {
      PATHS.forEach(p -> router.get(p).handler(this::serve));
    }
  }

  private void serve(RoutingContext ctx) {
    String key = key(ctx);
    String cacheControl = ctx.request().getHeader(HttpHeaders.CACHE_CONTROL);
    boolean fresh = cacheControl != null && cacheControl.toLowerCase(java.util.Locale.ROOT).contains("no-cache");
    if (fresh) {
      ctx.response().putHeader("X-Cache", "bypass");
      ctx.next();
      return;
    }
    Answer hit = entries.get(key);
    if (hit != null) {
      ctx.response().putHeader("X-Cache", "hit");
      send(ctx, 200, hit);
      return;
    }
    List<RoutingContext> joined = inFlight.get(key);
    if (joined != null) {
      ctx.response().putHeader("X-Cache", "shared");
      joined.add(ctx);
      return;
    }
    List<RoutingContext> waiting = new ArrayList<>();
    inFlight.put(key, waiting);
    long started = generation;
    // ApiJson.reply hands the answer back here before writing it
    ctx.put(HOOK, (Store) (status, answer) -> {
      inFlight.remove(key, waiting);
      if (status != 200) {
        return; // the waiting requests read for themselves (below)
      }
      if (started == generation) {
        if (entries.size() >= MAX_ENTRIES) {
          entries.clear();
        }
        entries.put(key, answer);
      }
      waiting.forEach(w -> send(w, 200, answer));
      waiting.clear();
    });
    // The read goes on whatever its own client does: when that client gives up (wrk's 2 s timeout, a closed tab)
    // the others keep waiting for the same read, which still answers them (or releases them, below). Before, each
    // of them started a read of its own: at 16,900 targets eight whole-list reads at once held every pool
    // connection and both cores, and /health fell to 43 req/s (bench-national --scale 1, issue 14).
    ctx.put(RELEASE, (Runnable) () -> release(ctx, key, waiting));
    ctx.addEndHandler(ar -> {
      if (ctx.response().ended()) {
        release(ctx, key, waiting);
      }
    });
    ctx.response().putHeader("X-Cache", "miss");
    ctx.next();
  }

  /**
   * The read answered something not shared, or failed: every waiting request goes on to read for itself, but for a
   * read that failed as a 503 (the database away, or the pool busy for its whole wait) each reading again would only
   * add to the load that made the first one wait, so they get its answer. Runs once (the list is emptied).
   */
  private void release(RoutingContext ctx, String key, List<RoutingContext> waiting) {
    inFlight.remove(key, waiting);
    List<RoutingContext> rest = List.copyOf(waiting);
    waiting.clear();
    if (ctx.failed() && ctx.response().getStatusCode() == 503) {
      String retryAfter = ctx.response().headers().get("Retry-After");
      rest.forEach(w -> {
        w.response().putHeader("Retry-After", retryAfter == null ? "1" : retryAfter);
        Problem.send(w, 503, "the service is unavailable; retry later");
      });
    } else {
      rest.forEach(RoutingContext::next);
    }
  }

  /**
   * Called by {@link Problem#send} once a request's problem is written (a 404 written by a handler, or any failure
   * through {@link ProblemFailureHandler}): releases those waiting on its read. The end handler alone missed a read
   * whose client had gone: its response closed unended, so a 404 that came after left the waiting requests hanging.
   */
  static void released(RoutingContext ctx) {
    Runnable hook = ctx.get(RELEASE);
    if (hook != null) {
      hook.run();
    }
  }

  /** The normalized request: path, then the query parameters sorted by name (values in their order). */
  static String key(RoutingContext ctx) {
    StringBuilder b = new StringBuilder(ctx.normalizedPath());
    List<String> names = new ArrayList<>(ctx.queryParams().names());
    names.sort(null);
    char sep = '?';
    for (String n : names) {
      for (String v : ctx.queryParams().getAll(n)) {
        b.append(sep).append(n).append('=').append(v);
        sep = '&';
      }
    }
    return b.toString();
  }

  private interface Store {
    void store(int status, Answer answer);
  }

  /**
   * Writes a JSON answer with its ETag, 304 with no body when the client has it; a cacheable request's
   * answer is stored first.
   */
  static void reply(RoutingContext ctx, int status, Answer answer) {
    Store store = ctx.get(HOOK);
    if (store != null) {
      store.store(status, answer);
    }
    send(ctx, status, answer);
  }

  private static void send(RoutingContext ctx, int status, Answer answer) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return; // the client left while the answer was made
    }
    HttpServerResponse response = ctx.response().putHeader("Content-Type", "application/json");
    String etag = answer.etag();
    if (etag != null) {
      response.putHeader(HttpHeaders.ETAG, etag);
      // 304 only answers a read (RFC 9110: a failed If-None-Match on another method is a 412, never a 304)
      if (ctx.request().method() == HttpMethod.GET
          && matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
        response.setStatusCode(304).end();
        return;
      }
    }
    if (answer.gzip() != null && acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
      // a Content-Encoding already set makes the server's compressor pass the body through as it is
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").putHeader(HttpHeaders.VARY, "Accept-Encoding")
          .setStatusCode(status).end(answer.gzip());
      return;
    }
    response.setStatusCode(status).end(answer.body());
  }

  /** Accept-Encoding names gzip (or *) without q=0. */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.trim().split(";");
      String coding = p[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (coding.equals("gzip") || coding.equals("*")) {
        for (int i = 1; i < p.length; i++) {
          String q = p[i].trim().replace(" ", "");
          if (q.startsWith("q=") && q.substring(2).matches("0(\\.0*)?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  /** If-None-Match: "*" or a list of tags (weak comparison, as RFC 9110 asks for GET). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** A strong validator: the SHA-256 of the body. */
  static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return '"' + HexFormat.of().formatHex(d, 0, 16) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(byte[] bytes) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length / 8 + 64);
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 64 * 1024)) {
      gz.write(bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The bytes in a JDK direct buffer (freed by the collector once unreferenced): Vert.x hands the transport an
   * unreleasable slice of it per write, so every client shares the one copy.
   */
  private static Buffer direct(byte[] bytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    return io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(b));
  }
}
