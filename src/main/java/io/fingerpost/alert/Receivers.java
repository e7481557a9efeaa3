package io.fingerpost.alert;

import io.fingerpost.config.ReceiverConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the configured receivers. */
public final class Receivers {
  private Receivers() {}

  public static Map<String, Receiver> create(Vertx vertx, WebClient client,
      Map<String, ReceiverConfig> configs, String externalUrl, Clock clock) {
    Map<String, Receiver> out = new LinkedHashMap<>();
    configs.forEach((name, cfg) -> {
      cfg.validate(name);
      out.put(name, switch (cfg.type()) {
        case "email" -> new EmailReceiver(vertx, name, cfg);
        case "log" -> new LogReceiver(name);
        default -> new HttpReceiver(name, cfg, client, externalUrl, clock);
      });
    });
    return out;
  }
}
