package io.fingerpost.store;

import io.fingerpost.config.DatabaseConfig;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for {@link OrphanPostmasterTest}: starts the service's embedded {@link Database} in the data
 * directory given as the only argument, writes one row, prints {@code READY}, and runs until it is killed.
 */
public final class EmbeddedDatabaseChild {
  private EmbeddedDatabaseChild() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    DatabaseConfig cfg = new DatabaseConfig(null, null, null, args[0], 2);
    Database db = Database.start(vertx, new Database.Options(cfg, true, Map.of())).await(120, TimeUnit.SECONDS);
    db.pool().query("CREATE TABLE IF NOT EXISTS crash_marker (note text); INSERT INTO crash_marker VALUES ('before kill')")
        .execute().await(30, TimeUnit.SECONDS);
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(TimeUnit.MINUTES.toMillis(10)); // the test kills this JVM long before
    System.exit(3);
  }
}
