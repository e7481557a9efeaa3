package io.fingerpost.alert;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes notifications to the service log: the default receiver when no outside server is configured. */
public final class LogReceiver implements Receiver {
  private static final Logger LOG = LoggerFactory.getLogger("io.fingerpost.alert.notifications");
  private final String name;

  public LogReceiver(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<Void> deliver(Notification n, String idempotencyKey) {
    LOG.info("{} [{}] {}\n{}", name, idempotencyKey, Formats.subject(n), Formats.text(n).strip());
    return Future.succeededFuture();
  }
}
