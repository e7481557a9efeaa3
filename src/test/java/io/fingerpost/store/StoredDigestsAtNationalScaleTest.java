package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A feed's stored digests come packed in one {@code bytea}, 24 bytes a series (issue 14): at the national scale's
 * million series that is one 24 MB value, fetched whole, and only the feed's own.
 */
@ExtendWith(VertxExtension.class)
class StoredDigestsAtNationalScaleTest {
  static Database database;
  static final int SERIES = 1_000_000;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aMillionSeriesDigestsAreFetchedWhole(Vertx vertx) throws Exception {
    // key hashes spread over most of 64 bits (negative ones too), digests derived from the id so that any can be checked
    database.pool().preparedQuery("""
        INSERT INTO feed_series_digest (feed, series_id, key_hash, digest_a, digest_b)
        SELECT $1, g, g * 9000000000007 - 4500000000000000000, g * 31, -g FROM generate_series(1, $2) g""")
        .execute(Tuple.of("national", SERIES)).await(5, TimeUnit.MINUTES);
    database.pool().preparedQuery("""
        INSERT INTO feed_series_digest (feed, series_id, key_hash, digest_a, digest_b)
        SELECT 'other', g, g * 9000000000007 - 4500000000000000000, 0, 0 FROM generate_series(1, 1000) g""")
        .execute().await(1, TimeUnit.MINUTES);

    SeriesDigestStore.DigestTable table = new ObservationStore(vertx, database).digests().load("national")
        .await(5, TimeUnit.MINUTES);

    assertEquals(SERIES, table.size());
    for (long g : new long[] {1, 2, 999, 500_000, SERIES}) {
      long keyHash = g * 9_000_000_000_007L - 4_500_000_000_000_000_000L;
      assertTrue(table.matches(keyHash, g * 31, -g), "series " + g);
      assertFalse(table.matches(keyHash, 0, 0), "series " + g + " has its own feed's digest, not another's");
    }
    assertFalse(table.matches(SERIES + 1L, 0, 0));
  }
}
