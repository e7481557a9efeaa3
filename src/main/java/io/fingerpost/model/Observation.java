package io.fingerpost.model;


/**
 * One published value of a series for one period, as a feed delivers it. Numbers that the source
 * leaves blank are null.
 */
public record Observation(
    SeriesKey key,
    Period period,
    Double value,
    Double lowerCi95,
    Double upperCi95,
    Double lowerCi998,
    Double upperCi998,
    Double count,
    Double denominator,
    String valueNote) {}
