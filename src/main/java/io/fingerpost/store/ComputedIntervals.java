package io.fingerpost.store;

import io.fingerpost.engine.CountCi;
import io.fingerpost.engine.ValueType;
import io.fingerpost.model.Observation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Confidence intervals from counts (issue 12, item 4), in the one place every row passes before it is
 * written (feeds and pushes alike, {@link ObservationStore}): a row with a count and a denominator but no
 * 95% (or no 99.8%) interval gets the missing one(s) from the engine's {@link CountCi}, by the indicator's
 * stored {@code value_type} and {@code unit}, and is marked {@code ci_computed}. A published limit is never
 * replaced: a level is computed only when both its limits are absent.
 *
 * <ul>
 *   <li>Proportion: Wilson ({@link CountCi#proportion}); crude rate: exact Poisson below 10 events, Byar's
 *       otherwise ({@link CountCi#rate}).</li>
 *   <li>The scale comes from the unit only, so it is never guessed: {@code %} or {@code per 100} → ×100,
 *       {@code per 1,000} → ×1000, … (any {@code per N}); a proportion without a unit is not computed. When
 *       the row has a value that disagrees with count/denominator × scale by more than 5% (another
 *       numerator, a different scale), nothing is computed: the inputs are not what the interval needs.</li>
 *   <li>Directly standardised rates, ratios and other types are not computed: one row has no age bands
 *       (Dobson needs them) and no expected count.</li>
 * </ul>
 * The indicator is read from the database after the batch's metadata is written, so a push into an
 * indicator a feed configured gets that feed's value type; a batch without a row that needs it sends no
 * statement.
 */
final class ComputedIntervals {
  private ComputedIntervals() {}

  /** The rows to write and, per row, whether an interval was computed. */
  record Completed(List<Observation> observations, Boolean[] computed) {}

  /** How an indicator's intervals are computed: its type and multiplier. */
  record Kind(ValueType type, double multiplier) {}

  private static final Pattern PER = Pattern.compile("per\\s+([0-9][0-9,]*)");
  /** Largest relative gap between a published value and count/denominator × scale. */
  private static final double VALUE_TOLERANCE = 0.05;

  /** Fills the missing intervals of {@code rows}, reading value types through {@code client}. */
  static Future<Completed> complete(SqlClient client, List<Observation> rows) {
    Set<String> ids = new TreeSet<>();
    for (Observation o : rows) {
      if (wanted(o)) {
        ids.add(o.key().indicatorId());
      }
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture(new Completed(rows, none(rows.size())));
    }
    return client.preparedQuery("SELECT id, value_type, unit FROM indicator WHERE id = ANY($1::text[])")
        .execute(Tuple.of(ids.toArray(new String[0]))).map(result -> {
          Map<String, Kind> kinds = new HashMap<>();
          for (Row r : result) {
            Kind k = kind(r.getString("value_type"), r.getString("unit"));
            if (k != null) {
              kinds.put(r.getString("id"), k);
            }
          }
          return complete(rows, kinds);
        });
  }

  /** {@link #complete(SqlClient, List)} on a JDBC connection (the COPY worker's, {@link CopyWriter}). */
  static Completed complete(java.sql.Connection c, List<Observation> rows) throws java.sql.SQLException {
    Set<String> ids = new TreeSet<>();
    for (Observation o : rows) {
      if (wanted(o)) {
        ids.add(o.key().indicatorId());
      }
    }
    if (ids.isEmpty()) {
      return new Completed(rows, none(rows.size()));
    }
    Map<String, Kind> kinds = new HashMap<>();
    try (java.sql.PreparedStatement s = c.prepareStatement(
        "SELECT id, value_type, unit FROM indicator WHERE id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (java.sql.ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Kind k = kind(r.getString(2), r.getString(3));
          if (k != null) {
            kinds.put(r.getString(1), k);
          }
        }
      }
    }
    return complete(rows, kinds);
  }

  /** Pure part of {@link #complete(SqlClient, List)}: kinds by indicator id. */
  static Completed complete(List<Observation> rows, Map<String, Kind> kinds) {
    List<Observation> out = new ArrayList<>(rows.size());
    Boolean[] computed = none(rows.size());
    for (int k = 0; k < rows.size(); k++) {
      Observation o = rows.get(k);
      Kind kind = wanted(o) ? kinds.get(o.key().indicatorId()) : null;
      Observation c = kind == null ? o : withIntervals(o, kind);
      computed[k] = c != o;
      out.add(c);
    }
    return new Completed(out, computed);
  }

  /** A count and a denominator, and at least one level without either limit. */
  static boolean wanted(Observation o) {
    return o.count() != null && o.denominator() != null
        && ((o.lowerCi95() == null && o.upperCi95() == null) || (o.lowerCi998() == null && o.upperCi998() == null));
  }

  /** The kind of a stored indicator, or null when its intervals are not computed. */
  static Kind kind(String valueType, String unit) {
    ValueType type;
    try {
      type = ValueType.parse(valueType);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (type != ValueType.PROPORTION && type != ValueType.CRUDE_RATE) {
      return null;
    }
    Double m = multiplier(unit);
    return m == null ? null : new Kind(type, m);
  }

  /** The scale a unit names: {@code %}, {@code per 100} → 100; {@code per 100,000} → 100000; else null. */
  static Double multiplier(String unit) {
    if (unit == null) {
      return null;
    }
    String u = unit.trim().toLowerCase(Locale.ROOT);
    if (u.equals("%") || u.equals("percent") || u.equals("percentage")) {
      return 100.0;
    }
    Matcher m = PER.matcher(u);
    if (m.find()) {
      double d = Double.parseDouble(m.group(1).replace(",", ""));
      return d > 0 ? d : null;
    }
    return null;
  }

  /** The row with its missing level(s) filled, or the row itself when the inputs do not allow it. */
  private static Observation withIntervals(Observation o, Kind kind) {
    double x = o.count();
    double n = o.denominator();
    if (!(n > 0) || (kind.type() == ValueType.PROPORTION && x > n)) {
      return o;
    }
    CountCi.Estimate e = kind.type() == ValueType.PROPORTION
        ? CountCi.proportion(x, n, kind.multiplier()) : CountCi.rate(x, n, kind.multiplier());
    Double v = o.value();
    if (v != null && Math.abs(v - e.value()) > VALUE_TOLERANCE * Math.max(Math.abs(v), Math.abs(e.value()))) {
      return o;
    }
    boolean fill95 = o.lowerCi95() == null && o.upperCi95() == null && (e.lower95() != null || e.upper95() != null);
    boolean fill998 = o.lowerCi998() == null && o.upperCi998() == null
        && (e.lower998() != null || e.upper998() != null);
    if (!fill95 && !fill998) {
      return o;
    }
    return new Observation(o.key(), o.period(), o.value(),
        fill95 ? e.lower95() : o.lowerCi95(), fill95 ? e.upper95() : o.upperCi95(),
        fill998 ? e.lower998() : o.lowerCi998(), fill998 ? e.upper998() : o.upperCi998(),
        o.count(), o.denominator(), o.valueNote());
  }

  private static Boolean[] none(int n) {
    Boolean[] b = new Boolean[n];
    java.util.Arrays.fill(b, Boolean.FALSE);
    return b;
  }
}
