package io.fingerpost.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files checked by their own tools and by structure: Prometheus config and rules
 * ({@code promtool check}, {@code promtool test rules}), Alertmanager config ({@code amtool}), the compose
 * file ({@code docker-compose config}, images pinned), and the Grafana dashboards against the provisioning
 * (unique uids and panel ids, data source uids, template variables).
 */
class DeploymentFilesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path PROJECT = Commands.project();

  @Test
  void promtoolAcceptsConfigAndRulesAndTheRuleTestsPass() throws Exception {
    assertOk(Commands.run(PROJECT, Map.of(), "promtool", "check", "config", "prometheus/prometheus.yml"));
    List<String> rules = new ArrayList<>(List.of("promtool", "check", "rules"));
    try (Stream<Path> files = Files.list(PROJECT.resolve("prometheus/rules"))) {
      files.map(p -> PROJECT.relativize(p).toString()).sorted().forEach(rules::add);
    }
    assertTrue(rules.size() >= 5, "rule files: " + rules);
    assertOk(Commands.run(PROJECT, Map.of(), rules.toArray(String[]::new)));
    assertOk(Commands.run(PROJECT, Map.of(), "promtool", "test", "rules", "prometheus/tests/fingerpost-alerts.test.yml"));
  }

  @Test
  void amtoolAcceptsTheAlertmanagerConfig() throws Exception {
    assertOk(Commands.run(PROJECT, Map.of(), "amtool", "check-config", "prometheus/alertmanager.yml"));
  }

  @Test
  void composeFileValidatesAndPinsEveryImage() throws Exception {
    Commands.Result config = Commands.run(PROJECT, Map.of(), "docker-compose", "-f", "docker-compose.yml", "config");
    assertOk(config);
    JsonNode compose = YAML.readTree(config.output());
    Set<String> services = new HashSet<>();
    compose.get("services").fields().forEachRemaining(e -> {
      services.add(e.getKey());
      JsonNode s = e.getValue();
      String image = s.path("image").asText("");
      assertTrue(image.matches("[\\w./-]+:v?\\d+(\\.\\d+)+[\\w.-]*"), e.getKey() + " image not pinned to a version: " + image);
      assertTrue(s.has("healthcheck"), e.getKey() + " has no health check");
    });
    // two Fingerpost replicas of one cluster (issue 15)
    assertEquals(Set.of("postgres", "fingerpost", "fingerpost-2", "prometheus", "alertmanager", "grafana"), services);
    assertEquals(5, compose.get("volumes").size(), "named volumes");
    for (String line : Files.readAllLines(PROJECT.resolve("Dockerfile"))) {
      if (line.startsWith("FROM ")) {
        String image = line.split("\\s+")[1];
        assertTrue(image.matches("[\\w./-]+:\\d+(\\.\\d+)+[\\w.-]*"), "Dockerfile base image not pinned: " + image);
      }
    }
    // the files the compose services mount exist
    for (String path : List.of("prometheus/prometheus.yml", "prometheus/alertmanager.yml", "dashboards/provisioning",
        "dashboards/json/strategy-overview.json", "dashboards/postgres-init/10-grafana-role.sh")) {
      assertTrue(Files.exists(PROJECT.resolve(path)), path);
    }
  }

  @Test
  void dashboardsMatchProvisioningAndDefineTheirVariables() throws Exception {
    Set<String> datasourceUids = new HashSet<>();
    for (JsonNode ds : YAML.readTree(PROJECT.resolve("dashboards/provisioning/datasources/fingerpost.yml").toFile()).get("datasources")) {
      datasourceUids.add(ds.get("uid").asText());
    }
    assertEquals(Set.of("fingerpost-prometheus", "fingerpost-postgres"), datasourceUids);
    JsonNode provider = YAML.readTree(PROJECT.resolve("dashboards/provisioning/dashboards/fingerpost.yml").toFile()).get("providers").get(0);
    assertEquals("fingerpost", provider.get("folderUid").asText());

    List<JsonNode> dashboards = dashboards();
    assertEquals(6, dashboards.size());
    Set<String> uids = new HashSet<>();
    for (JsonNode d : dashboards) {
      String title = d.get("title").asText();
      assertTrue(uids.add(d.get("uid").asText()), "duplicate dashboard uid " + d.get("uid"));
      Set<Integer> panelIds = new HashSet<>();
      Set<String> variables = new HashSet<>();
      for (JsonNode v : d.at("/templating/list")) {
        variables.add(v.get("name").asText());
        if (v.has("datasource")) assertDatasource(datasourceUids, v.get("datasource"), title + " variable " + v.get("name"));
      }
      for (JsonNode p : panels(d)) {
        assertTrue(panelIds.add(p.get("id").asInt()), title + ": duplicate panel id " + p.get("id"));
        if (p.get("type").asText().equals("row")) continue;
        assertDatasource(datasourceUids, p.get("datasource"), title + " panel " + p.get("title"));
        assertFalse(p.get("targets").isEmpty(), title + " panel " + p.get("title") + " has no query");
        for (JsonNode t : p.get("targets")) {
          assertDatasource(datasourceUids, t.get("datasource"), title + " panel " + p.get("title"));
          assertVariablesDefined(variables, query(t), title + " panel " + p.get("title"));
        }
      }
      for (JsonNode v : d.at("/templating/list")) {
        String q = v.get("query").isTextual() ? v.get("query").asText() : v.at("/query/query").asText();
        assertVariablesDefined(variables, q, title + " variable " + v.get("name"));
      }
    }
  }

  static List<JsonNode> dashboards() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(PROJECT.resolve("dashboards/json"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) out.add(JSON.readTree(f.toFile()));
    }
    return out;
  }

  /** Every panel, rows' nested panels included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.get("panels")) {
      out.add(p);
      for (JsonNode nested : p.path("panels")) out.add(nested);
    }
    return out;
  }

  /** The query text of a panel target: PromQL or SQL. */
  static String query(JsonNode target) {
    return target.has("expr") ? target.get("expr").asText() : target.get("rawSql").asText();
  }

  static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_]\\w*)(?::[\\w]+)?}|\\$([A-Za-z_]\\w*)|\\[\\[([A-Za-z_]\\w*)]]");

  static void assertVariablesDefined(Set<String> defined, String text, String where) {
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      if (name.startsWith("__")) continue; // Grafana's own ($__all, $__interval, …)
      assertTrue(defined.contains(name), where + " uses undefined variable $" + name);
    }
  }

  static void assertDatasource(Set<String> uids, JsonNode ds, String where) {
    assertTrue(ds != null && uids.contains(ds.path("uid").asText()), where + ": data source " + ds + " is not provisioned");
  }

  static void assertOk(Commands.Result r) {
    assertEquals(0, r.exit(), r.output());
  }
}
