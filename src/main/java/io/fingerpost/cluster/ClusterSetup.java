package io.fingerpost.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.fingerpost.config.ClusterConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Vert.x's Hazelcast cluster manager as Fingerpost runs it (issue 15): the clustered event bus and the
 * membership; the leases live in PostgreSQL ({@code store.Leases}). Hazelcast joins by a TCP/IP member list
 * ({@code cluster.members}), multicast and auto-detection off, bound to {@code cluster.host}; with
 * {@code discovery: kubernetes} it finds the members through the Kubernetes API instead (Hazelcast's own
 * Kubernetes discovery, the pods' service named by {@code kubernetesService}; the service account needs
 * "get/list" on endpoints). Members that stop answering heartbeats for the lease timeout are dropped.
 */
public final class ClusterSetup {
  private ClusterSetup() {}

  /** The Hazelcast configuration of this member, from Vert.x's default (its maps) plus our network. */
  public static Config hazelcast(ClusterConfig c) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("fingerpost");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster on close
    long heartbeat = Math.max(2, c.leaseTimeoutOrDefault().toSeconds());
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(heartbeat));
    hz.setProperty("hazelcast.wait.seconds.before.join", "1"); // members listed but not up yet: do not wait long
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(c.portOrDefault()).setPortAutoIncrement(false);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (c.kubernetes()) {
      join.getKubernetesConfig().setEnabled(true).setProperty("service-name", c.kubernetesService());
    } else {
      String host = c.hostOrDefault();
      if (host.matches("[0-9.]+")) {
        net.getInterfaces().setEnabled(true).addInterface(host);
      } else { // a name (compose, a VM's DNS name): announce it, bind every interface
        net.setPublicAddress(host + ":" + c.portOrDefault());
      }
      join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(c.members().isEmpty()
          ? java.util.List.of(c.hostOrDefault() + ":" + c.portOrDefault()) : c.members());
    }
    return hz;
  }

  public static HazelcastClusterManager clusterManager(ClusterConfig c) {
    return new HazelcastClusterManager(hazelcast(c));
  }

  /** Vert.x options with the clustered event bus on {@code cluster.host} (a free port). */
  public static VertxOptions vertxOptions(ClusterConfig c) {
    return new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(c.hostOrDefault()).setPort(0)
        .setClusterPublicHost(c.hostOrDefault()));
  }
}
