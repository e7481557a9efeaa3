package io.fingerpost;

import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.StoreReader;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** What every part gets when the service starts: the configuration, the database and the store. */
public record AppContext(
    Vertx vertx,
    ConfigLoader.Loaded loaded,
    Database database,
    ObservationStore store,
    StoreReader reader,
    FeedStatusStore feedStatus) {

  public FingerpostConfig config() {
    return loaded.config();
  }

  public Pool pool() {
    return database.pool();
  }
}
