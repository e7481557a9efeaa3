package io.fingerpost.feed;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;
import java.util.List;

/**
 * A record that parsed: the observation plus what the source says about its indicator and area, and
 * the verdicts the source itself published (Fingertips' "Compared to …" and "Recent Trend" columns;
 * null parts when the source has none) so callers can hold our methods against them. {@code warnings}:
 * what {@link RowRules} found odd but storable (the row is stored; the warnings are listed with the
 * rejections).
 */
public record ParsedRow(
    long line, Observation observation, Indicator indicator, Area area, PublishedVerdicts published,
    List<String> warnings)
    implements FeedRow {

  public ParsedRow {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  public ParsedRow(long line, Observation observation, Indicator indicator, Area area, PublishedVerdicts published) {
    this(line, observation, indicator, area, published, List.of());
  }
}
