package io.fingerpost.feed.fingertips;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.IndicatorConfig;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/fingertips-api.sh [N]}: a {@code fingertips-api} feed of N indicators (default 200) against the
 * local API ({@link FingertipsApiServer}, the real export under N ids), real database. In one run: the first
 * load, a poll where nothing changed (data-change dates as before: no data requested), and a poll where every
 * indicator's upload date moved and the server ignores validators (all N exports downloaded and chunk-compared,
 * nothing new to write). Prints requests, bytes and wall time of each, and the unchanged poll as a ratio of the
 * download-all poll.
 */
public final class FingertipsApiBenchmark {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    System.setProperty("fingerpost.fingertips.backoffMs", "50");
    Vertx vertx = Vertx.vertx();
    TestDatabase.Db db = TestDatabase.newDatabase();
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    FingertipsApiServer api = new FingertipsApiServer(vertx);
    List<IndicatorConfig> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(IndicatorConfig.ofId(String.valueOf(91000 + i)));
    }
    List<FeedStatus> statuses = new CopyOnWriteArrayList<>();
    Events.consumer(vertx, FeedStatus.ADDRESS, statuses::add);
    FeedConfig config = new FeedConfig("bench", FeedConfig.FINGERTIPS_API, null, true, Duration.ofMillis(200),
        Duration.ofMinutes(2), null, ids, null, null, api.baseUrl(), null, null, List.of(FingertipsApiServer.CHILD),
        FingertipsApiServer.PARENT, 2);
    String dep = vertx.deployVerticle(new FingertipsApiFeed(config, new ObservationStore(vertx, database.pool()),
        new FeedStatusStore(database.pool()))).await(60, TimeUnit.SECONDS);
    long[] first = measure(api, statuses, 1, null);
    long[] unchanged = measure(api, statuses, 2, null);
    long[] all = measure(api, statuses, 3, () -> {
      api.ignoreValidators = true;
      for (IndicatorConfig ic : ids) {
        api.uploadedAt.put(ic.id(), "2025-06-01T12:00:00.000");
      }
    });
    System.out.printf("fingertips-api poll of %d indicators (concurrency 2, local API, real database)%n", n);
    System.out.printf("  %-34s %9s %12s %10s%n", "poll", "requests", "data bytes", "wall ms");
    print("first load (download + insert)", first);
    print("download all (upload dates moved)", all);
    print("unchanged (dates as before)", unchanged);
    System.out.printf("  unchanged / download-all: wall %.3f, data bytes %.3f, requests %.3f%n",
        (double) unchanged[2] / all[2], (double) unchanged[1] / Math.max(1, all[1]),
        (double) unchanged[0] / all[0]);
    vertx.undeploy(dep).await(60, TimeUnit.SECONDS);
    api.close();
    database.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  /** Requests, data bytes and wall ms of the feed's k-th poll (after {@code before} runs, if any). */
  static long[] measure(FingertipsApiServer api, List<FeedStatus> statuses, int k, Runnable before)
      throws Exception {
    while (statuses.size() < k - 1) {
      Thread.sleep(5);
    }
    if (before != null) {
      before.run();
    }
    int requests = api.seen.size();
    long bytes = api.dataBytes.get();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (statuses.size() < k) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("poll " + k + " did not finish within 30 minutes");
      }
      Thread.sleep(5);
    }
    FeedStatus s = statuses.get(k - 1);
    if (!s.ok()) {
      throw new IllegalStateException("poll " + k + " failed: " + s.lastError());
    }
    return new long[] {api.seen.size() - requests, api.dataBytes.get() - bytes, s.read().durationMs()};
  }

  static void print(String name, long[] m) {
    System.out.printf("  %-34s %9d %12d %10d%n", name, m[0], m[1], m[2]);
  }
}
