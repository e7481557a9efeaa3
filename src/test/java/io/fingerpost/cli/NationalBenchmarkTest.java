package io.fingerpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke run of {@code bench-national} at a tiny scale (one indicator, 34 areas: 2,040 observations): every step
 * runs end to end against a real child service and embedded PostgreSQL (the API load, which needs wrk, is left
 * out with {@code --seconds 0}). The benchmark itself checks that the first load stored every row, that the
 * changed poll revised exactly the changed rows and that their targets were evaluated.
 */
class NationalBenchmarkTest {

  @TempDir
  Path dir;

  @Test
  void aTinyScaleRunsEveryStep() throws Exception {
    List<String[]> areas = NationalData.englishDistrictsAndUas();
    assertTrue(areas.size() >= 300, "every district and UA of the bundled data: " + areas.size());
    NationalData data = new NationalData(0.0002, areas);
    var options = new NationalBenchmark.Options(List.of(0.0002), null, "postgres", null, 100_000, "512m", 0, 4,
        "1s", 3, dir, true);
    Map<String, Double> f = NationalBenchmark.runScale(options, data);

    assertEquals(2040.0, f.get("observations"));
    assertEquals(data.series(), f.get("/metrics state sets").longValue(), "scope all exports every stored series");
    assertTrue(f.get("changed poll (" + NationalBenchmark.CHANGED + " rows revised) ms") > 0, f.toString());
    assertTrue(f.get("/metrics plain MB") > f.get("/metrics gzip MB"), f.toString());
    assertTrue(f.get("database MB") > 0 && f.get("observation table MB") > 0, f.toString());
    assertTrue(f.get("peak heap MB, all steps") > 0, f.toString());
    String yaml = Files.readString(dir.resolve("scale-2.0E-4/config.yaml"));
    assertTrue(yaml.contains("scope: all"), yaml);

    NationalReport report = new NationalReport(List.of(0.0002));
    report.add(0.0002, f);
    var text = new java.io.ByteArrayOutputStream();
    report.print(new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(text.toString(java.nio.charset.StandardCharsets.UTF_8).contains("first load µs an observation"),
        text.toString(java.nio.charset.StandardCharsets.UTF_8));
  }
}
