package io.fingerpost.metrics;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.MetricsSettings;
import io.fingerpost.event.EvaluationsCreated;
import io.fingerpost.event.Events;
import io.fingerpost.event.SeriesChanged;
import io.fingerpost.meters.FingerpostMetrics;
import io.fingerpost.meters.RenderedState;
import io.fingerpost.model.SeriesKey;
import io.fingerpost.store.Database;
import io.fingerpost.strategy.TargetDefinition;
import io.fingerpost.strategy.TargetEvaluatorVerticle;
import io.fingerpost.strategy.TargetsLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code metrics: {scope: all, maxSeries}} at national scale covered no target (bench-national --scale 1): the
 * series without a target, read before any evaluation, filled the cap, and targets evaluated later found no room.
 * Targets come first: here 1,500 untargeted series fill a cap of 1,000 before the evaluator starts; its targets
 * then take the room of untargeted series, and the exposition counts what the cap left out. Real PostgreSQL, the
 * real evaluator and metrics verticle.
 */
class MetricsCapTest {

  @Test
  void targetsEvaluatedAfterTheCapIsFullTakeTheRoomOfUntargetedSeries() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    db.execute("INSERT INTO indicator (id, name, unit, value_type, polarity) VALUES"
        + " ('90366', 'Life expectancy at birth', 'Years', 'Life expectancy', 'HIGH_IS_GOOD'),"
        + " ('99999', 'Filler', 'Count', NULL, 'LOW_IS_GOOD')");
    db.execute("INSERT INTO area (code, name, type) VALUES ('E08000027', 'Dudley', 'UA'), ('E92000001', 'England', 'Country')");
    db.execute("INSERT INTO series (indicator_id, area_code, sex, age) VALUES ('90366', 'E08000027', 'Male', '<1 yr'),"
        + " ('90366', 'E92000001', 'Male', '<1 yr')");
    String[] periods = {"2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20", "2019 - 21", "2020 - 22", "2021 - 23"};
    for (int i = 0; i < periods.length; i++) {
      int start = Integer.parseInt(periods[i].substring(0, 4));
      db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source) SELECT id, '"
          + periods[i] + "', " + start + ", " + (start + 3) + ", " + (78.9 + 0.05 * i) + ", 'test' FROM series");
    }
    // 1,500 series without a target, one value each (ids after the targets' series: read first by id order)
    db.execute("INSERT INTO area (code, name, type) SELECT 'X' || lpad(g::text, 5, '0'), 'Filler ' || g, 'UA'"
        + " FROM generate_series(1, 1500) g");
    db.execute("INSERT INTO series (indicator_id, area_code, sex, age) SELECT '99999', code, 'Persons', 'All ages'"
        + " FROM area WHERE code LIKE 'X%'");
    db.execute("INSERT INTO observation (series_id, period, period_start, period_end, value, source)"
        + " SELECT id, '2022', 2022, 2023, 1.0, 'test' FROM series WHERE indicator_id = '99999'");

    FingerpostMetrics metrics = FingerpostMetrics.create();
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    metrics.bind(vertx);
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      vertx.deployVerticle(new MetricsVerticle(metrics, database.pool(),
          new MetricsSettings(MetricsSettings.Scope.ALL, 1000, Duration.ofMillis(300)))).await(30, TimeUnit.SECONDS);
      // a change before any evaluation: the full read after start fills the cap with series (the first load)
      RenderedState atStart = metrics.indicatorState();
      Events.publish(vertx, new SeriesChanged("test", false, List.of(new SeriesChanged.Item(3,
          new SeriesKey("99999", "X00001", "Persons", "All ages", "", "")))));
      waitFor(() -> metrics.indicatorState() != atStart && metrics.indicatorState().states() >= 1000, "a full set");
      String before = text(metrics);
      assertTrue(!before.contains("fingerpost_target_status_code{"), "no target evaluated yet");

      List<TargetDefinition> targets = TargetsLoader.loadResource("fingerpost/default/targets/dudley-2023-2033.yaml")
          .stream().filter(t -> t.id().equals("le-birth-male")).toList();
      LinkedBlockingQueue<EvaluationsCreated> events = new LinkedBlockingQueue<>();
      Events.consumer(vertx, EvaluationsCreated.ADDRESS, events::add);
      vertx.deployVerticle(new TargetEvaluatorVerticle(database.pool(), targets)).await(30, TimeUnit.SECONDS);
      assertNotNull(events.poll(15, TimeUnit.SECONDS), "no evaluation");

      waitFor(() -> text(metrics).contains("fingerpost_target_status_code{target_id=\"le-birth-male\""),
          "the target in the exposition although the cap was full of series without a target");
      String after = text(metrics);
      // what the cap left out is in the exposition: series without a target (counted), no target
      waitFor(() -> dropped(metrics) >= 500, "the series left out counted");
      assertTrue(metrics.indicatorState().states() <= 1000, "within the cap: " + metrics.indicatorState().states());
      assertTrue(after.contains("fingerpost_target_info{target_id=\"le-birth-male\""), "its info sample");
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** fingerpost_metrics_state_series_dropped as scraped. */
  private static double dropped(FingerpostMetrics metrics) {
    return metrics.registry().scrape().lines().filter(l -> l.startsWith("fingerpost_metrics_state_series_dropped "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
  }

  private static String text(FingerpostMetrics metrics) {
    RenderedState s = metrics.indicatorState();
    if (s == null) {
      return "";
    }
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(s.gzip()))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within 30 s");
      }
      Thread.sleep(100);
    }
  }
}
