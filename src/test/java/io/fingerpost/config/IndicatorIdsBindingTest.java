package io.fingerpost.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A fingertips-api feed's keys as the issue writes them: bare ids (numbers or text) next to override entries. */
class IndicatorIdsBindingTest {

  static FingerpostConfig parse(String feed) {
    return ConfigLoader.parse("feeds:\n" + feed, ConfigFile.of(Path.of("/tmp/x.yaml")), Map.of()).config();
  }

  @Test
  void bareIdsAndOverridesBind() {
    FeedConfig f = parse("""
          - name: phof
            type: fingertips-api
            indicators: [90366, "90362", {id: "92901", polarity: LOW_IS_GOOD}]
            profile: 19
            domains: [1000049]
            areaTypes: [501]
            parentAreaType: 6
            interval: 1d
        """).feeds().get(0);
    assertEquals(List.of("90366", "90362", "92901"), f.indicators().stream().map(IndicatorConfig::id).toList());
    assertEquals(Map.of("polarity", "LOW_IS_GOOD"), f.indicators().get(2).given());
    assertEquals("https://fingertips.phe.org.uk/api", f.baseUrlOrDefault());
    assertEquals(2, f.concurrencyOrDefault());
    assertEquals(List.of(501), f.areaTypes());
  }

  @Test
  void aBadApiFeedNamesEachKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("""
          - name: phof
            type: fingertips-api
            baseUrl: ftp://example
            indicators: [abc]
            domains: [1]
            concurrency: 0
          - name: file
            type: tidy-csv
            source: x.csv
            areaTypes: [501]
        """));
    String m = e.getMessage();
    for (String part : List.of("feeds[0] (phof).baseUrl", "feeds[0] (phof).indicators[0]", "feeds[0] (phof).domains",
        "feeds[0] (phof).areaTypes", "feeds[0] (phof).parentAreaType", "feeds[0] (phof).concurrency",
        "feeds[1] (file).areaTypes")) {
      assertTrue(m.contains(part), part + " in " + m);
    }
  }
}
