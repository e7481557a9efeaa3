package io.fingerpost.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code feed_chunk} table: per file feed, the fingerprints of the source chunks its latest
 * successful read loaded, with each chunk's record count and rejections (lines relative to the chunk).
 */
public final class FeedChunkStore {

  /** One loaded chunk. {@code rejections}: {@code [{"offset": n, "reason": …, "content": …}]}. */
  public record StoredChunk(String fingerprint, long records, long rejected, JsonArray rejections) {}

  private final Pool pool;

  public FeedChunkStore(Pool pool) {
    this.pool = pool;
  }

  /** The chunks of the feed's latest successful read, by fingerprint. */
  public Future<Map<String, StoredChunk>> load(String feed) {
    return pool.preparedQuery("SELECT fingerprint, records, rejected, rejections FROM feed_chunk WHERE feed = $1")
        .execute(Tuple.of(feed))
        .map(rows -> {
          Map<String, StoredChunk> m = new HashMap<>();
          for (Row r : rows) {
            Object rej = r.getValue(3);
            m.put(r.getString(0), new StoredChunk(r.getString(0), r.getLong(1), r.getLong(2),
                rej instanceof JsonArray a ? a : new JsonArray()));
          }
          return m;
        });
  }

  /** Replaces the feed's chunks (in file order) in one transaction. */
  public Future<Void> replace(String feed, List<StoredChunk> chunks) {
    int n = chunks.size();
    Integer[] seq = new Integer[n];
    String[] fp = new String[n];
    Long[] records = new Long[n];
    Long[] rejected = new Long[n];
    String[] rejections = new String[n];
    for (int i = 0; i < n; i++) {
      StoredChunk c = chunks.get(i);
      seq[i] = i;
      fp[i] = c.fingerprint();
      records[i] = c.records();
      rejected[i] = c.rejected();
      rejections[i] = c.rejections().encode();
    }
    return pool.withTransaction(c -> c.preparedQuery("DELETE FROM feed_chunk WHERE feed = $1").execute(Tuple.of(feed))
        .compose(v -> n == 0 ? Future.succeededFuture() : c.preparedQuery("""
            INSERT INTO feed_chunk (feed, seq, fingerprint, records, rejected, rejections)
            SELECT $1, s, f, r, j, x::jsonb FROM unnest($2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::text[])
              AS u(s, f, r, j, x)""")
            .execute(Tuple.of(feed, seq, fp, records, rejected, rejections)))
        .mapEmpty());
  }
}
