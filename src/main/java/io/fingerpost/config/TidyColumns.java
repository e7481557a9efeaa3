package io.fingerpost.config;

/**
 * The column mapping of a tidy-csv feed: where each part of an observation comes from. Required:
 * areaCode, period, value, and indicatorId unless the feed lists exactly one indicator. Unmapped
 * breakdown parts are empty.
 */
public record TidyColumns(
    ColumnMapping indicatorId,
    ColumnMapping indicatorName,
    ColumnMapping areaCode,
    ColumnMapping areaName,
    ColumnMapping areaType,
    ColumnMapping parentCode,
    ColumnMapping sex,
    ColumnMapping age,
    ColumnMapping categoryType,
    ColumnMapping category,
    ColumnMapping period,
    ColumnMapping value,
    ColumnMapping lowerCi95,
    ColumnMapping upperCi95,
    ColumnMapping lowerCi998,
    ColumnMapping upperCi998,
    ColumnMapping count,
    ColumnMapping denominator,
    ColumnMapping valueNote,
    ColumnMapping comparedToEngland) {}
