package io.fingerpost.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} section (issue 15): off by default, so the embedded trial stays one process. When on
 * ({@code enabled: true} or the flag {@code --cluster}) Vert.x starts clustered on Hazelcast and the members
 * share one external PostgreSQL, the system of record; leases in it decide who polls a feed, who delivers
 * to a receiver and who runs the schedules.
 *
 * @param enabled      start clustered
 * @param host         the address this member's Hazelcast and clustered event bus bind and announce
 *                     (default 127.0.0.1; {@code FINGERPOST_CLUSTER_HOST}): an IP address binds that
 *                     interface; a name (a container's host name) is announced, Hazelcast binding every
 *                     interface
 * @param port         this member's Hazelcast port (default 5701; {@code FINGERPOST_CLUSTER_PORT})
 * @param members      the members' {@code host:port} (TCP/IP member list, multicast off;
 *                     {@code FINGERPOST_CLUSTER_MEMBERS}, comma-separated)
 * @param discovery    {@code tcp} (default, the member list) or {@code kubernetes} (Hazelcast's Kubernetes
 *                     discovery: members found through the service named by {@code kubernetesService})
 * @param kubernetesService the headless service whose endpoints are the members (discovery kubernetes)
 * @param leaseTimeout how long a lease (feed, receiver, schedule) lives unless renewed (default 15s); a dead
 *                     member's work is taken over after it, so keep it short but above a GC pause
 */
public record ClusterConfig(Boolean enabled, String host, Integer port, List<String> members, String discovery,
                            String kubernetesService, Duration leaseTimeout) {
  public static final String ENV_MEMBERS = "FINGERPOST_CLUSTER_MEMBERS";
  public static final String ENV_PORT = "FINGERPOST_CLUSTER_PORT";
  public static final String ENV_HOST = "FINGERPOST_CLUSTER_HOST";

  public ClusterConfig {
    members = members == null ? List.of() : List.copyOf(members);
  }

  public static ClusterConfig defaults() {
    return new ClusterConfig(false, null, null, null, null, null, null);
  }

  public boolean on() {
    return Boolean.TRUE.equals(enabled);
  }

  public String hostOrDefault() {
    return host == null || host.isBlank() ? "127.0.0.1" : host;
  }

  public int portOrDefault() {
    return port == null ? 5701 : port;
  }

  public boolean kubernetes() {
    return "kubernetes".equals(discovery);
  }

  public Duration leaseTimeoutOrDefault() {
    return leaseTimeout == null ? Duration.ofSeconds(15) : leaseTimeout;
  }

  /** This section switched on (the {@code --cluster} flag). */
  public ClusterConfig switchedOn() {
    return new ClusterConfig(true, host, port, members, discovery, kubernetesService, leaseTimeout);
  }

  /**
   * This section with {@code FINGERPOST_CLUSTER_MEMBERS}, {@code FINGERPOST_CLUSTER_PORT} and
   * {@code FINGERPOST_CLUSTER_HOST} applied (the environment wins over the file); a malformed value is an
   * {@link IllegalArgumentException} naming it.
   */
  public ClusterConfig withEnvironment(Map<String, String> env) {
    List<String> m = members;
    Integer p = port;
    String h = env.get(ENV_HOST) == null || env.get(ENV_HOST).isBlank() ? host : env.get(ENV_HOST).trim();
    String envMembers = env.get(ENV_MEMBERS);
    if (envMembers != null && !envMembers.isBlank()) {
      m = new ArrayList<>();
      for (String s : envMembers.split(",")) {
        if (!s.isBlank()) {
          m.add(s.trim());
        }
      }
      String bad = memberProblem(m);
      if (bad != null) {
        throw new IllegalArgumentException(ENV_MEMBERS + ": " + bad);
      }
    }
    String envPort = env.get(ENV_PORT);
    if (envPort != null && !envPort.isBlank()) {
      try {
        p = Integer.parseInt(envPort.trim());
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException(ENV_PORT + ": '" + envPort + "' is not a port (1-65535)");
      }
    }
    return new ClusterConfig(enabled, h, p, m, discovery, kubernetesService, leaseTimeout);
  }

  /** Why this member list is not one (null when it is): every entry {@code host:port}. */
  static String memberProblem(List<String> list) {
    for (String s : list) {
      int colon = s.lastIndexOf(':');
      boolean ok = colon > 0 && colon < s.length() - 1;
      if (ok) {
        try {
          int p = Integer.parseInt(s.substring(colon + 1));
          ok = p >= 1 && p <= 65535;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        return "'" + s + "' is not host:port";
      }
    }
    return null;
  }

  /** Rules types cannot express (docs/internals.md "Configuration"). */
  void check(Problems problems) {
    String bad = memberProblem(members);
    if (bad != null) {
      problems.add("/cluster/members", bad);
    }
    if (port != null && (port < 1 || port > 65535)) {
      problems.add("/cluster/port", port + " is not a port (1-65535)");
    }
    if (discovery != null && !discovery.equals("tcp") && !discovery.equals("kubernetes")) {
      problems.add("/cluster/discovery", "'" + discovery + "' is not tcp or kubernetes");
    }
    if (kubernetes() && (kubernetesService == null || kubernetesService.isBlank())) {
      problems.add("/cluster/kubernetesService", "is needed with discovery kubernetes");
    }
    if (leaseTimeout != null && leaseTimeout.compareTo(Duration.ofMillis(500)) < 0) {
      problems.add("/cluster/leaseTimeout", "must be at least 500ms");
    }
  }
}
