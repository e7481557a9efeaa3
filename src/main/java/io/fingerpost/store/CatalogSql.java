package io.fingerpost.store;

/** The statements that write indicators and areas ({@link SeriesCatalog}): a feed's upserts and a push's. */
final class CatalogSql {
  private CatalogSql() {}

  static final String UPSERT_INDICATORS = """
      INSERT INTO indicator (id, name, unit, value_type, polarity, name_source)
      SELECT *, CASE WHEN n IS NULL THEN NULL ELSE 'feed' END
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS g(i, n, u, t, p)
      ON CONFLICT (id) DO UPDATE SET
        name = COALESCE(excluded.name, indicator.name),
        unit = COALESCE(excluded.unit, indicator.unit),
        value_type = COALESCE(excluded.value_type, indicator.value_type),
        polarity = COALESCE(excluded.polarity, indicator.polarity),
        name_source = COALESCE(excluded.name_source, indicator.name_source)
      WHERE (indicator.name, indicator.unit, indicator.value_type, indicator.polarity, indicator.name_source)
        IS DISTINCT FROM
        (COALESCE(excluded.name, indicator.name), COALESCE(excluded.unit, indicator.unit),
         COALESCE(excluded.value_type, indicator.value_type), COALESCE(excluded.polarity, indicator.polarity),
         COALESCE(excluded.name_source, indicator.name_source))
      """;

  static final String UPSERT_AREAS = """
      INSERT INTO area (code, name, type, parent_code, name_source)
      SELECT *, CASE WHEN n IS NULL THEN NULL ELSE 'feed' END
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS g(c, n, t, p)
      ON CONFLICT (code) DO UPDATE SET
        name = COALESCE(excluded.name, area.name),
        type = COALESCE(excluded.type, area.type),
        parent_code = COALESCE(excluded.parent_code, area.parent_code),
        name_source = COALESCE(excluded.name_source, area.name_source)
      WHERE (area.name, area.type, area.parent_code, area.name_source) IS DISTINCT FROM
        (COALESCE(excluded.name, area.name), COALESCE(excluded.type, area.type),
         COALESCE(excluded.parent_code, area.parent_code), COALESCE(excluded.name_source, area.name_source))
      """;

  /**
   * A push's indicators: new ones are added; a known one only gets what it lacks (a name, unit, type or
   * polarity), and a new name only over a name an earlier push gave. No ON CONFLICT DO UPDATE: that locks
   * every conflicting row until commit, which would queue concurrent pushes of one indicator behind each other.
   */
  static final String PUSH_INDICATORS = """
      WITH given AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
          AS g(id, name, unit, value_type, polarity)
      ), added AS (
        INSERT INTO indicator (id, name, unit, value_type, polarity, name_source)
        SELECT id, name, unit, value_type, polarity, CASE WHEN name IS NULL THEN NULL ELSE 'push' END FROM given
        ON CONFLICT (id) DO NOTHING RETURNING id
      )
      UPDATE indicator i SET
        name = CASE WHEN i.name IS NULL OR i.name_source = 'push' THEN COALESCE(g.name, i.name) ELSE i.name END,
        name_source = CASE WHEN (i.name IS NULL OR i.name_source = 'push') AND g.name IS NOT NULL THEN 'push'
                           ELSE i.name_source END,
        unit = COALESCE(i.unit, g.unit), value_type = COALESCE(i.value_type, g.value_type),
        polarity = COALESCE(i.polarity, g.polarity)
      FROM given g
      WHERE i.id = g.id AND g.id NOT IN (SELECT id FROM added)
        AND ((g.name IS NOT NULL AND (i.name IS NULL OR i.name_source = 'push') AND i.name IS DISTINCT FROM g.name)
          OR (i.unit IS NULL AND g.unit IS NOT NULL) OR (i.value_type IS NULL AND g.value_type IS NOT NULL)
          OR (i.polarity IS NULL AND g.polarity IS NOT NULL))
      """;

  /** A push's areas, as {@link #PUSH_INDICATORS}: add what is missing, never overwrite a feed's name. */
  static final String PUSH_AREAS = """
      WITH given AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS g(code, name, type, parent_code)
      ), added AS (
        INSERT INTO area (code, name, type, parent_code, name_source)
        SELECT code, name, type, parent_code, CASE WHEN name IS NULL THEN NULL ELSE 'push' END FROM given
        ON CONFLICT (code) DO NOTHING RETURNING code
      )
      UPDATE area a SET
        name = CASE WHEN a.name IS NULL OR a.name_source = 'push' THEN COALESCE(g.name, a.name) ELSE a.name END,
        name_source = CASE WHEN (a.name IS NULL OR a.name_source = 'push') AND g.name IS NOT NULL THEN 'push'
                           ELSE a.name_source END,
        type = COALESCE(a.type, g.type), parent_code = COALESCE(a.parent_code, g.parent_code)
      FROM given g
      WHERE a.code = g.code AND g.code NOT IN (SELECT code FROM added)
        AND ((g.name IS NOT NULL AND (a.name IS NULL OR a.name_source = 'push') AND a.name IS DISTINCT FROM g.name)
          OR (a.type IS NULL AND g.type IS NOT NULL) OR (a.parent_code IS NULL AND g.parent_code IS NOT NULL))
      """;
}
