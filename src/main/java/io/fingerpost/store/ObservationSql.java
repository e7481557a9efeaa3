package io.fingerpost.store;

/** The statements that write observations ({@link ObservationStore}, {@link RacedUpsert}, {@link CopyWriter}). */
final class ObservationSql {
  private ObservationSql() {}

  /**
   * One statement per batch: find the rows that are new or differ, keep the replaced values as
   * revisions, write the rows, and report per series what happened.
   *
   * <p>Concurrent writers of the same rows (a push and a feed, or pushes) must not lose history, so the
   * row a value replaces is read under its row lock ({@code FOR UPDATE} waits for a concurrent writer and
   * then returns the row as that writer committed it), not from the statement's snapshot; a value written
   * meanwhile is therefore the one kept. Only rows that differ from the snapshot are locked, so an
   * unchanged re-read still writes nothing. A row that did not exist for the snapshot but was inserted by
   * a concurrent writer before this one could insert it is not overwritten (the revision guard): it comes
   * back in {@code raced} (ordinals of the input) and the store's upsert writes it with a second statement in
   * the same transaction, which sees it and keeps it. The probe for {@code had_before} reads the snapshot:
   * whether the series had observations before the statement.
   */
  static final String UPSERT_OBSERVATIONS = """
      WITH input AS (
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                             $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[],
                             $16::bool[])
          WITH ORDINALITY AS i(series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,
               lower_ci998, upper_ci998, count, denominator, value_note, ci_computed, n)
      ), candidates AS MATERIALIZED (
        -- new or different as the snapshot sees them (the rows of a re-read mostly are neither).
        -- LATERAL … LIMIT 1: one primary-key probe per input row; a hash join would scan the
        -- whole table for every batch
        SELECT i.* FROM input i LEFT JOIN LATERAL (
          SELECT * FROM observation x WHERE x.series_id = i.series_id AND x.period = i.period LIMIT 1) o ON true
        WHERE o.series_id IS NULL
           OR (o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count, o.denominator,
               o.value_note, o.period_start, o.period_end, o.ci_computed)
              IS DISTINCT FROM
              (i.value, i.lower_ci95, i.upper_ci95, i.lower_ci998, i.upper_ci998, i.count, i.denominator,
               i.value_note, i.period_start, i.period_end, i.ci_computed)
      ), changed AS MATERIALIZED (
        -- the candidates against the stored row as it is now, locked until commit (in key order, so
        -- concurrent batches take their locks in the same order), with the row they replace (NULLs when new)
        SELECT c.*, o.revision AS old_revision, o.period_start AS old_period_start, o.period_end AS old_period_end,
               o.value AS old_value, o.lower_ci95 AS old_lower_ci95, o.upper_ci95 AS old_upper_ci95,
               o.lower_ci998 AS old_lower_ci998, o.upper_ci998 AS old_upper_ci998, o.count AS old_count,
               o.denominator AS old_denominator, o.value_note AS old_value_note, o.source AS old_source,
               o.first_seen AS old_first_seen, o.last_seen AS old_last_seen, o.ci_computed AS old_ci_computed
        FROM (SELECT * FROM candidates ORDER BY series_id, period) c LEFT JOIN LATERAL (
          SELECT * FROM observation x WHERE x.series_id = c.series_id AND x.period = c.period FOR UPDATE) o ON true
        WHERE o.series_id IS NULL
           OR (o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count, o.denominator,
               o.value_note, o.period_start, o.period_end, o.ci_computed)
              IS DISTINCT FROM
              (c.value, c.lower_ci95, c.upper_ci95, c.lower_ci998, c.upper_ci998, c.count, c.denominator,
               c.value_note, c.period_start, c.period_end, c.ci_computed)
      ), kept AS (
        -- no ON CONFLICT: under the lock a revision is kept once; a clash is a bug and must not pass silently
        INSERT INTO observation_revision (series_id, period, revision, period_start, period_end, value,
          lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator, value_note, source,
          first_seen, last_seen, ci_computed)
        SELECT series_id, period, old_revision, old_period_start, old_period_end, old_value, old_lower_ci95,
          old_upper_ci95, old_lower_ci998, old_upper_ci998, old_count, old_denominator, old_value_note,
          old_source, old_first_seen, old_last_seen, old_ci_computed
        FROM changed WHERE old_revision IS NOT NULL
      ), written AS (
        INSERT INTO observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,
          lower_ci998, upper_ci998, count, denominator, value_note, source, revision, ci_computed)
        SELECT series_id, period, period_start, period_end, value, lower_ci95, upper_ci95, lower_ci998,
          upper_ci998, count, denominator, value_note, $13, COALESCE(old_revision, 0) + 1, ci_computed FROM changed
        ON CONFLICT (series_id, period) DO UPDATE SET
          period_start = excluded.period_start, period_end = excluded.period_end, value = excluded.value,
          lower_ci95 = excluded.lower_ci95, upper_ci95 = excluded.upper_ci95,
          lower_ci998 = excluded.lower_ci998, upper_ci998 = excluded.upper_ci998, count = excluded.count,
          denominator = excluded.denominator, value_note = excluded.value_note, source = excluded.source,
          revision = excluded.revision, last_seen = now(), ci_computed = excluded.ci_computed
        -- only the row read under lock above; a row that appeared after the snapshot is left as it is
        WHERE observation.revision = excluded.revision - 1
        RETURNING series_id, period
      ), probe AS (
        -- only the series whose history the poll does not know yet ($14; empty after a first load), with
        -- observations from before the feed's first load began ($15; null: any)
        SELECT p.id FROM unnest($14::bigint[]) AS p(id)
        WHERE EXISTS (SELECT 1 FROM observation o WHERE o.series_id = p.id
                      AND ($15::timestamptz IS NULL OR o.first_seen < $15::timestamptz))
      )
      SELECT c.series_id,
             count(*) FILTER (WHERE c.old_revision IS NULL AND w.series_id IS NOT NULL) AS inserted,
             count(*) FILTER (WHERE c.old_revision IS NOT NULL) AS updated,
             c.series_id IN (SELECT id FROM probe) AS had_before,
             array_agg(c.n) FILTER (WHERE w.series_id IS NULL) AS raced
      FROM changed c LEFT JOIN written w ON w.series_id = c.series_id AND w.period = c.period
      GROUP BY c.series_id
      """;

  /**
   * A first poll's batch as plain inserts, no compare: a row that is already stored fails the whole
   * statement on the primary key (nothing is written) and the batch goes through
   * {@link #UPSERT_OBSERVATIONS} instead. Returns the series of $14 that had observations before ($15).
   */
  static final String INSERT_OBSERVATIONS = """
      WITH written AS (
        INSERT INTO observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,
          lower_ci998, upper_ci998, count, denominator, value_note, ci_computed, source)
        SELECT i.*, $13::text
        FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                    $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[],
                    $16::bool[]) AS i
      )
      SELECT p.id FROM unnest($14::bigint[]) AS p(id)
      WHERE EXISTS (SELECT 1 FROM observation o WHERE o.series_id = p.id
                    AND ($15::timestamptz IS NULL OR o.first_seen < $15::timestamptz))
      """;
}
