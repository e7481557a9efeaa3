package io.fingerpost.feed.fingertips;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A polite HTTP client of a public API (the classic Fingertips API; any other API source can use it): at most
 * {@code concurrency} requests in flight (default 2; the others wait in order), a timeout on each request, retries
 * of 5xx answers, timeouts and broken connections with exponential backoff and full jitter (AWS Architecture
 * Blog, "Exponential Backoff And Jitter"), {@code Retry-After} (seconds or an HTTP date) honoured on 429 and
 * 503, and a {@code User-Agent} naming Fingerpost and its version. Bodies are either read whole (small JSON and
 * metadata answers) or streamed to a file (data), never held whole in memory for data.
 */
public final class FingertipsClient implements AutoCloseable {

  /**
   * @param concurrency requests in flight at most
   * @param timeout limit for one request (connect and the whole answer)
   * @param maxAttempts attempts per request (1: no retry)
   * @param backoff the first retry's base delay (doubling per attempt, with full jitter)
   * @param maxRetryAfter a longer {@code Retry-After} is not waited for: the request fails (the poll retries)
   */
  public record Options(int concurrency, Duration timeout, int maxAttempts, Duration backoff, Duration maxRetryAfter) {
    /** Defaults: 2 in flight, 4 attempts, backoff 1 s (system property {@code fingerpost.fingertips.backoffMs}). */
    public static Options defaults(int concurrency, Duration timeout) {
      return new Options(concurrency, timeout, 4, Duration.ofMillis(Long.getLong("fingerpost.fingertips.backoffMs",
          1000)), Duration.ofMinutes(5));
    }
  }

  /** An answer: 2xx or 304. {@code body} null when it was streamed to a file (or for 304). */
  public record Answer(String url, int status, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  /** A request that failed for good: its URL and status code (null when no HTTP answer came). */
  public static final class RequestFailed extends IOException {
    private final String url;
    private final Integer status;

    public RequestFailed(String url, Integer status, String message, Throwable cause) {
      super(message, cause);
      this.url = url;
      this.status = status;
    }

    public String url() {
      return url;
    }

    public Integer status() {
      return status;
    }
  }

  /** The User-Agent: "Fingerpost/&lt;version&gt;" (the jar's Maven version). */
  public static final String USER_AGENT = "Fingerpost/" + version();

  private final Vertx vertx;
  private final String baseUrl;
  private final Options options;
  private final WebClient web;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  private int inFlight;
  /** Closed (the feed stopped): requests waiting for their turn fail, and none is tried again. */
  private volatile boolean closed;

  public FingertipsClient(Vertx vertx, String baseUrl, Options options) {
    this.vertx = vertx;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.options = options;
    this.web = WebClient.create(vertx, new WebClientOptions().setUserAgent(USER_AGENT)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()))
        .setFollowRedirects(true).setDecompressionSupported(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(options.concurrency()));
  }

  /** The absolute URL of a path below the API root ({@code all_data/csv/by_indicator_id?…}). */
  public String url(String pathAndQuery) {
    return baseUrl + "/" + pathAndQuery;
  }

  /** GETs a small answer whole. {@code headers}: conditional headers etc. (may be null). */
  public Future<Answer> get(String pathAndQuery, MultiMap headers) {
    return attempt(url(pathAndQuery), headers, null, 1);
  }

  /** GETs an answer, streaming a 200's body into {@code file} (replaced); a 304 leaves the file empty. */
  public Future<Answer> download(String pathAndQuery, MultiMap headers, Path file) {
    return attempt(url(pathAndQuery), headers, file, 1);
  }

  /** Cuts the requests in flight and fails those waiting for their turn (no retry). */
  @Override
  public void close() {
    List<Promise<Void>> queued;
    synchronized (this) {
      closed = true;
      queued = new ArrayList<>(waiting);
      waiting.clear();
    }
    web.close();
    queued.forEach(p -> p.tryFail(new IllegalStateException("client closed")));
  }

  private Future<Answer> attempt(String url, MultiMap headers, Path file, int attempt) {
    return acquire().compose(v -> send(url, headers, file).andThen(ar -> release()))
        .transform(ar -> {
          if (ar.succeeded()) {
            HttpResponse<?> r = ar.result().response();
            int status = r.statusCode();
            if (status / 100 == 2 || status == 304) {
              return Future.succeededFuture(new Answer(url, status, r.headers(), ar.result().body()));
            }
            String message = "HTTP " + status + (r.statusMessage() == null ? "" : " " + r.statusMessage())
                + " from " + url;
            boolean retryable = status / 100 == 5 || status == 429 || status == 408;
            if (!retryable || attempt >= options.maxAttempts() || closed) {
              return Future.failedFuture(new RequestFailed(url, status, message, null));
            }
            Long wait = status == 429 || status == 503 ? retryAfterMs(r.getHeader("Retry-After")) : null;
            if (wait != null && wait > options.maxRetryAfter().toMillis()) {
              return Future.failedFuture(new RequestFailed(url, status, message + " (Retry-After "
                  + wait / 1000 + " s is longer than " + options.maxRetryAfter().toSeconds() + " s)", null));
            }
            return later(wait != null ? wait : backoffMs(attempt)).compose(x -> attempt(url, headers, file, attempt + 1));
          }
          Throwable e = ar.cause();
          if (attempt >= options.maxAttempts() || closed) {
            return Future.failedFuture(new RequestFailed(url, null, "no complete answer from " + url + ": "
                + (e.getMessage() == null ? e.toString() : e.getMessage()), e));
          }
          return later(backoffMs(attempt)).compose(x -> attempt(url, headers, file, attempt + 1));
        });
  }

  /** A response and its body (null when streamed). */
  private record Sent(HttpResponse<?> response, Buffer body) {}

  private Future<Sent> send(String url, MultiMap headers, Path file) {
    long timeout = options.timeout().toMillis();
    HttpRequest<Buffer> req = web.getAbs(url).timeout(timeout).putHeader("Accept-Encoding", "gzip");
    if (headers != null) {
      req.putHeaders(headers);
    }
    if (file == null) {
      return req.send().map(r -> new Sent(r, r.body()));
    }
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreate(true)
            .setTruncateExisting(true))
        .compose(f -> req.as(BodyCodec.pipe(f, true)).send().<Sent>map(r -> new Sent(r, null))
            .onFailure(e -> {
              try {
                f.close(); // the pipe closes the file once it began; a request that failed before it did not
              } catch (IllegalStateException closed) {
                // closed by the pipe
              }
            }));
  }

  private long backoffMs(int attempt) {
    long cap = options.backoff().toMillis() << Math.min(20, attempt - 1);
    return options.backoff().toMillis() / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, cap));
  }

  /** Retry-After in ms (RFC 9110 §10.2.3: delay-seconds or an HTTP date); null when absent or unreadable. */
  static Long retryAfterMs(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.matches("[0-9]{1,9}")) {
      return Long.parseLong(v) * 1000;
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Math.max(0, Duration.between(Instant.now(), at).toMillis());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Future<Void> later(long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(Math.max(1, ms), t -> p.complete());
    return p.future();
  }

  private synchronized Future<Void> acquire() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("client closed"));
    }
    if (inFlight < options.concurrency()) {
      inFlight++;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiting.add(p);
    return p.future();
  }

  private void release() {
    Promise<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.complete();
    }
  }

  private static String version() {
    try (var in = FingertipsClient.class.getResourceAsStream(
        "/META-INF/maven/io.fingerpost/fingerpost/pom.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        return p.getProperty("version", "dev");
      }
    } catch (IOException e) {
      // the version is only shown
    }
    String v = FingertipsClient.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
