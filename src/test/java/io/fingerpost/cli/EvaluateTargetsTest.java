package io.fingerpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fingerpost.engine.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --targets FILE}: the target object on the series a target names. */
class EvaluateTargetsTest {

  private static final String EXPORT = "data/fingertips-csv/campylobacter_93356_CountyUA_2015-2017.csv";

  // Dudley, campylobacter, Persons, All ages: 2015 102.065 (91.237–113.826), 2016 116.801 (105.217–129.313),
  // 2017 116.486 (104.918–128.982); England 2015 94.726. Target: decrease from 2015 (published value, b) to
  // England's 2015 value (g) by 2020; tolerance 10%/20% of |g − b| = 7.339 → a = 0.734, r = 1.468.
  // 2017 (t = 2017.5): expected = b + (g − b)·2/5 = 99.129669; d = −(116.486 − 99.130) = −17.357 → OFF_TRACK,
  // and the CI 104.918–128.982 excludes 99.13: significant. Projection (WLS, SE = (u − l)/3.92) to 2020.5:
  // 141.1275 (−94.680 to 376.935), P(Y ≤ 94.726) = 0.121107 (checked with numpy and scipy.stats.t, 1 df).
  private static final String TARGETS = """
      targets:
        - id: dudley-campylobacter
          name: Campylobacter incidence
          indicator: "93356"
          area: E08000027
          sex: Persons
          age: All ages
          direction: decrease
          baseline: {period: "2015"}
          target: {period: "2020", reach: {area: E92000001}}
          tolerance: {amber: 10%, red: 20%}
      """;

  @Test
  void addsTheTargetObjectToTheSeriesItNames(@TempDir Path dir) throws Exception {
    Path targets = dir.resolve("targets.yaml");
    Files.writeString(targets, TARGETS);
    EvaluateCommandTest.Run r = EvaluateCommandTest.run("--input", Reference.file(EXPORT).toString(),
        "--polarity", "low-is-good", "--targets", targets.toString());
    assertEquals(0, r.exit(), r.err());
    int withTarget = 0;
    for (JsonNode n : r.lines()) {
      if (!n.has("target")) {
        continue;
      }
      withTarget++;
      assertEquals("E08000027", n.get("areaCode").asText());
      assertEquals("All ages", n.get("age").asText());
      JsonNode t = n.get("target");
      assertEquals("dudley-campylobacter", t.get("id").asText());
      assertEquals("OFF_TRACK", t.get("status").asText());
      assertFalse(t.get("notSignificant").asBoolean());
      assertEquals("2017", t.get("period").asText());
      assertEquals(99.129669, t.get("expected").asDouble(), 1e-6);
      assertEquals(-(116.486270361485 - 99.12966893168073), t.get("deviation").asDouble(), 1e-9);
      assertEquals(94.7261896202678, t.get("targetValue").asDouble(), 1e-12);
      assertEquals(141.127511, t.get("projection").get("value").asDouble(), 1e-5);
      assertEquals(-94.679699, t.get("projection").get("lower").asDouble(), 1e-4);
      assertEquals(376.934721, t.get("projection").get("upper").asDouble(), 1e-4);
      assertEquals(0.121107, t.get("probabilityOfMeeting").asDouble(), 1e-6);
      assertTrue(t.get("explanation").asText().contains("(red, tolerance 1.47; expected 99.13)"),
          t.get("explanation").asText());
    }
    assertEquals(1, withTarget);
  }

  @Test
  void aBadTargetsFileIsABadArgument(@TempDir Path dir) throws Exception {
    Path targets = dir.resolve("targets.yaml");
    Files.writeString(targets, TARGETS.replace("tolerance: {amber: 10%, red: 20%}",
        "tolerance: {amber: 30%, red: 20%}"));
    EvaluateCommandTest.Run r = EvaluateCommandTest.run("--input", Reference.file(EXPORT).toString(),
        "--polarity", "low-is-good", "--targets", targets.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains(targets + ": target 'dudley-campylobacter': key 'tolerance.amber': amber (30%)"
        + " is wider than red (20%)"), r.err());
  }
}
