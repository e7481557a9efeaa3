package io.fingerpost.alert;

/**
 * What an alert says about the target an evaluation belongs to: names for the sentence, labels for
 * routing. Read from the {@code target}, {@code series}, {@code indicator} and {@code area} tables.
 * Empty strings, never null, for missing breakdown parts.
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
    Double targetValue) {

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
