package io.fingerpost.cli;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The national-scale data set of {@link NationalBenchmark}: every English district and unitary authority of the
 * bundled tidy series (their real ONS codes and names) × indicators × six breakdowns × ten annual periods, as
 * Fingertips all_data CSV files, one per indicator (as the fingertips-api feed downloads them), plus a targets
 * file for a sample of the series and the service's config. At scale 1: 500 indicators, about 1 million series
 * and 10 million observations.
 */
final class NationalData {

  /** The bundled tidy series (fingerpost/default/data/tidy-series): their District and UA rows give the areas. */
  private static final List<String> TIDY = List.of("adults_smoking", "healthy_life_expectancy", "inactive_adults",
      "inequality_life_expectancy", "life_expectancy", "mortality_rate", "nhs_health_checks", "obese_reception",
      "obese_year6", "overweight_adult");
  static final int FULL_INDICATORS = 500;
  static final int PERIODS = 10;
  static final int FIRST_YEAR = 2013;
  /** Sex, age, category type, category: sex × a few age and deprivation categories. */
  static final String[][] BREAKDOWNS = {
      {"Male", "All ages", "", ""}, {"Female", "All ages", "", ""}, {"Persons", "All ages", "", ""},
      {"Persons", "18-64 yrs", "", ""}, {"Persons", "65+ yrs", "", ""},
      {"Persons", "All ages", "District & UA deprivation deciles in England (IMD2019)", "Most deprived decile (IMD2019)"}};
  /** Every tenth indicator has targets (Persons, All ages, one per area), the changed one (the first) among them. */
  static final int TARGET_EVERY = 10;
  static final int ID_BASE = 95000;

  final double scale;
  final List<String[]> areas; // code, name
  final int indicators;

  NationalData(double scale, List<String[]> allAreas) {
    this.scale = scale;
    double wanted = FULL_INDICATORS * scale;
    this.indicators = Math.max(1, (int) Math.round(wanted));
    // below one indicator's worth, fewer areas (a smoke run)
    int areaCount = wanted >= 1 ? allAreas.size()
        : Math.max(7, (int) Math.round(allAreas.size() * wanted));
    this.areas = allAreas.subList(0, Math.min(areaCount, allAreas.size()));
  }

  long series() {
    return (long) indicators * areas.size() * BREAKDOWNS.length;
  }

  long observations() {
    return series() * PERIODS;
  }

  int targetIndicators() {
    return (indicators + TARGET_EVERY - 1) / TARGET_EVERY;
  }

  long targets() {
    return (long) targetIndicators() * areas.size();
  }

  static String indicatorId(int i) {
    return String.valueOf(ID_BASE + i);
  }

  static String feedName(int i) {
    return "ind-" + indicatorId(i);
  }

  /** The id of the target of indicator i in area a (the first place keeps the written id; see strategy.Places). */
  String targetId(int i, int a) {
    return "nat-" + indicatorId(i) + (a == 0 ? "" : "@" + areas.get(a)[0]);
  }

