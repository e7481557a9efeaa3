package io.fingerpost.feed;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Observation;

/**
 * A record that parsed: the observation plus what the source says about its indicator and area, and
 * the verdicts the source itself published (Fingertips' "Compared to …" and "Recent Trend" columns;
 * null parts when the source has none) so callers can hold our methods against them.
 */
public record ParsedRow(
    long line, Observation observation, Indicator indicator, Area area, PublishedVerdicts published)
    implements FeedRow {}
