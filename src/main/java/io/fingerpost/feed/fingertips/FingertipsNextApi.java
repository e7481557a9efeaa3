package io.fingerpost.feed.fingertips;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fingerpost.model.Area;
import io.fingerpost.model.IndicatorMetadata;
import io.fingerpost.model.Observation;
import io.fingerpost.model.Period;
import io.fingerpost.model.Polarity;
import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The successor Fingertips service's API ("Find public health data", dhsc-govuk/FingertipsNext,
 * {@code api/definition/fingertipsAPI.yaml}):
 * <ul>
 *   <li>{@code GET indicators/{indicator_id}}: {@code Indicator} ({@code indicator_id, title, definition,
 *       period_types});</li>
 *   <li>{@code GET indicators/{indicator_id}/data?area_codes=&area_type=&inequalities=age&inequalities=sex
 *       &inequalities=deprivation}: {@code IndicatorWithHealthDataForArea} ({@code indicatorId, name, polarity,
 *       benchmarkMethod, frequency, areaHealthData[{areaCode, areaName, indicatorSegments[{age, sex,
 *       reportingPeriod, healthData[{datePeriod{type, from, to}, count, value, lowerCi, upperCi, deprivation{type,
 *       value, isAggregate}, benchmarkComparison}]}]}]}). Arrays are form-style, exploded (OpenAPI 3 default).</li>
 * </ul>
 * The definition offers no data-change date, unit or value type: changes are detected by the HTTP validators
 * (ETag / Last-Modified) alone, and unit and value type come from the feed's config when given.
 */
public final class FingertipsNextApi {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final FingertipsClient client;

  public FingertipsNextApi(FingertipsClient client) {
    this.client = client;
  }

  public FingertipsClient client() {
    return client;
  }

  /** The data path of one indicator: the areas by code and/or type, with every inequality breakdown. */
  public static String dataPath(String indicatorId, List<String> areaCodes, String areaType) {
    StringBuilder q = new StringBuilder("indicators/").append(indicatorId).append("/data?");
    for (String c : areaCodes) {
      q.append("area_codes=").append(URLEncoder.encode(c.trim(), StandardCharsets.UTF_8)).append('&');
    }
    if (areaType != null && !areaType.isBlank()) {
      q.append("area_type=").append(URLEncoder.encode(areaType.trim(), StandardCharsets.UTF_8)).append('&');
    }
    // The classic export carries every breakdown; asking for all keeps both feeds' series the same.
    q.append("inequalities=age&inequalities=sex&inequalities=deprivation");
    return q.toString();
  }

  /** Streams an indicator's data to {@code file}, conditionally when {@code headers} say so. */
  public Future<FingertipsClient.Answer> data(String indicatorId, List<String> areaCodes, String areaType,
                                             MultiMap headers, Path file) {
    return client.download(dataPath(indicatorId, areaCodes, areaType), headers, file);
  }

  /** {@code GET indicators/{id}}: title and definition (the rest of the metadata comes with the data). */
  public Future<JsonObject> indicator(String indicatorId) {
    return client.get("indicators/" + indicatorId, null).map(a -> {
      JsonObject o = new JsonObject(a.body());
      if (o.getValue("indicator_id") == null) {
        throw new IllegalStateException("not an Indicator (no indicator_id) from " + a.url());
      }
      return o;
    });
  }

  /** The rows and the metadata of one data answer. */
  public record Parsed(IndicatorMetadata metadata, List<Row> rows) {}

  /** One data point as an observation of the classic export's shape, with its area. */
  public record Row(Observation observation, Area area) {}

