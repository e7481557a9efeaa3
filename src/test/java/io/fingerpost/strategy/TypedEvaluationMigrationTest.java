package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V11 on a database made by the version before it (V1…V10 and V20 applied, evaluations with verdict texts
 * only): Flyway applies it out of order, the code columns are filled from the texts (a text that is no known
 * label stays without a code), and {@code current_evaluation} gives each target's newest row with the status
 * of the period before.
 */
class TypedEvaluationMigrationTest {

  private static final List<String> BEFORE = List.of("V1__core_tables.sql", "V2__no_foreign_keys_on_write_path.sql",
      "V3__feed_chunks.sql", "V10__targets.sql", "V20__alerts.sql");

  @Test
  void upgradesAnOlderDatabaseAndBackfillsCodes() throws Exception {
    EmbeddedPostgres pg = TestDatabase.server();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE typed_evaluation_upgrade");
    }
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/typed_evaluation_upgrade";
    Path old = Files.createTempDirectory("migrations-before-v11");
    for (String f : BEFORE) {
      try (InputStream in = getClass().getResourceAsStream("/db/migration/" + f)) {
        Files.copy(in, old.resolve(f));
      }
    }
    Flyway.configure().dataSource(url, "postgres", null).locations("filesystem:" + old).load().migrate();
    try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
      s.execute("INSERT INTO target (id, name, indicator_id, area_code, direction, baseline_period, target_period,"
          + " definition, form) VALUES ('t1', 'T1', '1', 'E1', 'increase', '2018', '2030', '{}', 'ABSOLUTE')");
      s.execute("INSERT INTO evaluation (target_id, period, period_t, status, explanation, verdicts, fingerprint,"
          + " compared_to_england, compared_to_region, recent_trend, spc_point_type, spc_assurance) VALUES"
          + " ('t1', '2020', 2020.5, 'AT_RISK', 'x', '{}', 'a', 'Worse', ' not compared ', 'Increasing and getting worse',"
          + "  'special_cause_concern', 'consistent_fail'),"
          + " ('t1', '2021', 2021.5, 'ON_TRACK', 'x', '{}', 'b', 'Worst', 'Something else', 'Cannot be calculated',"
          + "  'common_cause', 'inconsistent'),"
          + " ('t1', NULL, NULL, 'NOT_ENOUGH_DATA', 'x', '{}', 'c', NULL, NULL, NULL, NULL, NULL)");

      Database.migrate(url, "postgres", null);

      ResultSet r = s.executeQuery("SELECT compared_to_england_code, compared_to_region_code, recent_trend_code,"
          + " spc_point_type_code, spc_assurance_code FROM evaluation ORDER BY id");
      r.next();
      assertEquals(List.of("WORSE", "NOT_COMPARED", "INCREASING_GETTING_WORSE", "SPECIAL_CAUSE_CONCERN",
          "CONSISTENT_FAIL"), row(r));
      r.next();
      assertEquals("WORST", r.getString(1));
      assertNull(r.getString(2), "an unknown text has no code");
      assertEquals(List.of("CANNOT_BE_CALCULATED", "COMMON_CAUSE", "INCONSISTENT"), row(r).subList(2, 5));
      r.next();
      assertTrue(row(r).stream().allMatch(v -> v == null));

      ResultSet cur = s.executeQuery("SELECT status, period, previous_status, previous_period FROM current_evaluation");
      cur.next();
      assertEquals("NOT_ENOUGH_DATA", cur.getString(1));
      assertNull(cur.getString(2));
      assertEquals("ON_TRACK", cur.getString(3));
      assertEquals("2021", cur.getString(4));
    }
  }

  private static List<String> row(ResultSet r) throws Exception {
    return java.util.Arrays.asList(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5));
  }
}
