package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reliability issue, item 5: the HTTP server binds loopback unless the config or the environment says otherwise. */
class HttpConfigTest {

  @TempDir
  Path dir;

  @Test
  void bindsLoopbackByDefault() throws Exception {
    assertEquals("127.0.0.1", HttpConfig.defaults().hostOrDefault());
    assertEquals("127.0.0.1", ConfigLoader.loadDefault(Map.of()).config().http().hostOrDefault(),
        "the bundled default config (the embedded trial) binds loopback");
  }

  @Test
  void hostFromTheFileOrTheEnvironment() throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "http:\n  port: 9000\n  host: 192.0.2.10\n");
    HttpConfig http = ConfigLoader.load(file, Map.of()).config().http();
    assertEquals("192.0.2.10", http.hostOrDefault());
    assertEquals("192.0.2.10", http.withEnvironment(Map.of()).hostOrDefault());
    HttpConfig container = http.withEnvironment(Map.of(HttpConfig.ENV_HOST, " 0.0.0.0 "));
    assertEquals("0.0.0.0", container.hostOrDefault(), "FINGERPOST_HTTP_HOST wins over the file");
    assertEquals(9000, container.portOrDefault());
    assertEquals("127.0.0.1", HttpConfig.defaults().withEnvironment(Map.of(HttpConfig.ENV_HOST, "")).hostOrDefault());
  }
}
