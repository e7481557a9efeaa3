package io.fingerpost.digest;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The digest runs and the delivery state of each receiver, for {@code GET /api/reports/digests}. */
public final class DigestHistory {
  private final Pool pool;

  public DigestHistory(Pool pool) {
    this.pool = pool;
  }

  /**
   * One receiver's copy of a run: its outbox row.
   *
   * @param status pending, delivered or failed (given up)
   */
  public record DigestDelivery(String receiver, String status, int attempts, Instant deliveredAt, String lastError) {}

  /**
   * One run.
   *
   * @param scheduledAt the fire time the run belongs to
   * @param queuedAt when it was rendered and queued
   * @param sentAt when the last receiver got it, null while any is not delivered
   * @param since the report covers status changes after this
   * @param catchUp true when sent at start-up for a fire missed while the service was down
   */
  public record DigestRun(String name, Instant scheduledAt, Instant queuedAt, Instant sentAt, String area,
      List<String> groups, List<String> teams, Instant since, int improved, int deteriorated, String subject,
      String link, boolean catchUp, List<DigestDelivery> receivers) {}

  /** Newest first, at most {@code limit}; {@code name} null for every digest. */
  public Future<List<DigestRun>> list(String name, int limit) {
    return pool.preparedQuery("""
        SELECT * FROM digest_run WHERE ($1::text IS NULL OR name = $1) ORDER BY fire_time DESC, id DESC LIMIT $2
        """).execute(Tuple.of(name, limit)).compose(runs -> {
          List<Long> ids = new ArrayList<>();
          runs.forEach(r -> ids.add(r.getLong("id")));
          return pool.preparedQuery("""
              SELECT digest_run_id, receiver, status, attempts, delivered_at, last_error FROM outbox
              WHERE digest_run_id = ANY($1) ORDER BY id
              """).execute(Tuple.of(ids.toArray(new Long[0]))).map(rows -> {
                Map<Long, List<DigestDelivery>> byRun = new LinkedHashMap<>();
                for (Row r : rows) {
                  byRun.computeIfAbsent(r.getLong("digest_run_id"), k -> new ArrayList<>()).add(new DigestDelivery(
                      r.getString("receiver"), r.getString("status"), r.getInteger("attempts"),
                      instant(r.getOffsetDateTime("delivered_at")), r.getString("last_error")));
                }
                List<DigestRun> out = new ArrayList<>();
                for (Row r : runs) {
                  List<DigestDelivery> ds = byRun.getOrDefault(r.getLong("id"), List.of());
                  Instant sent = ds.isEmpty() || ds.stream().anyMatch(x -> x.deliveredAt() == null) ? null
                      : ds.stream().map(DigestDelivery::deliveredAt).max(Instant::compareTo).orElseThrow();
                  out.add(new DigestRun(r.getString("name"), instant(r.getOffsetDateTime("fire_time")),
                      instant(r.getOffsetDateTime("created_at")), sent, r.getString("area"),
                      Arrays.asList(r.getArrayOfStrings("groups")), Arrays.asList(r.getArrayOfStrings("teams")),
                      instant(r.getOffsetDateTime("since")), r.getInteger("improved"), r.getInteger("deteriorated"),
                      r.getString("subject"), r.getString("link"), r.getBoolean("catch_up"), ds));
                }
                return out;
              });
        });
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
