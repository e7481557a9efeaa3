package io.fingerpost.store;

import io.fingerpost.model.SeriesKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The {@code feed_series_digest} table (V90, issue 14): per feed and series, a 128-bit digest of the rows the
 * feed's latest full read delivered for the series, kept only while the store holds exactly those rows. Any update
 * or delete of one of the series' observations, by anybody, deletes its digests in the same transaction (the V90
 * triggers), so a digest found here is one no writer has contradicted since it was saved; a feed saves a
 * series' digest only after a successful load wrote (or found) all its rows, and deletes the digests of the series
 * it is about to write first, so a failed or crashed load leaves none for what it touched.
 */
public final class SeriesDigestStore {

  /** A saved digest: the series key's 64-bit hash (the lookup key) and the two halves of the digest. */
  public record Digest(long keyHash, long a, long b) {}

  private final io.vertx.core.Vertx vertx;
  private final Pool pool;
  private final SeriesCatalog catalog;
  private final BiFunction<String, SqlClient, Future<Void>> fence;
  /** The COPY connections (null: none); a fenced feed saves through the pool, whose transaction checks the lease. */
  private final CopyWriter copy;
  private final Predicate<String> fenced;

  SeriesDigestStore(io.vertx.core.Vertx vertx, Pool pool, SeriesCatalog catalog, BiFunction<String, SqlClient, Future<Void>> fence,
                    CopyWriter copy, Predicate<String> fenced) {
    this.vertx = vertx;
    this.pool = pool;
    this.catalog = catalog;
    this.fence = fence;
    this.copy = copy;
    this.fenced = fenced;
  }

  private static final String STAGE = """
      CREATE TEMPORARY TABLE IF NOT EXISTS feed_series_digest_stage (series_id bigint, key_hash bigint,
        digest_a bigint, digest_b bigint) ON COMMIT DELETE ROWS""";

  /** Rows saved before for these series (none but a concurrent save's: the load deleted them), then the rows. */
  private static final String REPLACE = """
      DELETE FROM feed_series_digest d USING feed_series_digest_stage s WHERE d.feed = ? AND d.series_id = s.series_id""";

  /** In series id order: both indexes, (feed, series_id) and (series_id), then grow at their right edge. */
  private static final String INSERT = """
      INSERT INTO feed_series_digest (feed, series_id, key_hash, digest_a, digest_b)
      SELECT ?, series_id, key_hash, digest_a, digest_b FROM feed_series_digest_stage ORDER BY series_id""";

