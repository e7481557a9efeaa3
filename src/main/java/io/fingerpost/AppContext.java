package io.fingerpost;

import io.fingerpost.cluster.ClusterMembers;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.Leases;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.StoreReader;
import io.fingerpost.strategy.TargetDefinition;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * What every part gets when the service starts: the configuration, the database, the store and the
 * targets (read from the configured targets files before anything else starts).
 */
public record AppContext(
    Vertx vertx,
    ConfigLoader.Loaded loaded,
    Database database,
    ObservationStore store,
    StoreReader reader,
    FeedStatusStore feedStatus,
    List<TargetDefinition> targets,
    Leases leases,
    ClusterMembers cluster) {

  /** Whether this process is a cluster member (issue 15). */
  public boolean clustered() {
    return config().cluster().on() && vertx.isClustered();
  }

  public FingerpostConfig config() {
    return loaded.config();
  }

  public Pool pool() {
    return database.pool();
  }
}
