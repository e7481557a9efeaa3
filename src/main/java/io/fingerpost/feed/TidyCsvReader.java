package io.fingerpost.feed;

import static io.fingerpost.feed.CsvRecords.reject;
import static io.fingerpost.feed.CsvRecords.wrongWidth;

import io.fingerpost.config.ColumnMapping;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.config.IndicatorConfig;
import io.fingerpost.config.TidyColumns;
import io.fingerpost.model.Period;
import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import io.fingerpost.model.SeriesKey;
import java.io.IOException;
import java.io.Reader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * Streaming reader of a tidy CSV (one observation per row) through the feed's column mapping
 * ({@link TidyColumns}): each field comes from a named column or a constant, optionally translated.
 * Texts listed in {@code missingValues} (default: empty and {@code NA}) are "no value" in number
 * columns. Rejections as {@link FingertipsCsvReader}: wrong field count, no indicator or area, a period
 * or number that does not parse, a duplicated (series, period).
 */
public final class TidyCsvReader implements RowReader {

  private final CsvRecords csv;
  private final int width;
  private final Set<String> missing;
  private final Field indicatorId, indicatorName, areaCode, areaName, areaType, parentCode, sex, age,
      categoryType, category, period, value, lower95, upper95, lower998, upper998, count, denominator,
      valueNote, comparedToEngland;
  private final Map<String, Indicator> configured = new HashMap<>();
  private final DuplicateKeys seen = new DuplicateKeys();
  private final Map<String, Period> periods = new HashMap<>();

  /** One mapped field: a column index (or -1 for a constant) and its mapping. */
  private record Field(String key, int index, ColumnMapping mapping) {
    String get(String[] r) {
      if (mapping == null) {
        return "";
      }
      String raw = index < 0 ? null : r[index].trim();
      String v = mapping.map(raw);
      return v == null ? "" : v.trim();
    }
  }

  private TidyCsvReader(Reader in, FeedConfig feed) throws IOException {
    TidyColumns c = feed.columns();
    if (c == null) {
      throw new IllegalArgumentException("feed " + feed.name() + " has no column mapping");
    }
    csv = new CsvRecords(in, LongUnaryOperator.identity(), "empty file: no header");
    List<String> header = csv.header();
    width = header.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      index.putIfAbsent(header.get(i).trim(), i);
    }
    missing = new HashSet<>(feed.missingValues());
    for (IndicatorConfig ic : feed.indicators()) {
      configured.put(ic.id(), ic.toIndicator());
    }
    ColumnMapping idMapping = c.indicatorId() != null ? c.indicatorId()
        : ColumnMapping.constant(feed.indicators().get(0).id());
    indicatorId = field("indicatorId", idMapping, index, header);
    indicatorName = field("indicatorName", c.indicatorName(), index, header);
    areaCode = field("areaCode", c.areaCode(), index, header);
    areaName = field("areaName", c.areaName(), index, header);
    areaType = field("areaType", c.areaType(), index, header);
    parentCode = field("parentCode", c.parentCode(), index, header);
    sex = field("sex", c.sex(), index, header);
    age = field("age", c.age(), index, header);
    categoryType = field("categoryType", c.categoryType(), index, header);
    category = field("category", c.category(), index, header);
    period = field("period", c.period(), index, header);
    value = field("value", c.value(), index, header);
    lower95 = field("lowerCi95", c.lowerCi95(), index, header);
    upper95 = field("upperCi95", c.upperCi95(), index, header);
    lower998 = field("lowerCi998", c.lowerCi998(), index, header);
    upper998 = field("upperCi998", c.upperCi998(), index, header);
    count = field("count", c.count(), index, header);
    denominator = field("denominator", c.denominator(), index, header);
    valueNote = field("valueNote", c.valueNote(), index, header);
    comparedToEngland = field("comparedToEngland", c.comparedToEngland(), index, header);
  }

  private static Field field(String key, ColumnMapping m, Map<String, Integer> index, List<String> header) {
    if (m == null || m.column() == null) {
      return new Field(key, -1, m);
    }
    Integer i = index.get(m.column());
    if (i == null) {
      throw new FeedFormatException(1, "columns." + key + ": the header has no column '" + m.column()
          + "' (it has " + String.join(", ", header) + ")");
    }
    return new Field(key, i, m);
  }

  /** Opens a reader over a character stream and reads the header. The reader closes {@code in}. */
  public static TidyCsvReader open(Reader in, FeedConfig feed) throws IOException {
    try {
      return new TidyCsvReader(in, feed);
    } catch (RuntimeException | IOException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public boolean hasNext() {
    return csv.hasNext();
  }

  @Override
  public FeedRow next() {
    return csv.next((line, fields) -> toRow(line, fields.toArray()));
  }

  @Override
  public void expectRows(long rows) {
    seen.expect(rows);
  }

  @Override
  public List<LineRange> unread() {
    return csv.unread();
  }

  private FeedRow toRow(long line, String[] r) {
    if (r.length != width) {
      return wrongWidth(line, r, width);
    }
    try {
      String ind = indicatorId.get(r);
      if (ind.isEmpty()) {
        return reject(line, r, "no indicator id");
      }
      String area = areaCode.get(r);
      if (area.isEmpty()) {
        return reject(line, r, "no area code");
      }
      String label = period.get(r);
      if (label.isEmpty()) {
        return reject(line, r, "no period");
      }
      Period p = periods.get(label);
      if (p == null) {
        p = Period.parse(label);
        periods.put(label, p);
      }
      SeriesKey key = new SeriesKey(ind, area, sex.get(r), age.get(r), categoryType.get(r), category.get(r));
      String note = valueNote.get(r);
      Observation o = new Observation(key, p, number(r, value), number(r, lower95), number(r, upper95),
          number(r, lower998), number(r, upper998), number(r, count), number(r, denominator),
          note.isEmpty() || missing.contains(note) ? null : note);
      Indicator conf = configured.get(ind);
      String name = FingertipsCsvReader.blankToNull(indicatorName.get(r));
      Indicator indicator = conf != null ? conf : new Indicator(ind, name, null, null, null);
      if (conf != null && conf.name() == null && name != null) {
        indicator = new Indicator(ind, name, conf.unit(), conf.valueType(), conf.polarity());
      }
      Area a = new Area(area, FingertipsCsvReader.blankToNull(areaName.get(r)),
          FingertipsCsvReader.blankToNull(areaType.get(r)), FingertipsCsvReader.blankToNull(parentCode.get(r)));
      String cmp = comparedToEngland.get(r);
      PublishedVerdicts published = cmp.isEmpty() || missing.contains(cmp) ? PublishedVerdicts.NONE
          : new PublishedVerdicts(null, cmp, null, null, null);
      List<String> warnings = RowRules.check(o, indicator, a);
      long first = seen.firstLineOf(key, label, line);
      if (first >= 0) {
        return reject(line, r, "duplicates the series and period of line " + first);
      }
      return new ParsedRow(line, o, indicator, a, published, warnings);
    } catch (IllegalArgumentException e) {
      return reject(line, r, e.getMessage());
    }
  }

  private Double number(String[] r, Field f) {
    String t = f.get(r);
    if (missing.contains(t)) {
      return null;
    }
    String column = f.mapping() != null && f.mapping().column() != null ? f.mapping().column() : f.key();
    return Values.number(t, column);
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }
}
