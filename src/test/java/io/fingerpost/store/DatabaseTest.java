package io.fingerpost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class DatabaseTest {

  @Test
  void externalUrlIsMigratedAndPooled(Vertx vertx) throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    Database database = db.start(vertx).await(60, TimeUnit.SECONDS);
    try {
      List<String> tables = database.pool()
          .query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
          .execute().await(10, TimeUnit.SECONDS).stream().map(r -> r.getString(0)).toList();
      for (String t : List.of("area", "feed_rejection", "feed_status", "indicator", "observation",
          "observation_revision", "series")) {
        assertEquals(true, tables.contains(t), t + " in " + tables);
      }
    } finally {
      database.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void embeddedServerKeepsItsDataDirAndIsDurable(Vertx vertx, @TempDir Path dir) throws Exception {
    DatabaseConfig cfg = new DatabaseConfig(null, null, null, dir.resolve("pgdata").toString(), 2);
    Database database = Database.start(vertx, new Database.Options(cfg, true, Map.of()))
        .await(120, TimeUnit.SECONDS);
    try {
      // the pool's first connection is opened (and queried) by the start, not by the first poll or request
      assertEquals(1, database.poolConnectionsOpened());
      Row r = database.pool().query("SELECT current_setting('fsync'), current_setting('synchronous_commit')")
          .execute().await(10, TimeUnit.SECONDS).iterator().next();
      assertEquals("on", r.getString(0));
      assertEquals("on", r.getString(1));
      assertEquals(true, dir.resolve("pgdata/PG_VERSION").toFile().isFile());
    } finally {
      database.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void urlFormsAreAccepted() {
    assertEquals("db", Database.parseUrl("jdbc:postgresql://h:5433/db?user=u").getDatabase());
    assertEquals(5433, Database.parseUrl("postgres://u:p@h:5433/db").getPort());
    assertEquals("u", Database.parseUrl("postgresql://u:p@h:5433/db").getUser());
  }
}
