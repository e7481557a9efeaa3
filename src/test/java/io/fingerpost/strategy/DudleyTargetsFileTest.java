package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The bundled Dudley targets file: valid, and complete against the strategy's printed metrics. */
class DudleyTargetsFileTest {

  static final String RESOURCE = "fingerpost/default/targets/dudley-2023-2033.yaml";

  private static Path strategy(String file) {
    String shared = System.getProperty("fingerpost.shared");
    assertNotNull(shared, "system property fingerpost.shared is not set");
    Path p = Path.of(shared, "data", "strategy", file);
    assertTrue(Files.isRegularFile(p), "missing reference file " + p);
    return p;
  }

  private static List<CSVRecord> csv(Path p) throws IOException {
    String text = Files.readAllLines(p, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n"));
    return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(
        new java.io.StringReader(text)).getRecords();
  }

  @Test
  void loadsAndCoversEveryPrintedMetric() throws IOException {
    List<TargetDefinition> targets = TargetsLoader.loadResource(RESOURCE);
    String yaml;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(RESOURCE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, Integer> horizonOfGroup = new HashMap<>();
    List<CSVRecord> baselines = csv(strategy("dudley_strategy_baselines.csv"));
    assertEquals(44, baselines.size());
    for (CSVRecord r : baselines) {
      horizonOfGroup.put(r.get("group"), Integer.parseInt(r.get("horizon_years")));
      // every printed Dudley baseline appears: as a baseline value, or quoted where the bundle's measure differs
      assertTrue(yaml.contains(r.get("dudley")), "printed metric missing: " + r.get("indicator"));
    }
    for (CSVRecord r : csv(strategy("dudley_strategy_directions.csv"))) {
      assertEquals(horizonOfGroup.getOrDefault(r.get("group"), Integer.parseInt(r.get("horizon_years"))),
          Integer.parseInt(r.get("horizon_years")));
    }
    for (TargetDefinition t : targets) {
      assertEquals(horizonOfGroup.get(t.group()), t.horizonYears(), t.id());
      assertEquals("E08000027", t.series().areaCode(), t.id());
    }
    // the targets on a bundled series (issue 13: 23, of which 6 proxies; 3 of them the ONS Health Index's); the others on a local id: the
    // printed baseline only (feed strategy-baselines), or, for the five themes, no data at all
    Set<String> onSeries = targets.stream().filter(t -> !t.series().indicatorId().startsWith("dudley-his."))
        .map(TargetDefinition::id).collect(Collectors.toSet());
    assertEquals(Set.of("y6-obesity", "reception-obesity", "adult-overweight", "le-birth-male",
        "le-birth-female", "inequality-le-birth-male", "inequality-le-birth-female", "hle-birth-male",
        "hle-birth-female", "inactive-adults", "smoking-adults",
        "y6-excess-weight", "reception-excess-weight", "alcohol-admissions", "neet-16-17",
        "u75-cancer-preventable", "self-harm-admissions", "cancer-early-stage", "excess-u75-smi",
        "development-end-of-reception", "suicide-rate", "infant-mortality", "diabetes-prevalence"), onSeries);
    Set<String> noData = targets.stream().filter(t -> t.noData() != null).map(TargetDefinition::id)
        .collect(Collectors.toSet());
    assertEquals(Set.of("antenatal-screening-uptake", "continuity-maternity-care", "carers-health-check",
        "inactivity-long-term-conditions", "food-banks"), noData);
    // every other local-id target is a printed metric: its series, period and value are in the printed source
    Set<String> printed = csv(Path.of(System.getProperty("user.dir"),
        "src/main/resources/fingerpost/default/data/strategy/dudley_strategy_baselines_long.csv")).stream()
        .filter(r -> r.get("area_code").equals("E08000027"))
        .map(r -> r.get("indicator_id") + "|" + r.get("sex") + "|" + r.get("period") + "|"
            + Double.parseDouble(r.get("value")))
        .collect(Collectors.toSet());
    for (TargetDefinition t : targets) {
      boolean local = t.series().indicatorId().startsWith("dudley-his.");
      if (local && t.noData() == null) {
        String key = t.series().indicatorId() + "|" + t.series().sex() + "|" + t.baseline().period().label()
            + "|" + t.baseline().value();
        assertTrue(printed.contains(key), t.id() + ": no printed baseline " + key);
        assertEquals("", t.series().age(), t.id());
      }
    }
    assertEquals(44 + 6 + 5, targets.size()); // 44 printed metrics, 6 proxies, 5 themes without a metric
  }
}