  /**
   * Reads a data answer (a file). Each data point becomes the observation the classic export has for it: series
   * (indicator, area, sex, age, deprivation type as category type, deprivation value as category; the aggregate
   * deprivation point has neither, as the export's whole-population row), the period labelled as the export
   * labels it ({@link #label}), value, {@code lowerCi}/{@code upperCi} as the 95% or 99.8% interval by the
   * benchmark method, and count. Fails (nothing of it is used) on a body that is not complete JSON of that shape.
   */
  public static Parsed parse(Path file, String indicatorId, String source, IndicatorMetadata described)
      throws IOException {
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = JSON.readTree(in);
    }
    if (root == null || !root.isObject() || !root.has("areaHealthData")) {
      throw new IOException("not an IndicatorWithHealthDataForArea (no areaHealthData)");
    }
    String polarity = text(root, "polarity");
    String method = text(root, "benchmarkMethod");
    Double confidence = method == null ? null : method.endsWith("99_8") ? 99.8 : method.endsWith("95") ? 95.0 : null;
    boolean ci998 = confidence != null && confidence == 99.8;
    String name = text(root, "name");
    IndicatorMetadata m = new IndicatorMetadata(indicatorId, source,
        name != null ? name : described == null ? null : described.name(),
        described == null ? null : described.definition(), null, null,
        described == null ? null : described.yearType(), polarity, polarityOf(polarity), method, confidence, null,
        Map.of());
    List<Row> rows = new ArrayList<>();
    for (JsonNode area : root.get("areaHealthData")) {
      String code = required(area, "areaCode");
      Area a = new Area(code, text(area, "areaName"), null, null);
      for (JsonNode seg : area.path("indicatorSegments")) {
        String sex = text(seg.path("sex"), "value");
        String age = text(seg.path("age"), "value");
        for (JsonNode p : seg.path("healthData")) {
          JsonNode dep = p.path("deprivation");
          boolean whole = dep.isMissingNode() || dep.path("isAggregate").asBoolean(true);
          SeriesKey key = new SeriesKey(indicatorId, code, nz(sex), nz(age), whole ? "" : nz(text(dep, "type")),
              whole ? "" : nz(text(dep, "value")));
          Period period = Period.parse(label(p.path("datePeriod")));
          Double lower = number(p, "lowerCi");
          Double upper = number(p, "upperCi");
          Observation o = new Observation(key, period, number(p, "value"), ci998 ? null : lower, ci998 ? null : upper,
              ci998 ? lower : null, ci998 ? upper : null, number(p, "count"), null, null);
          rows.add(new Row(o, a));
        }
      }
    }
    return new Parsed(m, rows);
  }

  /** Fingerpost's polarity for the definition's IndicatorPolarity; NoJudgement and Unknown never judge. */
  static Polarity polarityOf(String p) {
    if (p == null) {
      return null;
    }
    return switch (p) {
      case "HighIsGood" -> Polarity.HIGH_IS_GOOD;
      case "LowIsGood" -> Polarity.LOW_IS_GOOD;
      default -> Polarity.NO_JUDGEMENT;
    };
  }

  /**
   * The classic export's label of a {@code DatePeriod}: a calendar year "2017", a span of them "2015 - 17", a
   * financial year "2019/20" (April to March), a span "2017/18 - 19/20", a quarter "2019/20 Q1" or "2020 Q1",
   * a month "2020 Jan".
   */
  static String label(JsonNode datePeriod) throws IOException {
    String type = text(datePeriod, "type");
    String fromText = text(datePeriod, "from");
    String toText = text(datePeriod, "to");
    if (fromText == null || toText == null) {
      throw new IOException("a data point without datePeriod from/to");
    }
    LocalDate from = LocalDate.parse(fromText);
    LocalDate end = LocalDate.parse(toText).plusDays(1);
    long months = ChronoUnit.MONTHS.between(from, end);
    boolean financial = type != null && type.toLowerCase(Locale.ROOT).startsWith("financial")
        || from.getMonthValue() == 4 && from.getDayOfMonth() == 1 && months >= 3 && months % 3 == 0
        && !"Calendar".equals(type);
    int y = from.getYear();
    if (months == 1) {
      return y + " " + from.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.UK);
    }
    if (months == 3) {
      if (financial || from.getMonthValue() >= 4 && "Financial".equals(type)) {
        int fy = from.getMonthValue() >= 4 ? y : y - 1;
        int q = ((from.getMonthValue() - 4 + 12) % 12) / 3 + 1;
        return fy + "/" + two(fy + 1) + " Q" + q;
      }
      return y + " Q" + ((from.getMonthValue() - 1) / 3 + 1);
    }
    if (months % 12 != 0) {
      throw new IOException("a datePeriod of " + months + " months (" + fromText + " to " + toText + ")");
    }
    long years = months / 12;
    if (financial) {
      int last = y + (int) years - 1;
      return years == 1 ? y + "/" + two(y + 1) : y + "/" + two(y + 1) + " - " + two(last) + "/" + two(last + 1);
    }
    int last = y + (int) years - 1;
    return years == 1 ? String.valueOf(y) : y + " - " + two(last);
  }

  private static String two(int year) {
    return String.format(Locale.ROOT, "%02d", year % 100);
  }

  private static String nz(String s) {
    return s == null ? "" : s.trim();
  }

  private static String required(JsonNode n, String field) throws IOException {
    String v = text(n, field);
    if (v == null || v.isBlank()) {
      throw new IOException("a HealthDataForArea without " + field);
    }
    return v.trim();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Double number(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw new IOException(field + " is not a finite number: " + v);
    }
    return v.asDouble();
  }
}
