package io.fingerpost.model;

import java.util.Map;
import java.util.Objects;

/**
 * What an indicator's publisher says about it (the Fingertips API's indicator metadata; any API source fills
 * the same fields): {@code polarity} is the publisher's own name for it (Fingertips: "RAG - High is good",
 * "RAG - Low is good", "BOB - Blue orange blue", "Not applicable"), {@code polarityCode} Fingerpost's reading of
 * it; {@code benchmarkingMethod} and {@code confidenceLevel} (95 or 99.8) how the publisher compares areas.
 * {@code overrides} holds the values a feed's configuration set instead (field name to value). Null: not given.
 */
public record IndicatorMetadata(String indicatorId, String source, String name, String definition, String unit,
                                String valueType, String yearType, String polarity, Polarity polarityCode,
                                String benchmarkingMethod, Double confidenceLevel, String ciMethod,
                                Map<String, String> overrides) {
  public IndicatorMetadata {
    Objects.requireNonNull(indicatorId, "indicatorId");
    Objects.requireNonNull(source, "source");
    overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
  }

  /**
   * Fingerpost's polarity for a Fingertips polarity name: "RAG - High is good" and "RAG - Low is good" judge;
   * "BOB - Blue orange blue" (higher/lower only), "Not applicable", "No judgement" and anything unknown do not,
   * so the engine compares such an indicator as higher/lower, never better/worse. Null for no name.
   */
  public static Polarity polarityOf(String fingertipsName) {
    if (fingertipsName == null || fingertipsName.isBlank()) {
      return null;
    }
    String n = fingertipsName.toLowerCase(java.util.Locale.ROOT);
    if (n.startsWith("rag") && n.contains("high is good")) {
      return Polarity.HIGH_IS_GOOD;
    }
    if (n.startsWith("rag") && n.contains("low is good")) {
      return Polarity.LOW_IS_GOOD;
    }
    return Polarity.NO_JUDGEMENT;
  }

  /** The indicator as the engine uses it: the metadata with the overrides applied. */
  public Indicator indicator() {
    String pol = overrides.get("polarity");
    return new Indicator(indicatorId, overrides.getOrDefault("name", name), overrides.getOrDefault("unit", unit),
        overrides.getOrDefault("valueType", valueType), pol != null ? Polarity.parse(pol) : polarityCode);
  }
}
