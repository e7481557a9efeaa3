package io.fingerpost.strategy;

import io.vertx.sqlclient.Row;

/**
 * A target with the names of its indicator and area: what an alert says about it (names for the sentence, labels
 * for routing) and the labels of its Prometheus indicator state. Read from the {@code target}, {@code indicator}
 * and {@code area} tables by {@link #of(Row)}. Empty strings, never null, for missing names and breakdown parts.
 */
public record TargetContext(
    String targetId,
    String targetName,
    String indicatorId,
    String indicatorName,
    String unit,
    String areaCode,
    String areaName,
    String sex,
    String age,
    String categoryType,
    String category,
    String strategyGroup,
    String team,
    String targetPeriod,
    Double targetValue,
    String horizonYears,
    String direction) {

  /**
   * The columns every reader selects, joined as {@code target t LEFT JOIN indicator i LEFT JOIN area a}; the
   * query adds the target's id as {@code target_id}.
   */
  public static final String COLUMNS = """
      t.name AS target_name, t.indicator_id, i.name AS indicator_name, i.unit AS unit, t.area_code, a.name AS area_name,
      t.sex, t.age, t.category_type, t.category, t.strategy_group, t.team, t.target_period,
      t.target_value AS target_goal_value, t.horizon_years::text AS horizon_years, t.direction""";

  /** Reads {@link #COLUMNS} (and {@code target_id}) from a query row. */
  public static TargetContext of(Row r) {
    return new TargetContext(r.getString("target_id"), r.getString("target_name"), r.getString("indicator_id"),
        r.getString("indicator_name"), r.getString("unit"), r.getString("area_code"), r.getString("area_name"),
        r.getString("sex"), r.getString("age"), r.getString("category_type"), r.getString("category"),
        r.getString("strategy_group"), r.getString("team"), r.getString("target_period"),
        r.getDouble("target_goal_value"), r.getString("horizon_years"), r.getString("direction"));
  }

  public TargetContext {
    targetName = nz(targetName);
    indicatorName = nz(indicatorName);
    unit = nz(unit);
    areaName = nz(areaName);
    sex = nz(sex);
    age = nz(age);
    categoryType = nz(categoryType);
    category = nz(category);
    strategyGroup = nz(strategyGroup);
    team = nz(team);
    targetPeriod = nz(targetPeriod);
    horizonYears = nz(horizonYears);
    direction = nz(direction);
  }

  /** "Female, 65+ yrs, Deprivation decile: Most deprived" or "" for the whole population. */
  public String breakdown() {
    StringBuilder sb = new StringBuilder();
    for (String part : new String[] {sex, age}) {
      if (!part.isEmpty() && !part.equalsIgnoreCase("Persons") && !part.equalsIgnoreCase("All ages")) {
        append(sb, part);
      }
    }
    if (!category.isEmpty()) {
      append(sb, categoryType.isEmpty() ? category : categoryType + ": " + category);
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, String s) {
    if (sb.length() > 0) {
      sb.append(", ");
    }
    sb.append(s);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
