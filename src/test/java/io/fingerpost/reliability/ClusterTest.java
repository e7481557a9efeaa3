package io.fingerpost.reliability;

import static io.fingerpost.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 with real processes: three members (child JVMs, {@code --cluster}, Hazelcast on loopback) on one
 * PostgreSQL, a webhook receiver counting notifications by Idempotency-Key. The feed is held by one member;
 * a push through a member that holds nothing is evaluated and alerted once; kill -9 of the member holding
 * the feed and the receiver while a notification is queued: a survivor takes both over, polls, and every
 * notification reaches the receiver exactly once. Then the partition: the receiver's holder is paused
 * (SIGSTOP) past its lease, the other survivor takes over and delivers, and once resumed (SIGCONT) the
 * paused member sees its lease lost and delivers nothing.
 */
class ClusterTest {
  static final String LEASE_TIMEOUT = "3s";

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // three JVMs start one after another: ~2.5 min alone, more on a busy machine
  void failoverAndPartitionDeliverEveryNotificationOnce() throws Exception {
    try (ClusterRig rig = new ClusterRig(dir, 3, LEASE_TIMEOUT)) {
      ChildService a = rig.start(0);
      a.awaitReady(Duration.ofSeconds(180));
      ChildService b = rig.start(1);
      ChildService c = rig.start(2);
      b.awaitReady(Duration.ofSeconds(180));
      c.awaitReady(Duration.ofSeconds(180));
      waitUntil("three members in the cluster, feed and receiver held", Duration.ofSeconds(120), () -> {
        JsonObject v = ClusterRig.view(a);
        long in = v.getJsonArray("members").stream().filter(m -> ((JsonObject) m).getBoolean("inCluster")).count();
        return in == 3 && rig.holder(a, "feed:" + ClusterRig.FEED) != null
            && rig.holder(a, "receiver:" + ClusterRig.RECEIVER) != null;
      });
      waitUntil("the feed's first poll stored and evaluated", Duration.ofSeconds(120),
          () -> rig.count("SELECT count(*) FROM feed_status WHERE feed = 'life-expectancy' AND first_success IS NOT NULL") == 1
              && ClusterRig.rated(a, "le-birth-male"));

      // held once: one member lists the feed, in every member's view
      for (ChildService m : List.of(a, b, c)) {
        JsonObject v = ClusterRig.view(m);
        long holders = v.getJsonArray("members").stream()
            .filter(x -> ClusterRig.feeds((JsonObject) x).contains(ClusterRig.FEED)).count();
        assertEquals(1, holders, "one holder of the feed: " + v.encodePrettily());
      }
      ChildService feedHolder = rig.holder(a, "feed:" + ClusterRig.FEED);
      ChildService receiverHolder = rig.holder(a, "receiver:" + ClusterRig.RECEIVER);
      ChildService other = List.of(a, b, c).stream().filter(m -> m != feedHolder && m != receiverHolder)
          .findFirst().orElseThrow();

      // a push through a member that holds nothing: evaluated once, alerted once, delivered
      assertEquals(200, rig.push(other, "Male", "2024 - 26", 78.0).statusCode());
      waitUntil("the male push notified", Duration.ofSeconds(120), () -> rig.hits.stream()
          .anyMatch(h -> h.status() == 200 && h.body().contains("le-birth-male")));

      // a notification queued (the receiver fails), then kill -9 of the feed's and the receiver's holder
      rig.failing = true;
      long beforeFemale = rig.lastOutboxId();
      assertEquals(200, rig.push(other, "Female", "2024 - 26", 79.0).statusCode());
      waitUntil("the female notification queued and tried", Duration.ofSeconds(120),
          () -> rig.queuedAfter(beforeFemale, true) >= 1);
      Object killedAt = rig.query("SELECT now() AS t").get(0).get("t");
      feedHolder.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
      if (receiverHolder != feedHolder) {
        receiverHolder.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      rig.failing = false;
      waitUntil("a survivor polls the feed after the kill", Duration.ofSeconds(120), () -> rig.count(
          "SELECT count(*) FROM feed_status WHERE feed = 'life-expectancy' AND last_success > '" + killedAt + "'") == 1);
      rig.awaitOutboxDrained(Duration.ofSeconds(120));
      ChildService newFeedHolder = rig.holder(other, "feed:" + ClusterRig.FEED);
      assertNotNull(newFeedHolder);
      assertNotEquals(feedHolder, newFeedHolder);

      // a push through the other survivor after the failover
      List<ChildService> survivors = new ArrayList<>(List.of(a, b, c));
      survivors.removeIf(m -> !m.process.isAlive());
      ChildService via = survivors.get(survivors.size() - 1);
      long last = rig.lastOutboxId();
      assertEquals(200, rig.push(via, "Male", "2025 - 27", 85.0).statusCode());
      waitUntil("the 2025 - 27 push notified", Duration.ofSeconds(120), () -> rig.queuedAfter(last, false) >= 1);
      rig.awaitOutboxDrained(Duration.ofSeconds(120));

      // partition: the receiver's holder paused past its lease while a notification is queued
      ChildService paused = rig.holder(via, "receiver:" + ClusterRig.RECEIVER);
      assertNotNull(paused);
      ChildService taker = survivors.stream().filter(m -> m != paused).findFirst().orElseThrow();
      rig.failing = true;
      long beforePause = rig.lastOutboxId();
      assertEquals(200, rig.push(taker, "Male", "2026 - 28", 76.0).statusCode());
      waitUntil("the 2026 - 28 notification queued and tried by the holder", Duration.ofSeconds(120),
          () -> rig.queuedAfter(beforePause, true) >= 1);
      ClusterRig.signal(paused, "STOP");
      try {
        waitUntil("the other survivor takes the receiver over", Duration.ofSeconds(120),
            () -> rig.holder(taker, "receiver:" + ClusterRig.RECEIVER) == taker);
        rig.failing = false;
        rig.awaitOutboxDrained(Duration.ofSeconds(120));
      } finally {
        ClusterRig.signal(paused, "CONT");
      }
      waitUntil("the resumed member sees its lease lost", Duration.ofSeconds(30),
          () -> paused.output().contains("Lost lease receiver:" + ClusterRig.RECEIVER));
      long beforeResumedPush = rig.lastOutboxId();
      assertEquals(200, rig.push(paused, "Male", "2027 - 29", 86.0).statusCode());
      waitUntil("the 2027 - 29 push notified", Duration.ofSeconds(120),
          () -> rig.queuedAfter(beforeResumedPush, false) >= 1);
      Thread.sleep(2000); // let a stale member act, if it were going to
      rig.awaitOutboxDrained(Duration.ofSeconds(120));

      // exactly once: every outbox row delivered, each key acknowledged once at the receiver
      List<Map<String, Object>> outbox = rig.query("SELECT idempotency_key::text AS k, status FROM outbox");
      Set<String> keys = new HashSet<>();
      for (Map<String, Object> row : outbox) {
        assertEquals("delivered", row.get("status"), "outbox " + row);
        keys.add((String) row.get("k"));
      }
      Map<String, Integer> acked = rig.acknowledged();
      assertEquals(keys, acked.keySet(), "the receiver acknowledged every notification, and nothing else");
      assertEquals(Set.of(1), new HashSet<>(acked.values()), "no notification acknowledged twice: " + acked);
      assertTrue(keys.size() >= 4, "notifications: " + keys.size());
      // evaluated once, alerted once
      for (String period : List.of("2024 - 26", "2025 - 27", "2026 - 28", "2027 - 29")) {
        assertEquals(1, rig.evaluations("le-birth-male", period), "le-birth-male " + period);
      }
      assertEquals(1, rig.evaluations("le-birth-female", "2024 - 26"));
      assertEquals(0, rig.count("SELECT count(*) FROM (SELECT evaluation_id, fingerprint FROM alert_transition"
          + " WHERE evaluation_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) d"), "a transition written twice");
      // the feed was read once (its first poll); the taker found the source unchanged
      long reads = 0;
      for (ChildService m : rig.members) {
        reads += m.output().lines().filter(l -> l.contains("Feed life-expectancy: read ")).count();
      }
      assertEquals(1, reads, "one read of the feed in the whole cluster");
      String pausedLog = Files.readString(paused.log);
      assertTrue(pausedLog.contains("Lost lease receiver:" + ClusterRig.RECEIVER), pausedLog);
      Set<String> holdersNow = rig.query("SELECT DISTINCT holder FROM cluster_lease").stream()
          .map(r -> (String) r.get("holder")).collect(Collectors.toSet());
      assertTrue(holdersNow.size() >= 1);
    }
  }

  @Test
  void clusterWithoutAnExternalDatabaseStopsStartUp() throws Exception {
    ChildService s = ChildService.start(dir, "alone", List.of("--cluster"), Map.of(), ChildService.freePort());
    assertTrue(s.process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, s.process.exitValue());
    assertTrue(s.stderr().contains("needs an external PostgreSQL"), s.stderr());
    ChildService bad = ChildService.start(dir, "badmembers", List.of("--cluster"),
        Map.of("FINGERPOST_CLUSTER_MEMBERS", "127.0.0.1:5701,nonsense"), ChildService.freePort());
    assertTrue(bad.process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, bad.process.exitValue());
    assertTrue(bad.stderr().contains("FINGERPOST_CLUSTER_MEMBERS: 'nonsense' is not host:port"), bad.stderr());
  }
}
