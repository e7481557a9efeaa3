package io.fingerpost.alert;

import io.fingerpost.config.DeliveryConfig;
import io.fingerpost.config.ReceiverConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A notifier in a JVM of its own, for the kill -9 test: {@code NotifierProcess <pgPort> <database> <webhookUrl>}.
 * Prints READY once deployed, then runs until killed.
 */
public final class NotifierProcess {
  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(new PgConnectOptions().setHost("localhost").setPort(Integer.parseInt(args[0]))
            .setDatabase(args[1]).setUser("postgres"))
        .using(vertx).build();
    Map<String, Receiver> receivers = Receivers.create(vertx, WebClient.create(vertx),
        Map.of("hook", new ReceiverConfig("webhook", args[2], null, Duration.ofSeconds(5), null, null, null)),
        "http://127.0.0.1:8080", Clock.systemUTC());
    Router router = new Router(List.of(), List.of("hook"));
    DeliveryConfig dc = new DeliveryConfig(Duration.ofMillis(50), Duration.ofMillis(500), null, null,
        Duration.ofSeconds(1), null);
    vertx.deployVerticle(new Notifier(new AlertStore(pool, Clock.systemUTC()), receivers, router, dc, Clock.systemUTC()))
        .await();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
