package io.fingerpost.engine;

import io.fingerpost.model.Polarity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fingerpost.engine.BenchmarkComparison.Outcome;
import io.fingerpost.engine.BenchmarkComparison.Rag;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BenchmarkComparisonTest {

  /**
   * FingertipsNext expected API responses (CIOverlappingReferenceValue95, LowIsGood): every data point
   * that carries a benchmarkComparison must get the same outcome. In the "-sex" file the Persons
   * segment is itself the benchmark (the comparison is female/male against persons) and has none.
   */
  @ParameterizedTest
  @ValueSource(strings = {"test-indicators-benchmark-rag_expected-response.json",
      "test-indicators-benchmark-rag-sex_expected-response.json"})
  void reproducesFingertipsNextBenchmarkOutcomes(String name) throws IOException {
    JsonNode root = new ObjectMapper().readTree(Reference.file("reference/fingertips/" + name).toFile());
    assertEquals("CIOverlappingReferenceValue95", root.get("benchmarkMethod").asText());
    Polarity polarity = Polarity.parse(root.get("polarity").asText().replaceAll("([a-z])([A-Z])", "$1 $2"));
    assertEquals(Polarity.LOW_IS_GOOD, polarity);
    int compared = 0;
    for (JsonNode area : root.get("areaHealthData")) {
      for (JsonNode segment : area.get("indicatorSegments")) {
        for (JsonNode point : segment.get("healthData")) {
          JsonNode bc = point.get("benchmarkComparison");
          if (bc == null || bc.isNull()) {
            assertEquals("Persons", segment.get("sex").get("value").asText(),
                "only the benchmark segment itself has no comparison");
            continue;
          }
          Outcome got = BenchmarkComparison.compare95(point.get("value").asDouble(),
              point.get("lowerCi").asDouble(), point.get("upperCi").asDouble(),
              bc.get("benchmarkValue").asDouble(), polarity);
          assertEquals(bc.get("outcome").asText(), got.label(),
              () -> segment.get("sex").get("value") + " " + point.get("datePeriod"));
          compared++;
        }
      }
    }
    assertTrue(compared >= 22, "compared " + compared);
  }

  @Test
  void oneLevelByPolarity() {
    assertEquals(Outcome.SIMILAR, BenchmarkComparison.compare95(10.0, 9.0, 11.0, 11.0, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.SIMILAR, BenchmarkComparison.compare95(10.0, 9.0, 11.0, 9.0, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.BETTER, BenchmarkComparison.compare95(10.0, 9.0, 11.0, 8.9, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.WORSE, BenchmarkComparison.compare95(10.0, 9.0, 11.0, 8.9, Polarity.LOW_IS_GOOD));
    assertEquals(Outcome.HIGHER, BenchmarkComparison.compare95(10.0, 9.0, 11.0, 8.9, Polarity.NO_JUDGEMENT));
    assertEquals(Outcome.LOWER, BenchmarkComparison.compare95(10.0, 9.0, 11.0, 11.1, Polarity.NO_JUDGEMENT));
    assertEquals(Outcome.NOT_COMPARED, BenchmarkComparison.compare95(10.0, null, 11.0, 8.0, Polarity.LOW_IS_GOOD));
    assertEquals(Outcome.NOT_COMPARED, BenchmarkComparison.compare95(10.0, 9.0, 11.0, 8.0, null));
    assertEquals(Outcome.NOT_COMPARED, BenchmarkComparison.compare95(10.0, 9.0, 11.0, null, Polarity.LOW_IS_GOOD));
  }

  @Test
  void twoLevels() {
    // 95% [9, 11], 99.8% [8, 12]
    assertEquals(Outcome.SIMILAR, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 10.5, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.BETTER, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 8.5, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.BETTER, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 8.0, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.BEST, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 7.9, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.WORST, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 7.9, Polarity.LOW_IS_GOOD));
    assertEquals(Outcome.WORSE, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 11.5, Polarity.HIGH_IS_GOOD));
    assertEquals(Outcome.BEST, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 12.5, Polarity.LOW_IS_GOOD));
    assertEquals(Outcome.LOWER, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, 8.0, 12.0, 12.5, Polarity.NO_JUDGEMENT));
    assertEquals(Outcome.NOT_COMPARED, BenchmarkComparison.compareTwoLevels(10.0, 9.0, 11.0, null, 12.0, 12.5, Polarity.LOW_IS_GOOD));
  }

  @Test
  void goalBand() {
    assertEquals(Rag.RED, BenchmarkComparison.compareToGoal(4.9, 5, 10, Polarity.HIGH_IS_GOOD));
    assertEquals(Rag.AMBER, BenchmarkComparison.compareToGoal(5.0, 5, 10, Polarity.HIGH_IS_GOOD));
    assertEquals(Rag.GREEN, BenchmarkComparison.compareToGoal(10.0, 5, 10, Polarity.HIGH_IS_GOOD));
    assertEquals(Rag.GREEN, BenchmarkComparison.compareToGoal(4.9, 5, 10, Polarity.LOW_IS_GOOD));
    assertEquals(Rag.RED, BenchmarkComparison.compareToGoal(10.0, 5, 10, Polarity.LOW_IS_GOOD));
    assertEquals(Rag.NOT_COMPARED, BenchmarkComparison.compareToGoal(10.0, 5, 10, Polarity.NO_JUDGEMENT));
    assertEquals(Rag.NOT_COMPARED, BenchmarkComparison.compareToGoal(null, 5, 10, Polarity.LOW_IS_GOOD));
  }
}
