package io.fingerpost.reliability;

import static io.fingerpost.Waits.waitUntil;

import io.fingerpost.ServiceConfigs;
import io.fingerpost.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cluster members as child JVMs on loopback (issue 15), all on one real PostgreSQL (the test JVM's embedded
 * server, which the members reach as an external database), the bundled life-expectancy feed and Dudley
 * targets, and a webhook receiver on 127.0.0.1 that records every request with its Idempotency-Key and can
 * be told to fail (503). Used by {@code ClusterTest} and the failover benchmark ({@code bench/cluster.sh}).
 */
final class ClusterRig implements AutoCloseable {
  static final String TOKEN = "cluster-token";
  static final String FEED = "life-expectancy";
  static final String RECEIVER = "public-health";

  /** One request the receiver got: its Idempotency-Key, the status it answered, its body. */
  record Hit(String key, int status, String body) {}

  final Path dir;
  final TestDatabase.Db db = TestDatabase.newDatabase();
  final List<Hit> hits = new CopyOnWriteArrayList<>();
  volatile boolean failing;
  private final com.sun.net.httpserver.HttpServer hook;
  private final Path config;
  private final int[] clusterPorts;
  final List<ChildService> members = new ArrayList<>();

  ClusterRig(Path dir, int size, String leaseTimeout) throws Exception {
    this.dir = dir;
    hook = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/alerts", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int status = failing ? 503 : 200;
      hits.add(new Hit(ex.getRequestHeaders().getFirst("Idempotency-Key"), status, body));
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    hook.start();
    Path base = ServiceConfigs.lifeExpectancyWithWebhook(dir, TOKEN,
        "http://127.0.0.1:" + hook.getAddress().getPort() + "/alerts");
    config = dir.resolve("cluster.yaml");
    Files.writeString(config, Files.readString(base) + "cluster:\n  leaseTimeout: " + leaseTimeout + "\n");
    clusterPorts = new int[size];
    for (int i = 0; i < size; i++) {
      clusterPorts[i] = ChildService.freePort();
    }
  }

  /** Starts member {@code i} (0-based) with {@code --cluster} and the member list in the environment. */
  ChildService start(int i) throws Exception {
    List<String> list = new ArrayList<>();
    for (int p : clusterPorts) {
      list.add("127.0.0.1:" + p);
    }
    ChildService m = ChildService.start(dir, "member" + i, List.of("--config", config.toString(), "--cluster"),
        Map.of("FINGERPOST_DATABASE_URL", db.url(), "FINGERPOST_CLUSTER_MEMBERS", String.join(",", list),
            "FINGERPOST_CLUSTER_PORT", String.valueOf(clusterPorts[i])), ChildService.freePort());
    members.add(m);
    return m;
  }

  /** Starts member {@code i} again (after it was killed), on its cluster port, as a new process. */
  ChildService restart(int i) throws Exception {
    restarts++;
    List<String> list = new ArrayList<>();
    for (int p : clusterPorts) {
      list.add("127.0.0.1:" + p);
    }
    ChildService m = ChildService.start(dir, "member" + i + "-" + restarts, List.of("--config", config.toString(),
        "--cluster"), Map.of("FINGERPOST_DATABASE_URL", db.url(), "FINGERPOST_CLUSTER_MEMBERS", String.join(",", list),
        "FINGERPOST_CLUSTER_PORT", String.valueOf(clusterPorts[i])), ChildService.freePort());
    members.add(m);
    return m;
  }

  private int restarts;

  /** GET /api/cluster of a member. */
  static JsonObject view(ChildService m) throws Exception {
    HttpResponse<String> r = m.get("/api/cluster", null);
    if (r.statusCode() != 200) {
      throw new AssertionError("/api/cluster: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** The member (by its API port) holding an unexpired lease, per a live member's view; null if none. */
  ChildService holder(ChildService asked, String lease) throws Exception {
    JsonObject v = view(asked);
    String holder = null;
    for (Object o : v.getJsonArray("leases")) {
      JsonObject l = (JsonObject) o;
      if (l.getString("name").equals(lease) && !l.getBoolean("expired")) {
        holder = l.getString("holder");
      }
    }
    for (Object o : v.getJsonArray("members")) {
      JsonObject m = (JsonObject) o;
      if (m.getString("id").equals(holder)) {
        String url = m.getString("httpUrl");
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        return members.stream().filter(c -> c.port == port).findFirst().orElse(null);
      }
    }
    return null;
  }

  HttpResponse<String> push(ChildService via, String sex, String period, double value) throws Exception {
    return via.post("/api/observations", TOKEN, "[{\"indicatorId\": \"90366\", \"areaCode\": \"E08000027\", \"sex\": \""
        + sex + "\", \"age\": \"<1 yr\", \"period\": \"" + period + "\", \"value\": " + value + "}]");
  }

  /** Rows of a query on the shared database, each as column → value. */
  List<Map<String, Object>> query(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      List<Map<String, Object>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int k = 1; k <= rs.getMetaData().getColumnCount(); k++) {
          row.put(rs.getMetaData().getColumnLabel(k), rs.getObject(k));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  long count(String sql) throws Exception {
    return ((Number) query(sql).get(0).values().iterator().next()).longValue();
  }

  /** The newest outbox row's id (0 when empty). */
  long lastOutboxId() throws Exception {
    return count("SELECT coalesce(max(id), 0) FROM outbox");
  }

  /** Outbox rows queued after row {@code id}; with {@code tried}, only those pending after an attempt. */
  long queuedAfter(long id, boolean tried) throws Exception {
    return count("SELECT count(*) FROM outbox WHERE id > " + id
        + (tried ? " AND status = 'pending' AND attempts >= 1" : ""));
  }

  /** Waits until the outbox has no pending row (every notification delivered or given up). */
  void awaitOutboxDrained(Duration max) throws Exception {
    waitUntil("the outbox delivered", max,
        () -> count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0);
  }

  /** Idempotency keys the receiver acknowledged (200), with how many times each. */
  Map<String, Integer> acknowledged() {
    Map<String, Integer> n = new HashMap<>();
    for (Hit h : hits) {
      if (h.status() == 200) {
        n.merge(h.key(), 1, Integer::sum);
      }
    }
    return n;
  }

  /** Evaluation rows of a target at a period. */
  long evaluations(String target, String period) throws Exception {
    return count("SELECT count(*) FROM evaluation WHERE target_id = '" + target + "' AND period = '" + period + "'");
  }

  static boolean rated(ChildService s, String target) throws Exception {
    HttpResponse<String> r = s.get("/api/targets/" + target, null);
    return r.statusCode() == 200 && new JsonObject(r.body()).getLong("evaluationId") != null;
  }

  static JsonArray feeds(JsonObject member) {
    return member.getJsonArray("feeds");
  }

  /** SIGSTOP / SIGCONT by pid. */
  static void signal(ChildService m, String sig) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, String.valueOf(m.process.pid())).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new AssertionError("kill -" + sig + " failed");
    }
  }

  @Override
  public void close() throws Exception {
    for (ChildService m : members) {
      try {
        if (m.process.isAlive()) {
          signal(m, "CONT"); // a paused member cannot stop
        }
        m.close();
        Files.copy(m.log, Path.of("target", "ClusterTest-" + m.log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (Exception e) {
        // keep stopping the others
      }
    }
    hook.stop(0);
  }
}
