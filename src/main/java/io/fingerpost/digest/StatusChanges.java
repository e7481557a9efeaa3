package io.fingerpost.digest;

import io.fingerpost.strategy.TargetStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The targets of an area whose status changed between two instants (a digest's {@code since} and its scheduled
 * fire time): the status at each is the target's newest evaluation evaluated at or before it (at the present,
 * that is {@code current_evaluation}, what the API shows), so consecutive digests split time without overlap
 * even when one is rendered late. Better or worse by {@link TargetStatus}'s order of the rated statuses (ON_TRACK,
 * AT_RISK, OFF_TRACK); a target not rated then or now (no evaluation, NOT_ENOUGH_DATA) is not compared, nor
 * one whose current evaluation comes from a feed's first load (history being written, as the alerts treat it).
 */
final class StatusChanges {

  /** One target: its status then and now (null when it had none). */
  record TargetChange(String targetId, String name, String group, String team, TargetStatus then,
      TargetStatus now, boolean nowFromFirstLoad, String period, Double value, String explanation) {

    /** Positive when it got worse, negative when better, 0 when unchanged or not comparable. */
    int worse() {
      if (!rated(then) || !rated(now) || nowFromFirstLoad) {
        return 0;
      }
      return Integer.compare(now.ordinal(), then.ordinal());
    }

    private static boolean rated(TargetStatus s) {
      return s != null && s != TargetStatus.NOT_ENOUGH_DATA;
    }
  }

  /** Every active target of the area (after the filters), with what changed. */
  record Result(List<TargetChange> targets) {
    List<TargetChange> deteriorated() {
      return targets.stream().filter(t -> t.worse() > 0).toList();
    }

    List<TargetChange> improved() {
      return targets.stream().filter(t -> t.worse() < 0).toList();
    }
  }

  private final Pool pool;

  StatusChanges(Pool pool) {
    this.pool = pool;
  }

  Future<Result> between(String area, Instant since, Instant until, List<String> groups, List<String> teams) {
    return pool.preparedQuery("""
        SELECT t.id, t.name, t.strategy_group, t.team, n.status AS now_status, n.initial_load, n.period, n.value,
          n.explanation,
          (SELECT e.status FROM evaluation e WHERE e.target_id = t.id AND e.evaluated_at <= $4
             ORDER BY e.id DESC LIMIT 1) AS then_status
        FROM target t LEFT JOIN LATERAL (
          SELECT e.status, e.initial_load, e.period, e.value, e.explanation FROM evaluation e
          WHERE e.target_id = t.id AND e.evaluated_at <= $5 ORDER BY e.id DESC LIMIT 1) n ON true
        WHERE t.active AND t.area_code = $1
          AND (cardinality($2::text[]) = 0 OR t.strategy_group = ANY($2))
          AND (cardinality($3::text[]) = 0 OR t.team = ANY($3))
        ORDER BY t.id
        """).execute(Tuple.of(area, groups.toArray(new String[0]), teams.toArray(new String[0]),
            OffsetDateTime.ofInstant(since, ZoneOffset.UTC), OffsetDateTime.ofInstant(until, ZoneOffset.UTC)))
        .map(rows -> {
          List<TargetChange> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new TargetChange(r.getString("id"), r.getString("name"), r.getString("strategy_group"),
                r.getString("team"), status(r.getString("then_status")), status(r.getString("now_status")),
                Boolean.TRUE.equals(r.getBoolean("initial_load")), r.getString("period"), r.getDouble("value"), r.getString("explanation")));
          }
          return new Result(out);
        });
  }

  private static TargetStatus status(String s) {
    return s == null ? null : TargetStatus.valueOf(s);
  }
}
