package io.fingerpost.alert;

import io.fingerpost.store.Lease;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The outbox head of a receiver claimed by a cluster member (issue 15). The member must hold the receiver's
 * lease ({@code receiver:<name>}, checked in the claiming transaction, {@link Lease#fence}), and claims only
 * the receiver's oldest pending row, {@code FOR UPDATE SKIP LOCKED}: if a former holder's transaction still
 * has it locked the claim finds nothing and tries again later, rather than skipping ahead to the next row,
 * so per-receiver order holds. The claim records member and token on the row ({@code claimed_by},
 * {@code claim_token}); the attempt is recorded under the same fence ({@link AlertStore#recordAttempt}).
 */
final class OutboxClaims {
  private final Pool pool;

  OutboxClaims(Pool pool) {
    this.pool = pool;
  }

  /** The receiver's head, claimed under {@code lease}; null when there is none (or it is locked). */
  Future<AlertStore.OutboxEntry> claimHead(String receiver, Lease lease, String member) {
    return pool.withTransaction(conn -> lease.fence(conn).compose(v -> conn.preparedQuery("""
            SELECT id, idempotency_key, receiver, payload, attempts, next_attempt_at FROM outbox
            WHERE id = (SELECT min(id) FROM outbox WHERE receiver = $1 AND status = 'pending')
              AND status = 'pending'
            FOR UPDATE SKIP LOCKED
            """).execute(Tuple.of(receiver))).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          AlertStore.OutboxEntry e = AlertStore.entry(rows.iterator().next());
          return conn.preparedQuery("UPDATE outbox SET claimed_by = $2, claim_token = $3 WHERE id = $1")
              .execute(Tuple.of(e.id(), member, lease.token())).map(e);
        }));
  }
}
