package io.fingerpost;

import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.FingerpostConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The service on its bundled default configuration, started in this JVM on a database of its own. */
public final class BundledDefault {
  private BundledDefault() {}

  /** Starts it on {@code db} (an ephemeral HTTP port), {@code env} as the environment variables it reads. */
  public static App start(Vertx vertx, TestDatabase.Db db, Map<String, String> env) throws Exception {
    ConfigLoader.Loaded def = ConfigLoader.loadDefault(env);
    FingerpostConfig cfg = def.config().withDatabase(db.config()).withHttpPort(0);
    return App.start(vertx, new ConfigLoader.Loaded(cfg, def.file())).await(60, TimeUnit.SECONDS);
  }

  /**
   * Polls {@code /ready} until it answers 200 or {@code max} has passed; returns its last status, for the caller
   * to assert (every feed's first poll stored and evaluated).
   */
  public static int awaitReady(WebClient web, int port, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    int ready;
    do {
      Thread.sleep(200);
      ready = web.get(port, "127.0.0.1", "/ready").send().await(10, TimeUnit.SECONDS).statusCode();
    } while (ready != 200 && System.nanoTime() < deadline);
    return ready;
  }
}
