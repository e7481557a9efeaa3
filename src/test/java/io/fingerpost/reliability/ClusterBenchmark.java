package io.fingerpost.reliability;

import static io.fingerpost.Waits.waitUntil;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench/cluster.sh [RUNS] [PUSHES]}: issue 15's figures on this machine, with the members as child
 * JVMs on loopback and one PostgreSQL ({@link ClusterRig}).
 *
 * <ul>
 *   <li>Failover, RUNS times (default 10): a notification is queued (the receiver answers 503 until the
 *       kill), the member holding the feed and the receiver is killed with SIGKILL, and the times from the
 *       kill (database clock) to the next successful poll ({@code feed_status.last_success}) and to the
 *       queued notification's delivery ({@code outbox.delivered_at}) are taken from the database; the
 *       killed member is started again before the next run.</li>
 *   <li>First, push throughput: PUSHES single-row pushes (default 400, 8 client threads) all through one member,
 *       then spread round-robin over three; the ratio of the two is the figure.</li>
 * </ul>
 */
public final class ClusterBenchmark {
  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    Path dir = Files.createTempDirectory("fingerpost-cluster-bench");
    try (ClusterRig rig = new ClusterRig(dir, 3, "3s")) {
      List<ChildService> members = new ArrayList<>(List.of(rig.start(0), rig.start(1), rig.start(2)));
      for (ChildService m : members) {
        m.awaitReady(Duration.ofSeconds(300));
      }
      waitUntil("the feed's first poll", Duration.ofSeconds(180), () -> rig.count(
          "SELECT count(*) FROM feed_status WHERE feed = 'life-expectancy' AND first_success IS NOT NULL") == 1);

      List<ChildService> live = members.stream().filter(m -> m.process.isAlive()).toList();
      double one = throughput(rig, List.of(live.get(0)), pushes, 1800);
      double three = throughput(rig, live, pushes, 1800 + 1);
      System.out.printf(Locale.ROOT, "push throughput, %d single-row pushes, 8 client threads:%n", pushes);
      System.out.printf(Locale.ROOT, "  through 1 member: %.1f pushes/s (reference 1.00)%n", one);
      System.out.printf(Locale.ROOT, "  spread over %d members: %.1f pushes/s (%.2f x)%n", live.size(), three,
          three / one);
      System.out.println("  (" + Runtime.getRuntime().availableProcessors() + " cores for every member JVM,"
          + " PostgreSQL and this client: the figure shows the cost of spreading, not a scale-out)");

      double[] poll = new double[runs];
      double[] delivery = new double[runs];
      for (int run = 0; run < runs; run++) {
        ChildService any = members.stream().filter(m -> m.process.isAlive()).findFirst().orElseThrow();
        waitUntil("feed and receiver held", Duration.ofSeconds(60), () ->
            rig.holder(any, "feed:" + ClusterRig.FEED) != null && rig.holder(any, "receiver:" + ClusterRig.RECEIVER) != null);
        ChildService holder = rig.holder(any, "feed:" + ClusterRig.FEED);
        ChildService receiverHolder = rig.holder(any, "receiver:" + ClusterRig.RECEIVER);
        ChildService via = members.stream().filter(m -> m != holder && m != receiverHolder && m.process.isAlive())
            .findFirst().orElseThrow();
        rig.failing = true;
        String period = (2040 + run) + " - " + (42 + run);
        // alternately off track and well on track, so every run fires or resolves an alert: one notification
        HttpResponse<String> r = rig.push(via, "Male", period, run % 2 == 0 ? 70.0 : 90.0);
        if (r.statusCode() != 200) {
          throw new AssertionError(r.body());
        }
        waitUntil("run " + run + ": a notification queued and tried", Duration.ofSeconds(60), () -> rig.count(
            "SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts >= 1") >= 1);
        Object killedAt = rig.query("SELECT now() AS t").get(0).get("t");
        holder.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (receiverHolder != holder) {
          receiverHolder.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        rig.failing = false;
        waitUntil("run " + run + ": the next poll", Duration.ofSeconds(120), () -> rig.count(
            "SELECT count(*) FROM feed_status WHERE feed = 'life-expectancy' AND last_success > '" + killedAt + "'") == 1);
        rig.awaitOutboxDrained(Duration.ofSeconds(120));
        poll[run] = seconds(rig, "SELECT extract(epoch FROM last_success - '" + killedAt
            + "'::timestamptz) FROM feed_status WHERE feed = 'life-expectancy'");
        delivery[run] = seconds(rig, "SELECT extract(epoch FROM max(delivered_at) - '" + killedAt
            + "'::timestamptz) FROM outbox");
        System.out.printf(Locale.ROOT, "run %d: kill -> next poll %.2f s, -> next delivery %.2f s%n", run + 1,
            poll[run], delivery[run]);
        for (ChildService killed : List.of(holder, receiverHolder)) {
          int index = members.indexOf(killed);
          if (index >= 0 && !killed.process.isAlive()) {
            ChildService again = rig.restart(index);
            members.set(index, again);
            again.awaitReady(Duration.ofSeconds(300));
          }
        }
      }
      System.out.printf(Locale.ROOT, "failover over %d runs (lease timeout 3 s, renewal every 1 s):%n", runs);
      System.out.println("  kill -> next successful poll: " + summary(poll));
      System.out.println("  kill -> next delivery:        " + summary(delivery));

    }
  }

  private static double seconds(ClusterRig rig, String sql) throws Exception {
    return ((Number) rig.query(sql).get(0).values().iterator().next()).doubleValue();
  }

  /** Pushes per second, each push one row of its own period, round-robin over {@code via}. */
  private static double throughput(ClusterRig rig, List<ChildService> via, int pushes, int firstYear)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger next = new AtomicInteger();
    String age = "bench-" + via.size();
    try {
      long t0 = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < pushes; i = next.getAndIncrement()) {
            ChildService m = via.get(i % via.size());
            String body = "[{\"indicatorId\": \"90366\", \"areaCode\": \"E08000027\", \"sex\": \"Persons\", \"age\": \""
                + age + "\", \"period\": \"" + (firstYear + (i % 390)) + "\", \"value\": " + (50 + i % 7) + "}]";
            HttpResponse<String> r = m.post("/api/observations", ClusterRig.TOKEN, body);
            if (r.statusCode() != 200) {
              throw new IllegalStateException(r.statusCode() + " " + r.body());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
      return pushes / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String summary(double[] xs) {
    double[] s = xs.clone();
    java.util.Arrays.sort(s);
    double mean = java.util.Arrays.stream(s).average().orElse(Double.NaN);
    return String.format(Locale.ROOT, "min %.2f s, median %.2f s, mean %.2f s, max %.2f s", s[0],
        s[s.length / 2], mean, s[s.length - 1]);
  }
}
