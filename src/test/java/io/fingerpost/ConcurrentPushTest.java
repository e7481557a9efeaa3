package io.fingerpost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reliability issue, item 1, as a user meets it: simultaneous pushes to one series and period over HTTP
 * all answer 200, and every value pushed is kept, as the current value or a superseded revision.
 */
class ConcurrentPushTest {
  static final String TOKEN = "push-token";
  static final int PUSHES = 50;
  static final int ROUNDS = 20;

  @Test
  void everyValueOfSimultaneousPushesIsKept() throws Exception {
    TestDatabase.Db db = TestDatabase.newDatabase();
    String yaml = """
        http: {port: 0, host: 127.0.0.1}
        database: {url: "%s"}
        push: {token: "${PUSH_TOKEN}"}
        """.formatted(db.url());
    Vertx vertx = Vertx.vertx();
    App app = App.start(vertx, ConfigLoader.parse(yaml, ConfigFile.of(Path.of("test.yaml")),
        Map.of("PUSH_TOKEN", TOKEN))).await(60, TimeUnit.SECONDS);
    Pool pool = PgBuilder.pool().connectingTo(db.connectOptions()).using(vertx).build();
    try {
      WebClient web = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(PUSHES));
      for (int round = 0; round < ROUNDS; round++) {
        String period = String.valueOf(1990 + round);
        assertEquals(200, push(web, app.httpPort(), period, -1).await(30, TimeUnit.SECONDS).statusCode());
        Set<Double> accepted = new HashSet<>(Set.of(-1.0));
        List<Future<HttpResponse<Buffer>>> pushes = new ArrayList<>();
        for (int i = 0; i < PUSHES; i++) {
          accepted.add((double) (round * 1000 + i));
          pushes.add(push(web, app.httpPort(), period, round * 1000 + i));
        }
        Future.all(pushes).await(60, TimeUnit.SECONDS);
        for (Future<HttpResponse<Buffer>> p : pushes) {
          assertEquals(200, p.result().statusCode(), p.result().bodyAsString());
          assertEquals(1, p.result().bodyAsJsonObject().getLong("updated"), p.result().bodyAsString());
        }
        Row current = pool.preparedQuery("SELECT value, revision FROM observation WHERE period = $1")
            .execute(Tuple.of(period)).await(10, TimeUnit.SECONDS).iterator().next();
        assertEquals(PUSHES + 1, current.getInteger("revision"));
        Set<Double> kept = new HashSet<>();
        int superseded = 0;
        for (Row r : pool.preparedQuery("SELECT value FROM observation_revision WHERE period = $1")
            .execute(Tuple.of(period)).await(10, TimeUnit.SECONDS)) {
          kept.add(r.getDouble("value"));
          superseded++;
        }
        assertEquals(PUSHES, superseded, "superseded values kept in " + period);
        kept.add(current.getDouble("value"));
        assertEquals(accepted, kept, "every pushed value is current or kept, " + period);
      }
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
      app.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static Future<HttpResponse<Buffer>> push(WebClient web, int port, String period, double value) {
    String body = "[{\"indicatorId\":\"concurrent\",\"areaCode\":\"E08000027\",\"sex\":\"Persons\",\"age\":\"All ages\","
        + "\"period\":\"" + period + "\",\"value\":" + value + "}]";
    return web.post(port, "127.0.0.1", "/api/observations").putHeader("Authorization", "Bearer " + TOKEN)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
  }
}
