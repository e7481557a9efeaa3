package io.fingerpost.feed.fingertips;

import io.fingerpost.model.IndicatorMetadata;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;

/**
 * The classic Fingertips API (PholioVisualisationWS, {@code /api/…}), as its controllers and its clients
 * (fingertipsR, fingertips_py) call it:
 * <ul>
 *   <li>{@code all_data/csv/by_indicator_id?indicator_ids=&child_area_type_id=&parent_area_type_id=}: the data
 *       export CSV (England, the parent areas and the child areas);</li>
 *   <li>{@code indicator_metadata/csv/by_indicator_id?indicator_ids=}: one row per indicator, "Indicator ID",
 *       the descriptive columns ("Indicator", "Definition", …), then "Unit", "Value type", "Year type", "Polarity"
 *       (MultipleIndicatorMetadataFileWriter);</li>
 *   <li>{@code data_changes?indicator_id=}: {@code {"LastUploadedAt", "LastDeletedAt"}} (UK local time);</li>
 *   <li>{@code profile?profile_id=} ({@code GroupIds}), {@code indicator_names/by_group_id?group_ids=}
 *       ({@code [{IndicatorId, IndicatorName, GroupId}]}), {@code indicator_search?search_text=}
 *       ({@code {areaTypeId: [indicatorId]}}), {@code profiles_containing_indicators?indicator_ids=}
 *       ({@code {indicatorId: [{ProfileId, ProfileName, …}]}}), {@code area_types} ({@code [{Id, Name, Short}]}),
 *       {@code available_data?indicator_id=} ({@code [{IndicatorId, AreaTypeId}]}).</li>
 * </ul>
 */
public final class FingertipsApi {

  /** Ids per metadata request (the data endpoint allows 100 ids; the same for metadata keeps URLs short). */
  static final int IDS_PER_REQUEST = 100;
  private static final ZoneId UK = ZoneId.of("Europe/London");

  private final FingertipsClient client;

  public FingertipsApi(FingertipsClient client) {
    this.client = client;
  }

  public FingertipsClient client() {
    return client;
  }

  /** The path of an indicator's data export for one child area type. */
  public static String allDataPath(String indicatorId, int childAreaType, int parentAreaType) {
    return "all_data/csv/by_indicator_id?indicator_ids=" + indicatorId + "&child_area_type_id=" + childAreaType
        + "&parent_area_type_id=" + parentAreaType;
  }

  /** Streams an indicator's data export to {@code file}, conditionally when {@code headers} say so. */
  public Future<FingertipsClient.Answer> allData(String indicatorId, int childAreaType, int parentAreaType,
                                                 MultiMap headers, Path file) {
    return client.download(allDataPath(indicatorId, childAreaType, parentAreaType), headers, file);
  }

