package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fingerpost.TestDatabase;
import io.fingerpost.event.Events;
import io.fingerpost.event.FeedStatus;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.event.TargetsEvaluated;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.Database;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator marks only the targets whose evaluation reads a changed series (docs/internals.md "Which targets a
 * change marks"), on a real (embedded) PostgreSQL: a sibling district's change does not re-evaluate a place's
 * target; England's and the parent region's do, and the region's new value changes the verdict; a place whose
 * area is not stored is marked on any change; an area given a new parent has its target evaluated again.
 */
@ExtendWith(VertxExtension.class)
class BenchmarkReadersTest {

  private static final String IND = "93000";
  private static final String ENGLAND = "E92000001";
  private static final String REGION = "E12000005";
  private static final String OTHER_REGION = "E12000004";
  private static final String DUDLEY = "E08000027";
  private static final String SANDWELL = "E08000028";
  private static final String UNSTORED = "E08000031";

  static Database database;

  @AfterAll
  static void close() throws Exception {
    if (database != null) {
      database.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void marksOnlyTheTargetsThatReadTheChangedSeries(Vertx vertx, @TempDir Path dir) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('" + IND + "', 'Smoking prevalence', '%', 'Proportion', 'LOW_IS_GOOD')");
    db.execute("INSERT INTO area (code, name, type, parent_code) VALUES ('" + ENGLAND + "', 'England', 'Country', NULL),"
        + " ('" + REGION + "', 'West Midlands', 'Region', '" + ENGLAND + "'),"
        + " ('" + OTHER_REGION + "', 'East Midlands', 'Region', '" + ENGLAND + "'),"
        + " ('" + DUDLEY + "', 'Dudley', 'UA', '" + REGION + "'), ('" + SANDWELL + "', 'Sandwell', 'UA', '" + REGION + "')");
    for (String area : List.of(ENGLAND, REGION, OTHER_REGION, DUDLEY, SANDWELL)) {
      db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('" + IND + "', '" + area
          + "', 'Persons', 'All ages')");
      for (int y = 2015; y <= 2022; y++) {
        // Dudley's 95% CI is 19–21 in every year; the regions' values sit inside it (similar), England's too
        observation(db, area, y, area.equals(DUDLEY) || area.equals(SANDWELL) ? 20 - 0.1 * (y - 2015) : 20.0);
      }
    }
    Path file = dir.resolve("targets.yaml");
    Files.writeString(file, """
        targets:
          - id: smoking
            name: Smoking, persons
            indicator: "93000"
            sex: Persons
            age: All ages
            group: test
            horizonYears: 10
            team: public-health
            direction: decrease
            baseline: {period: "2016"}
            target: {period: "2030"}
            tolerance: {amber: 5%, red: 10%}
            places: [E08000027, E08000028, E08000031]
        """);
    List<TargetDefinition> targets = TargetsLoader.loadFiles(List.of(file));
    String dudley = "smoking";
    String sandwell = "smoking@" + SANDWELL;
    String unstored = "smoking@" + UNSTORED;

    database = db.start(vertx).await(60, TimeUnit.SECONDS);
    LinkedBlockingQueue<TargetsEvaluated> rounds = new LinkedBlockingQueue<>();
    Events.consumer(vertx, TargetsEvaluated.ADDRESS, rounds::add);
    vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets)).await(30, TimeUnit.SECONDS);
    assertEquals(Set.of(dudley, sandwell, unstored), evaluated(rounds), "the start-up round");
    Row before = latest(dudley);
    assertEquals("Similar", before.getString("compared_to_region"));

    // a sibling district's change: Sandwell's target only (and the place not stored, whose parent is unknown)
    observation(db, SANDWELL, 2023, 18.0);
    changed(vertx, SANDWELL);
    assertEquals(Set.of(sandwell, unstored), evaluated(rounds), "a sibling's change");
    assertEquals(before.getLong("id"), latest(dudley).getLong("id"), "Dudley's verdict is untouched");

    // another region's change: nobody of the West Midlands reads it
    observation(db, OTHER_REGION, 2023, 30.0);
    changed(vertx, OTHER_REGION);
    assertEquals(Set.of(unstored), evaluated(rounds), "another region's change");

    // the parent region's change: both districts; Dudley's latest (2022: 19.3, CI 18.3–20.3) is now better
    db.execute("UPDATE observation SET value = 25.0 WHERE period = '2022' AND series_id ="
        + " (SELECT id FROM series WHERE area_code = '" + REGION + "')");
    changed(vertx, REGION);
    assertEquals(Set.of(dudley, sandwell, unstored), evaluated(rounds), "the region's change");
    Row after = latest(dudley);
    assertEquals("Better", after.getString("compared_to_region"));
    assertEquals(before.getString("status"), after.getString("status"));

    // England's change: every place's target
    changed(vertx, ENGLAND);
    assertEquals(Set.of(dudley, sandwell, unstored), evaluated(rounds), "England's change");

    // Sandwell moves to the other region (a feed stored a new parent): its target is evaluated again, and from
    // then on the other region's changes are Sandwell's, the West Midlands' are not
    db.execute("UPDATE area SET parent_code = '" + OTHER_REGION + "' WHERE code = '" + SANDWELL + "'");
    Events.publish(vertx, new FeedStatus("test", "fingertips-csv", "test", true, true, 0, Instant.now(), null,
        new FeedStatus.Read(false, 1, new FeedStatus.Rows(1, 0, 0, 1, 0), null)));
    assertEquals(Set.of(sandwell), evaluated(rounds), "a new parent");
    assertEquals("Better", latest(sandwell).getString("compared_to_region")); // 18 (17–19) against 30
    changed(vertx, OTHER_REGION);
    assertEquals(Set.of(sandwell, unstored), evaluated(rounds), "the new parent's change");
    changed(vertx, REGION);
    assertEquals(Set.of(dudley, unstored), evaluated(rounds), "the old parent's change");
  }

  private static void observation(TestDatabase.Db db, String area, int year, double value) {
    db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, lower_ci95, upper_ci95,"
        + " source) SELECT id, '" + year + "', " + year + ", " + (year + 1) + ", " + value + ", " + (value - 1) + ", "
        + (value + 1) + ", 'test' FROM series WHERE area_code = '" + area + "'");
  }

  private static void changed(Vertx vertx, String area) {
    Events.publish(vertx, new SeriesChanged("test", false, List.of(
        new SeriesChanged.Item(1, new SeriesKey(IND, area, "Persons", "All ages", "", "")))));
  }

  /** The targets of the next round that evaluated any (rounds that only looked the areas up evaluate none). */
  private static Set<String> evaluated(LinkedBlockingQueue<TargetsEvaluated> rounds) throws Exception {
    TargetsEvaluated round = rounds.poll(20, TimeUnit.SECONDS);
    assertNotNull(round, "no round");
    return new TreeSet<>(round.targetIds());
  }

  private static Row latest(String target) throws Exception {
    return database.pool().query("SELECT * FROM evaluation WHERE target_id = '" + target + "' ORDER BY id DESC LIMIT 1")
        .execute().await(10, TimeUnit.SECONDS).iterator().next();
  }
}
