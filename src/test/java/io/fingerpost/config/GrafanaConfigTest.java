package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional {@code grafana.url} (report pages link to the dashboards): bound, checked, optional. */
class GrafanaConfigTest {
  private static FingerpostConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, ConfigFile.of(Path.of("grafana.yaml")), Map.of("G", "http://127.0.0.1:3000/"))
        .config();
  }

  @Test
  void anHttpUrlIsKeptWithoutItsTrailingSlash() {
    assertEquals("http://127.0.0.1:3000", parse("grafana: {url: \"${G}\"}\n").grafana().url());
    assertNull(parse("http: {port: 8080}\n").grafana(), "optional");
  }

  @Test
  void aUrlThatIsNotHttpStopsStartUpNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("grafana:\n  url: ftp://grafana\n"));
    assertTrue(e.getMessage().contains("grafana.url") && e.getMessage().contains("http or https"), e.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class, () -> parse("grafana: {uri: x}\n"));
    assertTrue(unknown.getMessage().contains("grafana.uri"), unknown.getMessage());
  }
}
