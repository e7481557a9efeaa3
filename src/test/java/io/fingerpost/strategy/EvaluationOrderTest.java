package io.fingerpost.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.Events;
import io.fingerpost.store.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A round writes a chunk of targets in one transaction, in the round's (file) order: evaluation ids and
 * {@code evaluated_at} follow that order (a report's {@code since=<evaluation id>} relies on it), each chunk is
 * one transaction (one {@code xmin}), and a target whose write fails makes its chunk write one target at a time,
 * so only that target fails. Real PostgreSQL, the real evaluator; the failing write is a trigger on the table.
 */
class EvaluationOrderTest {

  private static final int TARGETS = 10;
  private static final int CHUNK = 4;
  /** The sixth target (in the second chunk) cannot be written. */
  private static final String BAD = "t06";

  @Test
  void aRoundsEvaluationsAreWrittenAChunkATimeInTheRoundsOrder() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('90001', 'A rate', 'per 100,000', 'Crude rate', 'LOW_IS_GOOD')");
    StringBuilder yaml = new StringBuilder("targets:\n");
    // file order is not the areas' order: t01 is the last area, so ids in code order would be out of file order
    for (int i = 1; i <= TARGETS; i++) {
      String area = String.format("E060000%02d", TARGETS + 1 - i);
      db.execute("INSERT INTO area (code, name, type) VALUES ('" + area + "', 'Area " + i + "', 'UA')");
      db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('90001', '" + area
          + "', 'Persons', 'All ages')");
      yaml.append(String.format("""
            - id: t%02d
              name: Target %d
              indicator: "90001"
              area: %s
              sex: Persons
              age: All ages
              group: test
              horizonYears: 10
              team: public-health
              direction: decrease
              baseline: {period: "2015"}
              target: {period: "2028"}
              tolerance: {amber: 5%%, red: 10%%}
          """, i, i, area));
    }
    for (int year = 2013; year <= 2022; year++) {
      db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
          + " SELECT id, '" + year + "', " + year + ", " + (year + 1) + ", 100 - " + (year - 2013)
          + " + length(area_code) + right(area_code, 2)::int, 'test' FROM series");
    }
    db.execute("CREATE FUNCTION refuse_bad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.target_id = '" + BAD + "' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$");
    db.execute("CREATE TRIGGER refuse_bad BEFORE INSERT ON evaluation FOR EACH ROW EXECUTE FUNCTION refuse_bad()");

    Vertx vertx = Vertx.vertx();
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      List<TargetDefinition> targets = TargetsLoader.parse(List.of(new TargetsLoader.TargetsText("order.yaml",
          yaml.toString())));
      LinkedBlockingQueue<EvaluationsCreated> events = new LinkedBlockingQueue<>();
      Events.consumer(vertx, EvaluationsCreated.ADDRESS, events::add);
      vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets, CHUNK))
          .await(30, TimeUnit.SECONDS);

      EvaluationsCreated event = events.poll(30, TimeUnit.SECONDS);
      assertNotNull(event, "the start-up round announced nothing");
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= TARGETS; i++) {
        if (!String.format("t%02d", i).equals(BAD)) {
          expected.add(String.format("t%02d", i));
        }
      }
      assertEquals(expected, event.targetIds(), "every target but the refused one, in file order");
      for (int i = 1; i < event.evaluationIds().size(); i++) {
        assertTrue(event.evaluationIds().get(i) > event.evaluationIds().get(i - 1), event.evaluationIds().toString());
      }

      List<String> byId = new ArrayList<>();
      List<OffsetDateTime> times = new ArrayList<>();
      List<Long> transactions = new ArrayList<>();
      for (Row r : database.pool().query("SELECT target_id, evaluated_at, xmin::text::bigint AS tx FROM evaluation"
          + " ORDER BY id").execute().await(10, TimeUnit.SECONDS)) {
        byId.add(r.getString("target_id"));
        times.add(r.getOffsetDateTime("evaluated_at"));
        transactions.add(r.getLong("tx"));
      }
      assertEquals(expected, byId, "ids in the round's order");
      for (int i = 1; i < times.size(); i++) {
        assertTrue(times.get(i).isAfter(times.get(i - 1)), "evaluated_at in id order: " + times);
      }
      // chunks t01-t04 and t09-t10 in a transaction each; t05-t08 refused together, then one at a time
      assertEquals(1, transactions.subList(0, 4).stream().distinct().count(), "first chunk: " + transactions);
      assertEquals(3, transactions.subList(4, 7).stream().distinct().count(), "fallback chunk: " + transactions);
      assertEquals(1, transactions.subList(7, 9).stream().distinct().count(), "last chunk: " + transactions);
      assertEquals(5, transactions.stream().distinct().count(), transactions.toString());
      assertEquals(9L, database.pool().query("SELECT count(*) FROM target WHERE baseline_value IS NOT NULL")
          .execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0), "the written targets' values");
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
