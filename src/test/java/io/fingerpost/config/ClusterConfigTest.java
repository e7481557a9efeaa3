package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cluster} section: off by default, its keys and rules, and the environment over the file. */
class ClusterConfigTest {
  @TempDir
  Path dir;

  private ConfigLoader.Loaded load(String yaml) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, Map.of());
  }

  @Test
  void offByDefaultAndBoundFromTheFile() throws Exception {
    assertFalse(ConfigLoader.loadDefault(Map.of()).config().cluster().on());
    ClusterConfig c = load("""
        cluster:
          enabled: true
          host: 10.0.0.1
          port: 5801
          members: ["10.0.0.1:5801", "10.0.0.2:5801"]
          leaseTimeout: 4s
        """).config().cluster();
    assertTrue(c.on());
    assertEquals(5801, c.portOrDefault());
    assertEquals(List.of("10.0.0.1:5801", "10.0.0.2:5801"), c.members());
    assertEquals(Duration.ofSeconds(4), c.leaseTimeoutOrDefault());
  }

  @Test
  void everyBadKeyIsReportedWithItsLine() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> load("""
        cluster:
          port: 70000
          members: ["nohostport"]
          discovery: multicast
          leaseTimeout: 100ms
        """));
    String m = e.getMessage();
    assertTrue(m.contains("cluster.port") && m.contains("70000"), m);
    assertTrue(m.contains("cluster.members") && m.contains("'nohostport' is not host:port"), m);
    assertTrue(m.contains("cluster.discovery"), m);
    assertTrue(m.contains("cluster.leaseTimeout"), m);
    assertTrue(m.contains("line 2"), m);
  }

  @Test
  void environmentOverridesMembersPortAndHost() {
    ClusterConfig c = ClusterConfig.defaults().switchedOn().withEnvironment(Map.of(
        "FINGERPOST_CLUSTER_MEMBERS", " a:1, b:2 ,", "FINGERPOST_CLUSTER_PORT", "5702",
        "FINGERPOST_CLUSTER_HOST", "b"));
    assertEquals(List.of("a:1", "b:2"), c.members());
    assertEquals(5702, c.portOrDefault());
    assertEquals("b", c.hostOrDefault());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ClusterConfig.defaults().withEnvironment(Map.of("FINGERPOST_CLUSTER_PORT", "x")));
    assertTrue(bad.getMessage().startsWith("FINGERPOST_CLUSTER_PORT"), bad.getMessage());
  }
}
