package io.fingerpost.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one field of a tidy-csv row comes from: a {@code column} of the file, or a constant
 * {@code value}. {@code values} translates source values ({@code NA: ""}); {@code otherwise} replaces
 * every source value that {@code values} does not list. Written as a plain string it is a column name.
 *
 * <pre>
 *   sex: inequality                                   # the column "inequality"
 *   sex: {value: Persons}                             # a constant
 *   category: {column: inequality, values: {NA: ""}}  # "NA" means no breakdown
 *   categoryType: {column: inequality, values: {NA: ""}, otherwise: "Deprivation quintile"}
 *   period: {column: period, format: iso-interval}    # 2018-01-01/P3Y → 2018 - 20 (PeriodLabels)
 * </pre>
 *
 * {@code format} (period only) rewrites the mapped text from another publisher's period form.
 */
public record ColumnMapping(String column, String value, Map<String, String> values, String otherwise,
    String format) {

  /**
   * {@code values} kept in key order: the feed's fingerprint covers its configuration's text, and
   * {@code Map.copyOf}'s order changes from one JVM to the next (a salted hash), so every tidy-csv feed with
   * {@code values} was read again in full at each start.
   */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public ColumnMapping {
    values = values == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(values)));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ColumnMapping ofColumn(String column) {
    return new ColumnMapping(column, null, null, null, null);
  }

  public static ColumnMapping constant(String value) {
    return new ColumnMapping(null, value, null, null, null);
  }

  /** The mapped value of a source value (the column's text, trimmed). */
  public String map(String source) {
    if (column == null) {
      return value;
    }
    String mapped = values.get(source);
    if (mapped == null) {
      mapped = otherwise != null ? otherwise : source;
    }
    return format == null ? mapped : PeriodLabels.rewrite(format, mapped == null ? null : mapped.trim());
  }
}