  /** Every district and UA of the bundled tidy series, by code. */
  static List<String[]> englishDistrictsAndUas() throws Exception {
    Map<String, String> byCode = new LinkedHashMap<>();
    for (String name : TIDY) {
      String resource = "/fingerpost/default/data/tidy-series/" + name + ".csv";
      try (InputStream in = NationalData.class.getResourceAsStream(resource)) {
        LoadBenchmark.check(in != null, "missing resource " + resource);
        try (var records = de.siegmar.fastcsv.reader.CsvReader.builder()
            .ofNamedCsvRecord(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))) {
          for (var r : records) {
            if (Set.of("District", "UA").contains(r.getField("area_type"))) {
              byCode.putIfAbsent(r.getField("area_code"), r.getField("area_name"));
            }
          }
        }
      }
    }
    List<String[]> areas = new ArrayList<>();
    byCode.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> areas.add(new String[] {e.getKey(), e.getValue()}));
    return areas;
  }

  Path file(Path dir, int i) {
    return dir.resolve("all_data_" + indicatorId(i) + ".csv");
  }

  /** Writes every indicator's file; returns the bytes written. */
  long writeAll(Path dir) throws Exception {
    long bytes = 0;
    for (int i = 0; i < indicators; i++) {
      write(file(dir, i), i, 0, 1.0);
      bytes += Files.size(file(dir, i));
    }
    return bytes;
  }

  /**
   * Writes indicator i's file. The latest period's value of Persons, All ages in the first {@code changed}
   * areas is multiplied by {@code factor}; every other byte is as before (one seed per indicator). Written
   * to a temporary file and moved, so a poll never reads half a file.
   */
  void write(Path file, int i, int changed, double factor) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Random rnd = new Random(1000L + i);
    StringBuilder line = new StringBuilder(400);
    String id = indicatorId(i);
    String name = "\"Synthetic indicator " + id + ", rate per 100,000\"";
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(LoadBenchmark.HEADER);
      w.write('\n');
      for (int a = 0; a < areas.size(); a++) {
        String[] area = areas.get(a);
        for (int b = 0; b < BREAKDOWNS.length; b++) {
          String[] bd = BREAKDOWNS[b];
          double den = 20_000 + rnd.nextInt(400_000);
          double rate = 0.02 + 0.1 * rnd.nextDouble();
          double trend = 1 + (rnd.nextDouble() - 0.6) * 0.04;
          for (int p = 0; p < PERIODS; p++) {
            int year = FIRST_YEAR + p;
            double count = Math.floor(den * rate * Math.pow(trend, p) * (0.97 + 0.06 * rnd.nextDouble()));
            double value = 100_000 * count / den;
            if (p == PERIODS - 1 && b == 2 && a < changed) {
              value *= factor;
            }
            double se = 100_000 * Math.sqrt(count) / den;
            line.setLength(0);
            line.append(id).append(',').append(name).append(",E92000001,England,").append(area[0]).append(',');
            quoted(line, area[1]).append(",Districts & UAs (from Apr 2023),").append(bd[0]).append(',')
                .append(bd[1]).append(',').append(bd[2]).append(',').append(bd[3]).append(',').append(year).append(',');
            fixed(line, value).append(',');
            fixed(line, value - 1.96 * se).append(',');
            fixed(line, value + 1.96 * se).append(',');
            fixed(line, value - 3.09 * se).append(',');
            fixed(line, value + 3.09 * se).append(',');
            line.append((long) count).append(',').append((long) den)
                .append(",,,Similar,Similar,").append(year).append("0000,,\n");
            w.append(line);
          }
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Six decimals, as the Fingertips export writes values (String.format is ten times slower at 10M rows). */
  private static StringBuilder fixed(StringBuilder sb, double v) {
    long micros = Math.round(v * 1_000_000);
    if (micros < 0) {
      sb.append('-');
      micros = -micros;
    }
    sb.append(micros / 1_000_000).append('.');
    String frac = Long.toString(micros % 1_000_000);
    sb.append("000000", frac.length(), 6).append(frac);
    return sb;
  }

  private static StringBuilder quoted(StringBuilder sb, String text) {
    return text.indexOf(',') < 0 && text.indexOf('"') < 0 ? sb.append(text)
        : sb.append('"').append(text.replace("\"", "\"\"")).append('"');
  }

  /** Targets: for every tenth indicator, Persons, All ages, direction-only (decrease), one per area. */
  String targetsYaml() {
    StringBuilder y = new StringBuilder("targets:\n");
    StringBuilder places = new StringBuilder("[");
    for (int a = 0; a < areas.size(); a++) {
      places.append(a == 0 ? "" : ", ").append(areas.get(a)[0]);
    }
    places.append(']');
    for (int i = 0; i < indicators; i += TARGET_EVERY) {
      y.append("  - id: nat-").append(indicatorId(i)).append('\n')
          .append("    name: Synthetic indicator ").append(indicatorId(i)).append(", persons\n")
          .append("    indicator: \"").append(indicatorId(i)).append("\"\n")
          .append("    sex: Persons\n    age: All ages\n    group: national\n    horizonYears: 10\n")
          .append("    team: public-health\n    direction: decrease\n")
          .append("    baseline: {period: \"").append(FIRST_YEAR + 2).append("\"}\n")
          .append("    target: {period: \"").append(FIRST_YEAR + PERIODS + 5).append("\"}\n")
          .append("    tolerance: {amber: 5%, red: 10%}\n")
          .append("    places: ").append(places).append('\n');
    }
    return y.toString();
  }

  /** The service's config: one fingertips-csv feed per file; the changed indicator's feed polls often. */
  String configYaml(Path dir, int port, String dbUrl, String user, String password, int maxSeries,
                    String interval) {
    StringBuilder y = new StringBuilder();
    y.append("http: {port: ").append(port).append(", host: 127.0.0.1}\n");
    y.append("database: {url: \"").append(dbUrl).append("\", user: \"").append(user).append('"')
        .append(password == null ? "" : ", password: \"" + password + "\"").append("}\n");
    y.append("metrics: {scope: all, maxSeries: ").append(maxSeries).append("}\n");
    y.append("targets: {files: [\"").append(dir.resolve("targets.yaml")).append("\"]}\n");
    y.append("feeds:\n");
    for (int i = 0; i < indicators; i++) {
      y.append("  - {name: ").append(feedName(i)).append(", type: fingertips-csv, source: \"").append(file(dir, i))
          .append("\", interval: ").append(i == 0 ? interval : "24h")
          .append(", indicators: [{id: \"").append(indicatorId(i))
          .append("\", unit: \"per 100,000\", valueType: crude rate, polarity: LOW_IS_GOOD}]}\n");
    }
    return y.toString();
  }
}