  /**
   * Binary COPY of the rows into the staging table, then a delete of what is there and an insert: 0.42 s for 100,000
   * digests in a test database, where INSERT … ON CONFLICT DO UPDATE took 0.55–1.0 s.
   */
  private static void copySave(Connection c, String feed, Long[] id, Long[] key, Long[] a, Long[] b)
      throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute(STAGE);
    }
    SeriesCopy.copy(c, "COPY feed_series_digest_stage FROM STDIN (FORMAT binary)",
        in -> CopyRows.writeDigests(in, id, key, a, b));
    for (String sql : new String[] {REPLACE, INSERT}) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, feed);
        ps.executeUpdate();
      }
    }
  }

  /** Whether the feed has any digest (a full read then parses first and compares by digest). */
  public Future<Boolean> any(String feed) {
    return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM feed_series_digest WHERE feed = $1)")
        .execute(Tuple.of(feed)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  /**
   * The feed's digests by key hash (two series sharing a key hash: one is kept, the other then never matches).
   * Fetched packed into one {@code bytea} (24 bytes a series, in {@code int8send}'s big-endian order) and held in
   * primitive arrays: at 100,000 series, rows decoded one by one into a map of boxed keys and records took
   * 0.11–0.13 s of an unchanged re-read of 1.3–1.4 s (issue 14, bench-load).
   */
  public Future<DigestTable> load(String feed) {
    long t = System.nanoTime();
    return pool.preparedQuery("SELECT count(*), string_agg(int8send(key_hash) || int8send(digest_a) || int8send(digest_b),"
            + " ''::bytea) FROM feed_series_digest WHERE feed = $1")
        .execute(Tuple.of(feed)).compose(rows -> vertx.executeBlocking(() -> {
          // a million series at national scale: the table is filled on a worker, not on the event loop
          Row r = rows.iterator().next();
          io.vertx.core.buffer.Buffer packed = r.getBuffer(1);
          DigestTable out = new DigestTable((int) r.getLong(0).longValue());
          int n = packed == null ? 0 : packed.length() / 24;
          for (int i = 0; i < n; i++) {
            out.put(packed.getLong(24 * i), packed.getLong(24 * i + 8), packed.getLong(24 * i + 16));
          }
          LoadProfile.add(LoadProfile.Step.DIGEST_FETCH, t);
          return out;
        }, false));
  }

  /** Stored digests by key hash: open addressing over primitive arrays (no boxed key, no entry object a series). */
  public static final class DigestTable {
    private final long[] keys;
    private final long[] a;
    private final long[] b;
    private final boolean[] used;
    private final int mask;
    private int size;

    DigestTable(int expected) {
      int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
      keys = new long[capacity];
      a = new long[capacity];
      b = new long[capacity];
      used = new boolean[capacity];
      mask = capacity - 1;
    }

    /** Adds or replaces the digest of {@code keyHash} (at most the {@code expected} entries it was made for). */
    void put(long keyHash, long digestA, long digestB) {
      int i = slot(keyHash);
      if (!used[i]) {
        if (size == keys.length / 2) {
          throw new IllegalStateException("more digests than the table was made for");
        }
        used[i] = true;
        keys[i] = keyHash;
        size++;
      }
      a[i] = digestA;
      b[i] = digestB;
    }

    /** Whether {@code keyHash}'s stored digest is ({@code digestA}, {@code digestB}). */
    public boolean matches(long keyHash, long digestA, long digestB) {
      int i = slot(keyHash);
      return used[i] && a[i] == digestA && b[i] == digestB;
    }

    public int size() {
      return size;
    }

    /** The slot holding {@code keyHash}, or the empty one where it would go. */
    private int slot(long keyHash) {
      int i = (int) (keyHash ^ (keyHash >>> 32)) * 0x9E3779B9 & mask;
      while (used[i] && keys[i] != keyHash) {
        i = (i + 1) & mask;
      }
      return i;
    }
  }

  /** Deletes the feed's digests of these series (by key hash; null: all of the feed's), committed before writes. */
  public Future<Void> forget(String feed, long[] keyHashes) {
    if (keyHashes == null) {
      return pool.preparedQuery("DELETE FROM feed_series_digest WHERE feed = $1").execute(Tuple.of(feed)).mapEmpty();
    }
    if (keyHashes.length == 0) {
      return Future.succeededFuture();
    }
    Long[] boxed = new Long[keyHashes.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = keyHashes[i];
    }
    return pool.preparedQuery("DELETE FROM feed_series_digest WHERE feed = $1 AND key_hash = ANY($2::bigint[])")
        .execute(Tuple.tuple().addValue(feed).addValue(boxed)).mapEmpty();
  }

  /**
   * Saves digests of series this store's catalog knows (those the load just wrote or resolved; a series it does not
   * know gets none, so the next read compares it in full). In one transaction, behind the feed's lease when it is
   * fenced (cluster): a poller that lost its lease saves nothing.
   */
  public Future<Integer> save(String feed, List<SeriesKey> keys, List<Digest> digests) {
    long t = System.nanoTime();
    if (copy != null && !fenced.test(feed)) {
      return copy.run(c -> {
        Long[][] rows = rows(keys, digests);
        if (rows[0].length > 0) {
          copySave(c, feed, rows[0], rows[1], rows[2], rows[3]);
        }
        return rows[0].length;
      }, r -> r).onComplete(ar -> LoadProfile.add(LoadProfile.Step.DIGEST_SAVE, t));
    }
    return vertx.executeBlocking(() -> rows(keys, digests), false).compose(rows -> rows[0].length == 0
        ? Future.succeededFuture(0) : unnestSave(feed, rows)).onComplete(ar -> LoadProfile.add(LoadProfile.Step.DIGEST_SAVE, t));
  }

  /** How long a staged save waits for its load's end before it rolls back (the load then saves after it ended). */
  private static final long STAGED_WAIT_MINUTES = 10;

  /** Whether a staged save holds a COPY worker now. */
  private final AtomicBoolean staging = new AtomicBoolean();

  /**
   * Begins saving digests before the load's last batches committed (the load's tail, issue 14): on a COPY connection
   * of its own, in a transaction that writes the digests of the series the catalog knows now and then waits; it
   * commits only once {@link Staged#commit} says every batch of the load committed, and rolls back on
   * {@link Staged#abort} (a failed load): a digest is saved only after all the rows of its load. Null when the feed
   * saves through the pool behind its lease (fenced) or there is no COPY: then {@link #save} once the load ended.
   */
  public Staged stage(String feed, List<SeriesKey> keys, List<Digest> digests) {
    // it holds a COPY worker until its load ends: one at a time, and never the only one (the batches need the others)
    if (copy == null || fenced.test(feed) || Database.COPY_CONNECTIONS < 2 || !staging.compareAndSet(false, true)) {
      return null;
    }
    CompletableFuture<long[]> release = new CompletableFuture<>();
    Future<Integer> saved = copy.run(c -> {
      long t = System.nanoTime();
      List<SeriesKey> unknownKeys = new ArrayList<>();
      List<Digest> unknownDigests = new ArrayList<>();
      Long[][] rows = rows(keys, digests, unknownKeys, unknownDigests);
      if (rows[0].length > 0) {
        copySave(c, feed, rows[0], rows[1], rows[2], rows[3]);
      }
      LoadProfile.add(LoadProfile.Step.DIGEST_STAGE, t);
      long[] forget = release.get(STAGED_WAIT_MINUTES, TimeUnit.MINUTES);
      // series the load's last batches created are known now; those another writer changed lose theirs
      Long[][] late = rows(unknownKeys, unknownDigests);
      if (late[0].length > 0) {
        try (Statement st = c.createStatement()) {
          st.execute("TRUNCATE feed_series_digest_stage");
        }
        copySave(c, feed, late[0], late[1], late[2], late[3]);
      }
      if (forget.length > 0) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM feed_series_digest WHERE feed = ? AND key_hash = ANY (?)")) {
          ps.setString(1, feed);
          ps.setArray(2, c.createArrayOf("bigint", Arrays.stream(forget).boxed().toArray()));
          ps.executeUpdate();
        }
      }
      return rows[0].length + late[0].length;
    }, r -> r).onComplete(ar -> staging.set(false));
    return new Staged(release, saved);
  }

  /** A save begun by {@link #stage}: it commits or rolls back as its load ends. */
  public static final class Staged {
    private final CompletableFuture<long[]> release;
    private final Future<Integer> saved;

    private Staged(CompletableFuture<long[]> release, Future<Integer> saved) {
      this.release = release;
      this.saved = saved;
    }

    /**
     * Every batch of the load committed: the digests of series another writer changed meanwhile ({@code forget}, key
     * hashes) are dropped and the rest committed. Fails if the staged transaction failed (nothing saved).
     */
    public Future<Integer> commit(long[] forget) {
      long t = System.nanoTime();
      release.complete(forget);
      return saved.onComplete(ar -> LoadProfile.add(LoadProfile.Step.DIGEST_SAVE, t));
    }

    /** The load failed: nothing is saved. */
    public void abort() {
      release.completeExceptionally(new CancellationException("the load failed"));
    }
  }

  /** Series id, key hash, digest halves of the series the catalog knows (worker thread: a lookup a series). */
  private Long[][] rows(List<SeriesKey> keys, List<Digest> digests) {
    return rows(keys, digests, null, null);
  }

  /** {@link #rows(List, List)}, the others (series the catalog does not know yet) into {@code unknown…} if given. */
  private Long[][] rows(List<SeriesKey> keys, List<Digest> digests, List<SeriesKey> unknownKeys,
                        List<Digest> unknownDigests) {
    List<Long> ids = new ArrayList<>(keys.size());
    List<Digest> kept = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      Long id = catalog.cachedId(keys.get(i));
      if (id != null) {
        ids.add(id);
        kept.add(digests.get(i));
      } else if (unknownKeys != null) {
        unknownKeys.add(keys.get(i));
        unknownDigests.add(digests.get(i));
      }
    }
    int n = kept.size();
    Long[] key = new Long[n], a = new Long[n], b = new Long[n];
    for (int i = 0; i < n; i++) {
      Digest d = kept.get(i);
      key[i] = d.keyHash();
      a[i] = d.a();
      b[i] = d.b();
    }
    return new Long[][] {ids.toArray(new Long[0]), key, a, b};
  }

  private Future<Integer> unnestSave(String feed, Long[][] rows) {
    Long[] id = rows[0], key = rows[1], a = rows[2], b = rows[3];
    int n = id.length;
    return pool.withTransaction(conn -> fence.apply(feed, conn).compose(v -> conn.preparedQuery("""
        INSERT INTO feed_series_digest (feed, series_id, key_hash, digest_a, digest_b)
        SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
        ON CONFLICT (feed, series_id) DO UPDATE
          SET key_hash = excluded.key_hash, digest_a = excluded.digest_a, digest_b = excluded.digest_b""")
        .execute(Tuple.of(feed, id, key, a, b))))
        .map(r -> n);
  }

  /**
   * What the store's intervals from counts read of these indicators ({@link ComputedIntervals}: value type and unit),
   * as one text each (absent: no such indicator). A digest covers it, so a changed unit or type compares again.
   */
  public Future<Map<String, String>> kinds(Collection<String> indicatorIds) {
    if (indicatorIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("SELECT id, value_type, unit FROM indicator WHERE id = ANY($1::text[])")
        .execute(Tuple.of(indicatorIds.toArray(new String[0]))).map(rows -> {
          Map<String, String> out = new HashMap<>();
          for (Row r : rows) {
            out.put(r.getString(0), r.getString(1) + "\u0000" + r.getString(2));
          }
          return out;
        });
  }
}