  /** The metadata of these indicators (requests of {@link #IDS_PER_REQUEST} ids), by id. */
  public Future<Map<String, IndicatorMetadata>> metadata(List<String> ids, String source) {
    List<Future<Map<String, IndicatorMetadata>>> parts = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += IDS_PER_REQUEST) {
      List<String> some = ids.subList(from, Math.min(ids.size(), from + IDS_PER_REQUEST));
      parts.add(client.get("indicator_metadata/csv/by_indicator_id?indicator_ids=" + String.join(",", some), null)
          .map(a -> metadataCsv(a.body().toString(StandardCharsets.UTF_8), source)));
    }
    return Future.all(parts).map(all -> {
      Map<String, IndicatorMetadata> m = new LinkedHashMap<>();
      for (int i = 0; i < all.size(); i++) {
        m.putAll(all.<Map<String, IndicatorMetadata>>resultAt(i));
      }
      return m;
    });
  }

  /** Reads the metadata CSV; a body that is not that CSV fails (IOException). */
  static Map<String, IndicatorMetadata> metadataCsv(String body, String source) {
    Map<String, IndicatorMetadata> m = new LinkedHashMap<>();
    try (CsvReader<CsvRecord> p = CsvReader.builder().extraFieldStrategy(FieldMismatchStrategy.IGNORE)
            .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
        .ofCsvRecord(new StringReader(body.startsWith("\uFEFF") ? body.substring(1) : body))) {
      java.util.Iterator<CsvRecord> it = p.iterator();
      Map<String, Integer> columns = new java.util.HashMap<>();
      List<String> header = it.hasNext() ? it.next().getFields() : List.of();
      for (int i = header.size() - 1; i >= 0; i--) {
        columns.put(header.get(i), i); // the first of a repeated name, as commons-csv's header map had it
      }
      if (!columns.containsKey("Indicator ID") || !columns.containsKey("Polarity")) {
        throw new IllegalStateException("not a Fingertips metadata CSV (no \"Indicator ID\" and \"Polarity\" columns)");
      }
      while (it.hasNext()) {
        CsvRecord r = it.next();
        String id = get(r, columns, "Indicator ID");
        if (id == null) {
          continue;
        }
        String polarity = get(r, columns, "Polarity");
        String confidence = get(r, columns, "Benchmarking significance level");
        m.put(id, new IndicatorMetadata(id, source, get(r, columns, "Indicator"), get(r, columns, "Definition"),
            get(r, columns, "Unit"), get(r, columns, "Value type"), get(r, columns, "Year type"), polarity,
            IndicatorMetadata.polarityOf(polarity), get(r, columns, "Benchmarking method"),
            confidence == null ? null : parseDouble(confidence), get(r, columns, "Confidence interval methodology"),
            Map.of()));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("indicator metadata: " + e.getMessage(), e);
    }
    return m;
  }

  private static Double parseDouble(String s) {
    try {
      return Double.valueOf(s.replace("%", "").trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String get(CsvRecord r, Map<String, Integer> columns, String column) {
    Integer i = columns.get(column);
    if (i == null || i >= r.getFieldCount()) {
      return null;
    }
    String v = r.getField(i).trim();
    return v.isEmpty() ? null : v;
  }

  /**
   * When an indicator's data last changed upstream: the later of {@code LastUploadedAt} and {@code LastDeletedAt}
   * (null: the API knows no change).
   */
  public Future<Instant> dataChanged(String indicatorId) {
    return client.get("data_changes?indicator_id=" + indicatorId, null).map(a -> {
      String body = a.body() == null ? "" : a.body().toString(StandardCharsets.UTF_8).trim();
      if (body.isEmpty() || body.equals("null")) {
        return null;
      }
      JsonObject o = new JsonObject(body);
      Instant up = instant(o.getString("LastUploadedAt"));
      Instant del = instant(o.getString("LastDeletedAt"));
      return up == null ? del : del == null || up.isAfter(del) ? up : del;
    });
  }

  /** .NET's DateTime as Json.NET writes it (no zone: the server's, UK time); year 1 means never. */
  static Instant instant(String s) {
    if (s == null || s.isBlank() || s.startsWith("0001-")) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (RuntimeException e) {
      return LocalDateTime.parse(s).atZone(UK).toInstant();
    }
  }

  /** The indicators of a profile (of some of its domains when {@code domains} is not empty), in the API's order. */
  public Future<List<String>> profileIndicators(int profileId, List<Integer> domains) {
    return client.get("profile?profile_id=" + profileId, null).compose(a -> {
      JsonObject profile = new JsonObject(a.body());
      JsonArray groups = profile.getJsonArray("GroupIds", new JsonArray());
      List<String> ids = new ArrayList<>();
      for (Object g : groups) {
        if (domains.isEmpty() || domains.contains(((Number) g).intValue())) {
          ids.add(String.valueOf(g));
        }
      }
      if (ids.isEmpty()) {
        return Future.succeededFuture(List.<String>of());
      }
      return client.get("indicator_names/by_group_id?group_ids=" + String.join(",", ids), null).map(n -> {
        Set<String> out = new LinkedHashSet<>();
        for (Object o : new JsonArray(n.body())) {
          out.add(String.valueOf(((JsonObject) o).getValue("IndicatorId")));
        }
        return List.copyOf(out);
      });
    });
  }

  /** {@code indicator_search}: indicator id to the area types it has data for, in id order. */
  public Future<Map<String, List<Integer>>> search(String text) {
    return client.get("indicator_search?search_text=" + URLEncoder.encode(text, StandardCharsets.UTF_8), null)
        .map(a -> {
          Map<String, List<Integer>> m = new java.util.TreeMap<>(java.util.Comparator.comparingLong(Long::parseLong));
          JsonObject o = new JsonObject(a.body());
          for (String areaType : o.fieldNames()) {
            for (Object id : o.getJsonArray(areaType)) {
              m.computeIfAbsent(String.valueOf(id), k -> new ArrayList<>()).add(Integer.valueOf(areaType));
            }
          }
          m.values().forEach(l -> l.sort(null));
          return m;
        });
  }

  /** {@code available_data}: the area types an indicator has data for. */
  public Future<List<Integer>> areaTypesWithData(String indicatorId) {
    return client.get("available_data?indicator_id=" + indicatorId, null).map(a -> {
      Set<Integer> types = new java.util.TreeSet<>();
      for (Object o : new JsonArray(a.body())) {
        types.add(((JsonObject) o).getInteger("AreaTypeId"));
      }
      return List.copyOf(types);
    });
  }

  /** {@code profiles_containing_indicators}: indicator id to its profiles' names. */
  public Future<Map<String, List<String>>> profiles(List<String> ids) {
    return client.get("profiles_containing_indicators?indicator_ids=" + String.join(",", ids), null).map(a -> {
      Map<String, List<String>> m = new LinkedHashMap<>();
      JsonObject o = new JsonObject(a.body());
      for (String id : o.fieldNames()) {
        Set<String> names = new LinkedHashSet<>();
        for (Object p : o.getJsonArray(id)) {
          names.add(((JsonObject) p).getString("ProfileName"));
        }
        m.put(id, List.copyOf(names));
      }
      return m;
    });
  }

  /** {@code area_types}: id to name. */
  public Future<Map<Integer, String>> areaTypes() {
    return client.get("area_types", null).map(a -> {
      Map<Integer, String> m = new LinkedHashMap<>();
      for (Object o : new JsonArray(a.body())) {
        JsonObject t = (JsonObject) o;
        m.put(t.getInteger("Id"), t.getString("Name"));
      }
      return m;
    });
  }
}
